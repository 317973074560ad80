"""The results pages in a real Chromium: axe-core finds no WCAG 2.1 A/AA violation, at 1280 and 360 px.

The live app runs in this process; Chromium is driven from a child process, because the session-wide
Playwright of tests/browser may already hold this process's event loop. Skipped, with the way to enable
it, where Chromium or Playwright is missing.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.served import served_instance

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Browser2026pass"
pytestmark = pytest.mark.browser

try:
    import axe_playwright_python  # noqa: F401
    import playwright  # noqa: F401
except ImportError:  # pragma: no cover - depends on the machine
    playwright = None
if playwright is None or not Path(CHROMIUM).exists():
    pytest.skip("browser tests need Debian's chromium and the browser extra: "
                "apt-get install -y chromium fonts-nanum && pip install -e '.[browser]'", allow_module_level=True)

DRIVER = r"""
import json, sys
from playwright.sync_api import sync_playwright
from axe_playwright_python.sync_playwright import Axe
base, wave, survey, password = sys.argv[1:5]
found = {}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
    page = browser.new_context(locale="ko-KR").new_page()
    page.goto(base + "/manage/login")
    page.fill("input[name=username]", "results_browser")
    page.fill("input[name=password]", password)
    with page.expect_navigation():  # signed in before the first results page is asked for
        page.click("button[type=submit]")
    for name, path in (("wave", "/manage/results/waves/" + wave), ("survey", "/manage/results/surveys/" + survey),
                       ("answers", "/manage/results/waves/" + wave + "/answers")):
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(base + path)
            charts = page.locator("svg.chart").count()
            tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
            violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}}).response["violations"]
            found[f"{name}-{width}"] = {"charts": charts, "violations": [(v["id"], [n["target"] for n in v["nodes"]][:3])
                                                                         for v in violations]}
    browser.close()
print(json.dumps(found))
"""


def _seed(app) -> dict:
    """The small results survey with twelve answered responses, and an analyst for the whole organisation."""
    from survey_app.accounts.operations import create_user, grant_role
    from survey_app.database import db
    from survey_app.models import OrgLevel, OrgUnit, Survey, Wave
    from tests.test_results_support import HAND_ROWS, SMALL, add_invitations, add_response

    with app.app_context():
        region = OrgUnit(code="R-BRW", name="브라우저지방청", level=OrgLevel.REGIONAL)
        db.session.add_all([region, OrgUnit(code="P-A", name="가우체국", level=OrgLevel.OFFICE, parent=region),
                            OrgUnit(code="P-B", name="나우체국", level=OrgLevel.OFFICE, parent=region)])
        survey = Survey(code="RESULTS-BROWSER", title="결과 화면 시험", kind="customer_satisfaction",
                        draft_definition=SMALL.to_dict())
        wave = Wave(code="W-RESULTS-BROWSER", name="1차 조사", survey=survey, version=survey.publish(SMALL.to_dict()),
                    state="open")
        db.session.add_all([survey, wave])
        db.session.flush()
        invitations = add_invitations(db.session, wave, 20)
        for (answers, office, channel), invitation in zip(HAND_ROWS * 3, invitations, strict=False):  # 8 unanswered
            add_response(db.session, wave, answers, hidden={"office_code": office, "channel": channel},
                         invitation_id=invitation)
        grant_role(create_user("results_browser", PASSWORD), "analyst", None)
        db.session.commit()
        return {"wave_id": wave.id, "survey_id": survey.id}


@pytest.fixture
def live_results(tmp_path):
    """The app on its own migrated SQLite file with results to show, served by ``survey-app serve``."""
    from survey_app import create_app, migrate
    from survey_app.database import db

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "results-browser", "TESTING": False})
    with app.app_context():
        migrate.upgrade(db.engine)
    ids = _seed(app)
    app.extensions["survey_engine"].dispose()
    with served_instance(tmp_path, "results-browser", workers=1) as server:
        yield {"base": server.url, **ids}


def test_results_pages_pass_axe_with_charts(live_results):
    run = subprocess.run([sys.executable, "-c", DRIVER, live_results["base"], str(live_results["wave_id"]),
                          str(live_results["survey_id"]), PASSWORD], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout)
    assert set(found) == {"wave-1280", "wave-360", "survey-1280", "survey-360", "answers-1280", "answers-360"}
    assert all(page["charts"] >= 1 for name, page in found.items() if not name.startswith("answers"))
    assert all(not page["violations"] for page in found.values()), found
