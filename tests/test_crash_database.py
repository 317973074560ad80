"""The database going away for a few seconds: respondents see a friendly page that keeps what they typed,
and the app serves again by itself once the database is back (no restart).

The shared PostgreSQL server is never stopped: the app reaches it through a loopback proxy
(tests/proxy.py) that resets every connection and refuses new ones for the outage.
"""
from __future__ import annotations

import re
import time

import pytest

from tests.crash_support import make_live_app, pg_address, pg_schema, schema_url, stored_responses
from tests.dbsupport import PG_URL
from tests.live_server import Browser, csrf_token, serve
from tests.proxy import TcpProxy
from tests.respondent_support import EVERY_TYPE, PAGE1, PAGE2, PAGE3

pytestmark = [pytest.mark.crash, pytest.mark.skipif(not PG_URL, reason="set SURVEY_TEST_DATABASE_URL (PostgreSQL)")]
SCHEMA = "crash_database"
OUTAGE_SECONDS = 3
SAVE_FAILED = "잠시 연결이 원활하지 않아 저장하지 못했습니다"


def _field(app) -> tuple[str, str, int, int]:
    from survey_app.database import db
    from survey_app.models import Invitation, Survey, Wave, new_token

    token, digest = new_token()
    with app.app_context():
        survey = Survey(code="OUTAGE", title="장애 시험", kind=EVERY_TYPE.kind, draft_definition={})
        version = survey.publish(EVERY_TYPE.to_dict())
        wave = Wave(code="OUTAGE-1", name="장애 시험", survey=survey, version=version, state="open")
        invitation = Invitation(wave=wave, token_hash=digest, hidden={"office_code": "P-SUWON"})
        db.session.add_all([survey, wave, invitation])
        db.session.commit()
        return token, wave.code, wave.id, invitation.id


def _keeps_page3_answers(html: str) -> None:
    """Every answer of PAGE3 is still in the form the respondent sees."""
    assert re.search(r'<option value="a=2" selected>', html) and re.search(r'<option value="c=3" selected>', html)
    assert re.search(r'name="a_Q8" id="[^"]+" value="4"', html)
    assert re.search(r'name="a_Q9" id="[^"]+" value="2026-11-20"', html)
    assert re.search(r'name="a_Q10" value="5" id="[^"]+" checked', html)
    assert "창구가 친절했습니다.</textarea>" in html


@pytest.fixture
def outage_app(tmp_path):
    with pg_schema(SCHEMA), TcpProxy(*pg_address()) as proxy:
        app = make_live_app(schema_url(SCHEMA, port=proxy.port), str(tmp_path), DATABASE_POOL_SIZE=3)
        yield app, proxy
        app.extensions["survey_engine"].dispose()


def _answer_pages(respondent: Browser, base: str, wave_code: str) -> None:
    for number, data in ((1, PAGE1), (2, PAGE2)):
        url = f"{base}/r/{wave_code}?p={number}"
        status, _ = respondent.post(url, {**data, "csrf_token": csrf_token(respondent.get(url)[1])})
        assert status == 200


def _post_to_a_fresh_worker(app, respondent: Browser, path: str, fields: dict) -> tuple[int, str]:
    """The same post to a process that has not served the wave yet (it cannot show the page again)."""
    fresh = make_live_app(app.config["DATABASE_URL"], app.instance_path)
    client = fresh.test_client()
    for cookie in respondent.cookies:
        client.set_cookie(cookie.name, cookie.value)
    answer = client.post(path, data=fields)
    fresh.extensions["survey_engine"].dispose()
    return answer.status_code, answer.get_data(as_text=True)


def test_outage_shows_a_friendly_page_with_the_answers_and_recovers_by_itself(outage_app):
    app, proxy = outage_app
    token, wave_code, wave_id, invitation_id = _field(app)
    with serve(app) as base:
        respondent = Browser()
        respondent.get(f"{base}/s/{token}")
        _answer_pages(respondent, base, wave_code)
        last = f"{base}/r/{wave_code}?p=3"
        fields = {**PAGE3, "csrf_token": csrf_token(respondent.get(last)[1])}

        proxy.cut()
        cut_at = time.monotonic()
        during_post = respondent.post(last, fields)
        during_get = respondent.get(last)
        during_bad_page = respondent.post(f"{base}/r/{wave_code}?p=99", fields)
        during_other_worker = _post_to_a_fresh_worker(app, respondent, f"/r/{wave_code}?p=3", fields)
        during_health = Browser().get(f"{base}/api/v1/health")
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
        proxy.restore()

        after_post = respondent.post(last, fields)
        after_health = Browser().get(f"{base}/api/v1/health")

    status, html = during_post
    assert status == 503 and SAVE_FAILED in html and "Traceback" not in html
    _keeps_page3_answers(html)
    assert during_get[0] == 503 and "잠시 후 다시 시도해 주십시오" in during_get[1] and "Traceback" not in during_get[1]
    assert during_bad_page[0] == 503 and "Traceback" not in during_bad_page[1]
    assert during_other_worker[0] == 503 and "잠시 후 다시 시도해 주십시오" in during_other_worker[1]
    assert during_health[0] == 503
    assert after_post[0] == 200 and "<h1>응답해 주셔서 감사합니다</h1>" in after_post[1]
    assert after_health[0] == 200
    assert stored_responses(schema_url(SCHEMA), wave_id)[invitation_id][0] == "complete"
