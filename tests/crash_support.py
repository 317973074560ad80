"""Set-up shared by the crash tests: a PostgreSQL schema of their own, a one-page survey of 30 questions
with personal invitations, respondents' prepared browser sessions, final submissions over plain HTTP,
and what the database holds afterwards."""
from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from survey_app import create_app, migrate
from survey_app.database import db
from tests.dbsupport import PG_URL, empty_postgres_schema, normalise_url
from tests.test_page_weight import thirty_questions

SECRET = "crash-test-secret"
ANSWERS = {f"a_Q{i}": str(i % 7 + 1) for i in range(1, 31)}


def schema_url(schema: str, port: int | None = None) -> str:
    """The test database's URL with ``schema`` first on the search path (and another port, for a proxy)."""
    url = make_url(normalise_url(PG_URL))
    if port is not None:
        url = url.set(host="127.0.0.1", port=port)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def pg_address() -> tuple[str, int]:
    """Host and port of the test database."""
    url = make_url(normalise_url(PG_URL))
    return url.host or "127.0.0.1", url.port or 5432


@contextmanager
def pg_schema(schema: str) -> Iterator[str]:
    """A fresh, migrated schema; yields its URL and drops it afterwards."""
    base = normalise_url(PG_URL)
    empty_postgres_schema(base, schema)
    url = schema_url(schema)
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def make_live_app(url: str, instance: str, **settings):
    """The app as a production server configures it (CSRF on, real commits) on ``url``."""
    return create_app({"DATABASE_URL": url, "INSTANCE_PATH": instance, "SECRET_KEY": SECRET, **settings})


@dataclass(frozen=True)
class Fielded:
    """A one-page survey of 30 questions in an open wave, with personal invitations."""

    wave_code: str
    wave_id: int
    invitation_ids: list[int]


def field_one_page_survey(app, invitations: int, code: str = "CRASH") -> Fielded:
    """Publish the 30-question survey, open a wave and create ``invitations`` personal invitations."""
    from questionnaires import Questionnaire
    from survey_app.models import Invitation, Survey, Wave, new_token

    with app.app_context():
        survey = Survey(code=code, title="장애 시험", kind="customer_satisfaction", draft_definition={})
        version = survey.publish(Questionnaire.from_dict(thirty_questions()).to_dict())
        wave = Wave(code=f"{code}-1", name="장애 시험", survey=survey, version=version, state="open")
        db.session.add_all([survey, wave])
        db.session.flush()
        if invitations:
            db.session.execute(insert(Invitation), [{"wave_id": wave.id, "token_hash": new_token()[1]}
                                                    for _ in range(invitations)])
        ids = list(db.session.scalars(select(Invitation.id).where(Invitation.wave_id == wave.id).order_by(Invitation.id)))
        db.session.commit()
        return Fielded(wave.code, wave.id, ids)


@dataclass(frozen=True)
class Respondent:
    """The cookie and CSRF token a respondent's browser holds after opening a personal link."""

    invitation_id: int
    cookie: str
    csrf: str


def prepared_respondents(app, wave_code: str, invitation_ids: list[int]) -> list[Respondent]:
    """Sessions made as the app makes them when each personal link is opened (the signed cookie)."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from survey_app.respond.state import Visit, save_visit

    serializer = app.session_interface.get_signing_serializer(app)
    made = []
    for invitation_id in invitation_ids:
        with app.test_request_context(f"/r/{wave_code}"):
            save_visit(Visit(wave=wave_code, invitation_id=invitation_id))
            csrf = generate_csrf()
            cookie = f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps(dict(session))}"
            made.append(Respondent(invitation_id, cookie, csrf))
    return made


def post_final(port: int, wave_code: str, respondent: Respondent, timeout: float = 20) -> str:
    """Submit the 30 answers once: ``thanked``, ``already``, ``http <status>`` or ``error <reason>``."""
    body = urllib.parse.urlencode({**ANSWERS, "move": "next", "csrf_token": respondent.csrf})
    headers = {"Cookie": respondent.cookie, "Content-Type": "application/x-www-form-urlencoded"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", f"/r/{wave_code}?p=1", body, headers)
        answer = connection.getresponse()
        answer.read()
    except (OSError, http.client.HTTPException) as exc:  # refused, reset, or cut off mid-answer by a kill
        return f"error {type(exc).__name__}"
    finally:
        connection.close()
    location = answer.getheader("Location") or ""
    if answer.status == 303 and location.endswith("/done?already=1"):
        return "already"
    if answer.status == 303 and location.endswith(f"/r/{wave_code}/done"):
        return "thanked"
    return f"http {answer.status}"


def stored_responses(url: str, wave_id: int) -> dict[int, tuple[str, int]]:
    """invitation id → (status, number of answers) of every response in the wave."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.invitation_id, r.status, count(a.response_id) FROM responses r LEFT JOIN answers a "
            "ON a.response_id = r.id WHERE r.wave_id = :w GROUP BY r.id, r.invitation_id, r.status"),
            {"w": wave_id}).all()
    engine.dispose()
    assert len({r[0] for r in rows}) == len(rows), "two responses for one invitation"
    return {invitation: (status, answers) for invitation, status, answers in rows}
