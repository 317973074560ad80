"""A case's suggested topic (추천 주제) and the analysis page's source choice in a real Chromium: axe-core finds no
WCAG 2.1 A/AA violation, and a handler corrects the topic with the select and the 수정 button.

Same arrangement as tests/test_voc_browser.py (served by ``survey-app serve``, Chromium driven from a child
process); skipped where Chromium or Playwright is missing.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.served import served_instance
from tests.test_voc_browser import CHROMIUM, SHOTS  # noqa: F401  (its module-level skip applies here too)

PASSWORD = "Browser2026pass"
pytestmark = pytest.mark.browser
DRIVER = r"""
import json, sys
from playwright.sync_api import sync_playwright
from axe_playwright_python.sync_playwright import Axe
base, case, wave, password, shots = sys.argv[1:6]
tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
found = {}
def check(page, name):
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}}).response["violations"]
    found[name] = {"text": page.inner_text("main"),
                   "violations": [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
    page = browser.new_context(locale="ko-KR").new_page()
    page.goto(base + "/manage/login")
    page.fill("input[name=username]", "voc_handler")
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + "/manage/cases/" + case)
        page.screenshot(path=f"{shots}/case-topic-{width}.png", full_page=True)
        check(page, "case-" + str(width))
    page.select_option("#topic-choice", label="인터넷우체국·앱 오류")
    with page.expect_navigation():
        page.click("#topic-correct")
    check(page, "corrected")
    page.goto(base + "/manage/results/waves/" + wave + "/voc?source=call_note")
    check(page, "notes")
    browser.close()
print(json.dumps(found, ensure_ascii=False))
"""


def _seed(app) -> tuple[int, int]:
    """A case and a call note of 속초우체국, analysed; a wave to view them by; a handler. (case id, wave id)."""
    from survey_app.accounts.operations import create_user, grant_role
    from survey_app.cases.operations import open_case
    from survey_app.database import db
    from survey_app.models import Interaction, OrgUnit, Survey, Wave, utcnow
    from survey_app.voc.sources import analyse_new_call_notes, analyse_new_cases
    from tests.test_results_support import SMALL
    from tests.test_voc_sources import WRONG

    with app.app_context():
        office = OrgUnit(code="P-SCB", name="속초우체국", level="office")
        survey = Survey(code="VOC-CASE-BROWSER", title="VOC 화면 시험", kind="customer_satisfaction",
                        draft_definition=SMALL.to_dict())
        wave = Wave(code="W-VOC-CB", name="1차 조사", survey=survey, version=survey.publish(SMALL.to_dict()),
                    state="open")
        db.session.add_all([office, survey, wave])
        db.session.flush()
        case = open_case(source="call", category="simple_inquiry", summary=WRONG, org_unit_id=office.id)
        db.session.add(Interaction(external_id="I-CB-1", occurred_at=utcnow(), channel="call", org_unit_id=office.id,
                                   note="소포가 일주일째 배달되지 않았다고 하심. 배송 조회 후 재안내"))
        db.session.flush()
        analyse_new_cases()
        analyse_new_call_notes()
        grant_role(create_user("voc_handler", PASSWORD), "designer", None)
        db.session.commit()
        return case.id, wave.id


@pytest.fixture
def live_case(tmp_path):
    from survey_app import create_app, migrate
    from survey_app.database import db

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "voc-case-browser", "TESTING": False})
    with app.app_context():
        migrate.upgrade(db.engine)
    case_id, wave_id = _seed(app)
    app.extensions["survey_engine"].dispose()
    with served_instance(tmp_path, "voc-case-browser", workers=1) as server:
        yield {"base": server.url, "case": case_id, "wave": wave_id}


def test_the_suggested_topic_passes_axe_and_a_handler_corrects_it(live_case):
    SHOTS.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([sys.executable, "-c", DRIVER, live_case["base"], str(live_case["case"]),
                          str(live_case["wave"]), PASSWORD, str(SHOTS)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout)
    for width in ("1280", "360"):
        assert "추천 주제: 배달 지연 (" in found[f"case-{width}"]["text"]
        assert found[f"case-{width}"]["violations"] == [], found[f"case-{width}"]["violations"]
    assert "확인된 주제: 인터넷우체국·앱 오류" in found["corrected"]["text"]
    assert found["corrected"]["violations"] == [], found["corrected"]["violations"]
    assert "분석한 응답 1건" in found["notes"]["text"] and "배달 지연" in found["notes"]["text"]
    assert found["notes"]["violations"] == [], found["notes"]["violations"]
