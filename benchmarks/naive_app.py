"""The equal-work baseline of the respondent benchmark: a naive survey app doing what ours does per request.

What a developer writes in an afternoon with the usual tools, and no care for speed: Flask, Flask-WTF
(a ``FlaskForm`` of 30 required ``RadioField`` s, CSRF checked from the signed session cookie, as ours),
and SQLAlchemy Core on the same PostgreSQL database.

- ``GET /survey`` renders the 30-question page through the form's own fields;
- ``POST /survey`` validates the form and stores **1 response row and 30 answer rows** in one
  transaction (the same rows our final POST stores), then redirects as after a survey's last page;
  an invalid form is shown again with its errors.

Its tables have what such an app gets by default: a serial primary key on each, and a foreign key from
the answers to the response. Served by gunicorn with the same settings as the survey app::

    NAIVE_DATABASE_URL=postgresql+psycopg://... NAIVE_SECRET_KEY=... gunicorn benchmarks.naive_app:app
"""
from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, redirect, render_template
from flask_wtf import FlaskForm
from jinja2 import DictLoader
from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
)
from wtforms import RadioField
from wtforms.validators import InputRequired

metadata = MetaData()
naive_responses = Table("naive_responses", metadata, Column("id", Integer, primary_key=True),
                        Column("survey", String(20)), Column("status", String(20)),
                        Column("finished_at", DateTime(timezone=True)))
naive_answers = Table("naive_answers", metadata, Column("id", Integer, primary_key=True),
                      Column("response_id", Integer, ForeignKey("naive_responses.id")),
                      Column("question_code", String(64)), Column("value_num", Float))

LABELS = {1: "전혀 그렇지 않다", 4: "보통이다", 7: "매우 그렇다", 9: "모름/해당없음"}
CHOICES = [(str(v), LABELS.get(v, "")) for v in (1, 2, 3, 4, 5, 6, 7, 9)]
CODES = [f"Q{i}" for i in range(1, 31)]

PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>30문항 만족도 조사</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main id="main"><h1>30문항 만족도 조사</h1>
<form method="post" novalidate>{{ form.csrf_token }}
{% for field in form if field.type == 'RadioField' %}
<div class="question"><fieldset><legend>{{ field.label.text }} (필수)</legend>
{% for option in field %}<label class="option">{{ option() }} <span>{{ option.label.text }}</span></label>
{% endfor %}{% for error in field.errors %}<p class="error">{{ error }}</p>{% endfor %}
</fieldset></div>
{% endfor %}
<button type="submit" name="move" value="next">제출하기</button>
</form></main></body></html>
"""


class SurveyForm(FlaskForm):
    """30 required seven-point questions with a 'don't know' option."""


for _code in CODES:
    setattr(SurveyForm, f"a_{_code}", RadioField(f"우체국 직원은 고객의 요청을 정확하게 처리하였습니까? ({_code})",
                                                 choices=CHOICES, validators=[InputRequired("응답해 주십시오.")]))


def create_app(url: str | None = None, secret: str | None = None) -> Flask:
    """The naive app on ``url`` (default ``NAIVE_DATABASE_URL``), signing cookies with ``secret``."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secret or os.environ["NAIVE_SECRET_KEY"]
    app.jinja_env.loader = DictLoader({"page.html": PAGE})
    engine = create_engine(url or os.environ["NAIVE_DATABASE_URL"], pool_size=5, max_overflow=10)

    @app.route("/survey", methods=["GET", "POST"])
    def survey():
        """The page; on a valid POST its 1 + 30 rows stored, then a redirect."""
        form = SurveyForm()
        if not form.validate_on_submit():
            return render_template("page.html", form=form)
        with engine.begin() as conn:
            response_id = conn.execute(insert(naive_responses).values(
                survey="BENCH30", status="complete", finished_at=datetime.now(UTC))
                .returning(naive_responses.c.id)).scalar_one()
            conn.execute(insert(naive_answers), [
                {"response_id": response_id, "question_code": code, "value_num": float(form[f"a_{code}"].data)}
                for code in CODES])
        return redirect("/done", 303)

    return app


app = create_app() if "NAIVE_DATABASE_URL" in os.environ else None
