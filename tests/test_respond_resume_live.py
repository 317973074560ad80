"""End to end over a real port and real commits: a page left half answered with 이전 cannot be skipped."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app import create_app, migrate
from survey_app.database import db
from survey_app.models import Answer, Response, ResponseStatus
from tests.live_server import Browser, csrf_token, serve
from tests.respondent_support import PAGE1, PAGE2, PAGE3, field_live_wave


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The app on its own SQLite file, CSRF on, every request committing."""
    folder = tmp_path_factory.mktemp("resume_live")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'live.sqlite'}", "INSTANCE_PATH": str(folder),
                      "SECRET_KEY": "resume-live"})
    with app.app_context():
        migrate.upgrade(db.engine)
    yield app
    app.extensions["survey_engine"].dispose()


def _send(browser: Browser, url: str, data: dict) -> str:
    html = browser.get(url)[1]
    status, answer = browser.post(url, {**data, "csrf_token": csrf_token(html)})
    assert status == 200, answer[:300]
    return answer


def test_a_half_answered_page_is_asked_again_before_the_survey_is_stored_complete(live_app):
    token, wave_code, _wave_id, invitation_id = field_live_wave(live_app, "RESUME", "이어 하기 시험")
    with serve(live_app) as base:
        first = Browser()
        first.get(f"{base}/s/{token}")
        _send(first, f"{base}/r/{wave_code}?p=1", PAGE1)
        _send(first, f"{base}/r/{wave_code}?p=2", {"a_Q4_1": "7", "move": "prev"})
        again = Browser()  # the link reopened later (another device or a new browser session)
        status, resumed = again.get(f"{base}/s/{token}")
        assert status == 200 and "2 / 3쪽" in resumed and "아직 답하지 않으신 문항이 있습니다" in resumed
        refused = _send(again, f"{base}/r/{wave_code}?p=3", PAGE3)
        assert "설문을 제출하지 못했습니다" in refused and "2 / 3쪽" in refused
        _send(again, f"{base}/r/{wave_code}?p=2", PAGE2)
        assert "응답해 주셔서 감사합니다" in _send(again, f"{base}/r/{wave_code}?p=3", PAGE3)
    with live_app.app_context():
        response = db.session.scalar(select(Response).where(Response.invitation_id == invitation_id))
        codes = set(db.session.scalars(select(Answer.question_code).where(Answer.response_id == response.id)))
    assert response.status == ResponseStatus.COMPLETE and {"Q4_1", "Q4_2", "Q6", "Q10"} <= codes
