"""Exactly once under real concurrency: 50 simultaneous final submissions of one personal link."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select, text

from survey_app import create_app, migrate
from survey_app.database import db
from survey_app.models import Response, ResponseStatus
from tests.dbsupport import PG_URL, empty_postgres_schema, normalise_url
from tests.live_server import Browser, csrf_token, serve
from tests.respondent_support import PAGE1, PAGE2, PAGE3, field_live_wave

pytestmark = pytest.mark.skipif(not PG_URL, reason="set SURVEY_TEST_DATABASE_URL to run against PostgreSQL")
SCHEMA = "concurrency_check"


@pytest.fixture(scope="module")
def live_pg_app(tmp_path_factory):
    """The app on its own PostgreSQL schema, with real commits."""
    base = normalise_url(PG_URL)
    empty_postgres_schema(base, SCHEMA)
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path_factory.mktemp("live")),
                      "SECRET_KEY": "concurrency", "DATABASE_POOL_SIZE": 10})
    with app.app_context():
        migrate.upgrade(db.engine)
    yield app
    app.extensions["survey_engine"].dispose()
    with create_engine(base).begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))


def _post_page(browser: Browser, url: str, data: dict) -> None:
    status, html = browser.get(url)
    status, _ = browser.post(url, {**data, "csrf_token": csrf_token(html)})
    assert status == 200


def test_fifty_parallel_final_submissions_make_one_response(live_pg_app):
    token, wave_code, wave_id, _invitation = field_live_wave(live_pg_app, "RACE", "동시 제출 시험")
    with serve(live_pg_app) as base:
        respondent = Browser()
        respondent.get(f"{base}/s/{token}")
        _post_page(respondent, f"{base}/r/{wave_code}?p=1", PAGE1)
        _post_page(respondent, f"{base}/r/{wave_code}?p=2", PAGE2)
        last_page = f"{base}/r/{wave_code}?p=3"
        fields = {**PAGE3, "csrf_token": csrf_token(respondent.get(last_page)[1])}
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(lambda _: respondent.post(last_page, fields), range(50)))
    statuses = [status for status, _ in answers]
    thanked = sum("<h1>응답해 주셔서 감사합니다</h1>" in html for _, html in answers)
    already = sum("<h1>이미 응답을 마치셨습니다</h1>" in html for _, html in answers)
    assert max(statuses) < 500 and statuses.count(200) == 50
    assert thanked == 1 and already == 49
    with live_pg_app.app_context():
        rows = db.session.execute(select(Response.status, func.count()).where(Response.wave_id == wave_id)
                                  .group_by(Response.status)).all()
    assert rows == [(ResponseStatus.COMPLETE, 1)]
