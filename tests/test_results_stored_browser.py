"""A large wave's results in a real Chromium: the "being computed" page, then the stored result, then the stored
result marked stale with the progress of the new computation; each passes axe-core (WCAG 2.1 A/AA) at 360 px
and says in words what the viewer sees."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.served import served_instance
from tests.test_results_browser import CHROMIUM, PASSWORD, _seed  # noqa: F401 (skips without Chromium)

pytestmark = pytest.mark.browser

DRIVER = r"""
import json, sys
from playwright.sync_api import sync_playwright
from axe_playwright_python.sync_playwright import Axe
base, path, password = sys.argv[1:4]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
    page = browser.new_context(locale="ko-KR", viewport={"width": 360, "height": 900}).new_page()
    page.goto(base + "/manage/login")
    page.fill("input[name=username]", "results_browser")
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(base + path)
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}}).response["violations"]
    status = page.locator("#result-freshness")
    print(json.dumps({"text": page.inner_text("main") if page.locator("main").count() else page.inner_text("body"),
                      "status": status.inner_text() if status.count() else "",
                      "progress": page.locator("progress").count(),
                      "violations": [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]}))
    browser.close()
"""


def _visit(base: str, path: str) -> dict:
    run = subprocess.run([sys.executable, "-c", DRIVER, base, path, PASSWORD], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def test_a_large_waves_pages_while_computing_and_when_stale(tmp_path):
    from survey_app import create_app, migrate
    from survey_app.database import db
    from survey_app.models import StoredResult, Wave, utcnow
    from survey_app.results.stored import refresh_stale
    from tests.test_results_support import add_response

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "results-browser", "TESTING": False})
    with app.app_context():
        migrate.upgrade(db.engine)
    ids = _seed(app)
    path = f"/manage/results/waves/{ids['wave_id']}"
    with served_instance(tmp_path, "results-browser", workers=1, RESULTS_INLINE_MAX_RESPONSES=0) as server:
        first = _visit(server.url, path)
        assert "결과를 계산하고 있습니다" in first["text"] and "계산 차례를 기다리고 있습니다" in first["status"]
        assert not first["violations"], first["violations"]
        with app.app_context():
            assert len(refresh_stale()) == 1
        computed = _visit(server.url, path)
        assert "대표 지표" in computed["text"] and not computed["status"] and not computed["violations"]
        with app.app_context():
            add_response(db.session, db.session.get(Wave, ids["wave_id"]), {"Q1": 1, "Q2": 2, "Q3": 1, "Q4": 1})
            row = db.session.query(StoredResult).filter_by(kind="full").one()
            row.started_at, row.compute_seconds = utcnow(), 600.0
            db.session.commit()
        stale = _visit(server.url, path)
    assert "대표 지표" in stale["text"] and "새 결과를 계산하고 있습니다" in stale["status"]
    assert stale["progress"] == 1 and "약 600초" in stale["status"]
    assert not stale["violations"], stale["violations"]
    app.extensions["survey_engine"].dispose()
