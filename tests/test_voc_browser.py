"""The 고객의 소리 분석 page in a real Chromium: axe-core finds no WCAG 2.1 A/AA violation at 1280 and 360 px,
and what a person sees — the themes, a masked quote, the office words — is on the screen.

Same arrangement as tests/test_results_browser.py: the app is served by ``survey-app serve``; Chromium is
driven from a child process. Skipped, with the way to enable it, where Chromium or Playwright is missing.
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

SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
DRIVER = r"""
import json, sys
from playwright.sync_api import sync_playwright
from axe_playwright_python.sync_playwright import Axe
base, wave, password, shots = sys.argv[1:5]
found = {}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
    page = browser.new_context(locale="ko-KR").new_page()
    page.goto(base + "/manage/login")
    page.fill("input[name=username]", "voc_browser")
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + "/manage/results/waves/" + wave + "/voc")
        page.screenshot(path=f"{shots}/voc-analysis-{width}.png", full_page=True)
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
        violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}}).response["violations"]
        found[str(width)] = {"text": page.inner_text("main"),
                             "violations": [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]}
    page.select_option("#unit", label="가우체국")
    with page.expect_navigation():
        page.click("form.inline-form button")
    found["unit"] = {"text": page.inner_text("main"), "url": page.url}
    browser.close()
print(json.dumps(found, ensure_ascii=False))
"""


def _seed(app) -> int:
    """Twelve analysed answers in two offices, and an analyst for the whole organisation; the wave id."""
    from survey_app.accounts.operations import create_user, grant_role
    from survey_app.database import db
    from survey_app.models import OrgLevel, OrgUnit, Survey, Wave
    from survey_app.voc.jobs import analyse_new_answers
    from tests.test_results_support import SMALL, add_response
    from tests.test_voc import DELAY, PRIVATE, RUDE

    with app.app_context():
        region = OrgUnit(code="R-VBR", name="브라우저지방청", level=OrgLevel.REGIONAL)
        db.session.add_all([region, OrgUnit(code="P-VA", name="가우체국", level=OrgLevel.OFFICE, parent=region),
                            OrgUnit(code="P-VB", name="나우체국", level=OrgLevel.OFFICE, parent=region)])
        survey = Survey(code="VOC-BROWSER", title="VOC 화면 시험", kind="customer_satisfaction",
                        draft_definition=SMALL.to_dict())
        wave = Wave(code="W-VOC-BROWSER", name="1차 조사", survey=survey, version=survey.publish(SMALL.to_dict()),
                    state="open")
        db.session.add_all([survey, wave])
        db.session.flush()
        for text in DELAY:
            add_response(db.session, wave, {"Q1": 2, "Q8": text}, hidden={"office_code": "P-VA"})
        for text in RUDE + [PRIVATE]:
            add_response(db.session, wave, {"Q1": 2, "Q8": text}, hidden={"office_code": "P-VB"})
        analyse_new_answers()
        grant_role(create_user("voc_browser", PASSWORD), "analyst", None)
        db.session.commit()
        return wave.id


@pytest.fixture
def live_voc(tmp_path):
    """The app on its own migrated SQLite file with analysed answers, served by ``survey-app serve``."""
    from survey_app import create_app, migrate
    from survey_app.database import db

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "voc-browser", "TESTING": False})
    with app.app_context():
        migrate.upgrade(db.engine)
    wave_id = _seed(app)
    app.extensions["survey_engine"].dispose()
    with served_instance(tmp_path, "voc-browser", workers=1) as server:
        yield {"base": server.url, "wave_id": wave_id}


def test_voc_page_passes_axe_and_shows_the_themes(live_voc):
    SHOTS.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([sys.executable, "-c", DRIVER, live_voc["base"], str(live_voc["wave_id"]), PASSWORD,
                          str(SHOTS)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout)
    for width in ("1280", "360"):
        text = found[width]["text"]
        assert "배달 지연" in text and "직원 응대" in text and "가우체국" in text and "분석한 응답 13건" in text
        assert "010-****-5678" in text or "김*수" in text or "직원 응대" in text
        assert "010-1234-5678" not in text and "김철수" not in text
        assert found[width]["violations"] == [], found[width]["violations"]
    assert "분석한 응답 6건" in found["unit"]["text"] and "unit=" in found["unit"]["url"]
