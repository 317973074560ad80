"""One personal link submitted by 200 concurrent requests makes one response with one set of answers.

Unlike tests/test_respond_concurrency.py (the response already exists from earlier pages), here the
final page is the first page: every request races to create the response and to complete it.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.crash_support import ANSWERS, field_one_page_survey, make_live_app, pg_schema, stored_responses
from tests.dbsupport import PG_URL
from tests.live_server import Browser, csrf_token, serve

pytestmark = [pytest.mark.crash, pytest.mark.skipif(not PG_URL, reason="set SURVEY_TEST_DATABASE_URL (PostgreSQL)")]
REQUESTS = 200


def test_two_hundred_concurrent_submissions_of_one_token_make_one_response(tmp_path):
    from survey_app.database import db
    from survey_app.models import Invitation, new_token

    with pg_schema("crash_same_token") as url:
        app = make_live_app(url, str(tmp_path), DATABASE_POOL_SIZE=10)
        survey = field_one_page_survey(app, 0)
        token, digest = new_token()
        with app.app_context():
            invitation = Invitation(wave_id=survey.wave_id, token_hash=digest)
            db.session.add(invitation)
            db.session.commit()
            invitation_id = invitation.id
        with serve(app) as base:
            respondent = Browser()
            respondent.get(f"{base}/s/{token}")
            page = f"{base}/r/{survey.wave_code}?p=1"
            fields = {**ANSWERS, "move": "next", "csrf_token": csrf_token(respondent.get(page)[1])}
            start = threading.Barrier(REQUESTS)

            def submit(_):
                start.wait()
                return respondent.post(page, fields)

            with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
                answers = list(pool.map(submit, range(REQUESTS)))
        app.extensions["survey_engine"].dispose()
        stored = stored_responses(url, survey.wave_id)
    statuses = sorted({status for status, _ in answers})
    thanked = sum("<h1>응답해 주셔서 감사합니다</h1>" in html for _, html in answers)
    already = sum("<h1>이미 응답을 마치셨습니다</h1>" in html for _, html in answers)
    assert statuses == [200], statuses
    assert (thanked, already) == (1, REQUESTS - 1)
    assert stored == {invitation_id: ("complete", 30)}
