"""The baseline for the respondent benchmark: the least a Flask app can do for the same requests.

``GET /render`` renders a template of 30 seven-point questions (eight radio buttons each, about
the size of our 30-question page); ``POST /insert`` parses the same form body and inserts one row
into a scratch table with SQLAlchemy Core. No sessions, no CSRF, no questionnaire, no compression.

Served by gunicorn with the same settings as the survey app::

    BARE_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/survey_bench gunicorn benchmarks.bare_app:app
"""
from __future__ import annotations

import json
import os

from flask import Flask, redirect, render_template, request
from jinja2 import DictLoader
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, insert

metadata = MetaData()
scratch = Table("bare_rows", metadata, Column("id", Integer, primary_key=True), Column("payload", Text))

PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main id="main"><h1>{{ title }}</h1>
<form method="post" action="/insert" id="survey-form" novalidate>
<input id="csrf_token" name="csrf_token" type="hidden" value="{{ token }}">
{% for q in questions %}
<div class="question q-likert" id="q-{{ q.code }}"><fieldset>
<legend><span class="qcode">{{ q.code }}.</span> {{ q.text }} <span class="req">(필수)</span></legend>
<div class="options scale scale-8">
{% for value, label in q.options %}
<label class="option" for="f-{{ q.code }}-{{ loop.index }}"><input type="radio" name="a_{{ q.code }}" value="{{ value }}" id="f-{{ q.code }}-{{ loop.index }}">
<span><b>{{ value }}</b> {{ label }}</span></label>
{% endfor %}
</div></fieldset></div>
{% endfor %}
<div class="nav-buttons"><button type="submit" name="move" value="next" class="button primary large">제출하기</button></div>
</form></main><script src="/static/survey.js" defer></script></body></html>
"""

LABELS = {1: "전혀 그렇지 않다", 4: "보통이다", 7: "매우 그렇다", 9: "모름/해당없음"}
QUESTIONS = [{"code": f"Q{i}", "text": f"우체국 직원은 고객의 요청을 정확하게 처리하였습니까? ({i})",
              "options": [(v, LABELS.get(v, "")) for v in (1, 2, 3, 4, 5, 6, 7, 9)]} for i in range(1, 31)]


def create_app(url: str | None = None) -> Flask:
    """The bare app on ``url`` (default: ``BARE_DATABASE_URL``)."""
    app = Flask(__name__)
    app.jinja_env.loader = DictLoader({"page.html": PAGE})
    # No ping before use: the baseline pays for no round trip the app can skip under load.
    engine = create_engine(url or os.environ["BARE_DATABASE_URL"], pool_size=5, max_overflow=10)

    @app.get("/render")
    def render():
        """A 30-question page from a template."""
        return render_template("page.html", title="30문항 만족도 조사", questions=QUESTIONS, token="x" * 91)

    @app.post("/insert")
    def insert_one():
        """One row per posted form, committed, then a redirect as after a survey's last page."""
        with engine.begin() as conn:
            conn.execute(insert(scratch).values(payload=json.dumps(request.form.to_dict(), ensure_ascii=False)))
        return redirect("/done", 303)

    return app


app = create_app() if "BARE_DATABASE_URL" in os.environ else None
