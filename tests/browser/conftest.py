"""A live survey_app on a real port and a headless Debian Chromium driven by Playwright.

Skipped, with the way to enable them, where Chromium or Playwright is missing.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser.support import SECRET
from tests.served import served_instance

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

if sync_playwright is None or not Path(CHROMIUM).exists():
    pytest.skip("browser tests need Debian's chromium and the browser extra: "
                "apt-get install -y chromium fonts-nanum && pip install -e '.[browser]'", allow_module_level=True)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on its own migrated SQLite file, served by ``survey-app serve`` (the operators' command).

    The in-process app shares the instance folder and secret: tests seed data with it and the browser
    talks to gunicorn's workers.
    """
    from survey_app import create_app, migrate
    from survey_app.database import db

    instance = tmp_path_factory.mktemp("browser-instance")
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": SECRET, "TESTING": False})
    with app.app_context():
        migrate.upgrade(db.engine)
    with served_instance(instance, SECRET) as server:
        app.config["LIVE_URL"] = server.url
        yield app
    app.extensions["survey_engine"].dispose()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """``new_page(width=360, javascript=True)`` → a page in a fresh context (fresh cookies)."""
    contexts = []

    def factory(width: int = 1280, javascript: bool = True):
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript,
                                      locale="ko-KR")
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def shoot():
    """Save a screenshot at 360 and 1280 px for people to look at: ``shoot(page, name)``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    return take


@pytest.fixture
def axe_check():
    """Run axe-core in the page with the WCAG 2.1 A/AA tags; returns the violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> list[dict]:
        page.wait_for_load_state()  # a click's navigation may have committed without its document loaded
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        return results.response["violations"]

    return check


def chromium_available() -> bool:
    """Whether this machine can run the browser tests."""
    return shutil.which("chromium") is not None
