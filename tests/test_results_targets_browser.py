"""Targets and weighting as CS staff set them in a real Chromium, and the results page they change.

A designer types a wrong target (refused, in Korean, with what was typed kept), then right ones, and
population shares by office with 가중치 적용; the wave's results page then shows 달성 and 미달, says the
estimates are weighted, and explains its statistical terms. axe-core finds no WCAG 2.1 A/AA violation on
the three pages at 1280 and 360 px. Driven from a child process as tests/test_results_browser.py is.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.served import served_instance
from tests.test_results_browser import PASSWORD, _seed

pytestmark = pytest.mark.browser

DRIVER = r"""
import json, sys
from playwright.sync_api import sync_playwright
from axe_playwright_python.sync_playwright import Axe
base, wave, survey, password = sys.argv[1:5]
found = {"violations": {}}
tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

def axe(page, name):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}}).response["violations"]
        found["violations"][f"{name}-{width}"] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
    page = browser.new_context(locale="ko-KR").new_page()
    page.goto(base + "/manage/login")
    page.fill("input[name=username]", "targets_designer")
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(base + "/manage/results/surveys/" + survey + "/targets")
    page.get_by_label("종합 지수").fill("일흔")
    page.get_by_label("과정품질").fill("99")
    with page.expect_navigation():
        page.click("button:has-text('목표 저장')")
    found["refused"] = page.locator("#error-summary").inner_text()
    found["kept"] = page.get_by_label("종합 지수").input_value()
    axe(page, "targets-refused")
    page.get_by_label("종합 지수").fill("10")
    with page.expect_navigation():
        page.click("button:has-text('목표 저장')")
    axe(page, "targets")
    page.goto(base + "/manage/results/surveys/" + survey + "/weighting")
    page.fill("#margins", "변수,범주,비율\n우체국,가우체국,30\n우체국,나우체국,70")
    page.check("#enabled")
    with page.expect_navigation():
        page.click("button:has-text('저장')")
    axe(page, "weighting")
    page.goto(base + "/manage/results/waves/" + wave)
    found["targets"] = page.locator("#targets").inner_text()
    found["weighting"] = page.locator("#weighting").inner_text()
    found["glossary"] = page.locator("#glossary").inner_text()
    axe(page, "wave")
    browser.close()
print(json.dumps(found, ensure_ascii=False))
"""


@pytest.fixture
def live_targets(tmp_path):
    """The results browser test's survey, served, with a designer who may set its targets and margins."""
    from survey_app import create_app, migrate
    from survey_app.accounts.operations import create_user, grant_role
    from survey_app.database import db

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "targets-browser", "TESTING": False})
    with app.app_context():
        migrate.upgrade(db.engine)
    ids = _seed(app)
    with app.app_context():
        grant_role(create_user("targets_designer", PASSWORD), "designer", None)
        db.session.commit()
    app.extensions["survey_engine"].dispose()
    with served_instance(tmp_path, "targets-browser", workers=1) as server:
        yield {"base": server.url, **ids}


def test_staff_set_targets_and_weighting_and_the_results_page_shows_them(live_targets):
    run = subprocess.run([sys.executable, "-c", DRIVER, live_targets["base"], str(live_targets["wave_id"]),
                          str(live_targets["survey_id"]), PASSWORD], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout)
    assert "종합 지수: 목표는 숫자로 적어 주십시오 — '일흔'" in found["refused"] and found["kept"] == "일흔"
    rows = dict(line.split("\t", 1) for line in found["targets"].splitlines() if "\t" in line)
    assert rows["종합 지수"].endswith("달성") and rows["과정품질"].endswith("미달")
    assert "가중 추정치" in found["weighting"] and "유효 표본 수" in found["weighting"]
    for term in ("테일러 선형화", "Holm 보정", "유효 표본 수", "설계효과", "판단 보류"):
        assert term in found["glossary"]
    assert all(not v for v in found["violations"].values()), found["violations"]
