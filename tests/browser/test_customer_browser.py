"""Customer pages in a real headless Chromium: open a customer, unmask with a purpose and find it on the
access-log page; axe-core (WCAG 2.1 A/AA) on the list, the customer page, the person-request pages and the
가명정보 export page, in Korean and English."""
from __future__ import annotations

import itertools

import pytest

from survey_app.database import db
from tests.browser.test_staff_browser import make_staff, sign_in
from tests.customer_support import PHONE, add_interactions, add_orders, answered_survey, make_customer
from tests.test_results_support import SMALL

pytestmark = pytest.mark.browser
_serial = itertools.count(1)


def seed_customer(app) -> tuple[int, str]:
    """A customer with orders, calls and an answered survey in the live app; (id, external id)."""
    from survey_app.models import Survey, Wave

    n = next(_serial)
    with app.app_context():
        customer = make_customer(db.session, f"C-BR{n}", phone=f"010-2345-{6789 + n:04d}", email=f"br{n}@example.kr")
        add_orders(db.session, customer, 12)
        add_interactions(db.session, customer, 6, note="택배 도착 문의")
        survey = Survey(code=f"BR-CUST-{n}", title="고객 시험", kind="customer_satisfaction",
                        draft_definition=SMALL.to_dict())
        db.session.add(survey)
        wave = Wave(code=f"W-BR-CUST-{n}", name="고객 시험 차수", survey=survey, version=survey.publish(SMALL.to_dict()),
                    state="open")
        db.session.add(wave)
        db.session.flush()
        answered_survey(db.session, wave, {"Q1": 5, "Q2": 4, "Q5": 4, "Q6": 9}, phone=f"010-2345-{6789 + n:04d}")
        db.session.commit()
        return customer.id, customer.external_id


def test_open_a_customer_unmask_with_a_purpose_and_find_it_in_the_access_log(live_app, new_page):
    base = live_app.config["LIVE_URL"]
    customer_id, external_id = seed_customer(live_app)
    page = new_page()
    sign_in(page, base, make_staff(live_app, "admin"))
    page.goto(f"{base}/manage/customers/?q={external_id}")
    with page.expect_navigation():
        page.get_by_role("link", name=external_id).click()
    assert "010-****-" in page.inner_text("main") and "택배 도착 문의" in page.inner_text("main")
    page.get_by_label("열람 목적").fill("배송 지연 회신 전화 (브라우저 시험)")
    with page.expect_navigation():
        page.get_by_role("button", name="원문 보기").click()
    main = page.inner_text("main")
    profile = page.inner_text("section[aria-labelledby=profile-title]")
    assert "010-2345-" in profile and "010-****-" not in profile and "이 열람은 기록되었습니다" in main
    page.goto(f"{base}/admin/access-log")
    assert "배송 지연 회신 전화 (브라우저 시험)" in page.inner_text("main")


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_customer_pages_pass_axe(live_app, new_page, axe_check, shoot, locale):
    base = live_app.config["LIVE_URL"]
    customer_id, _external = seed_customer(live_app)
    page = new_page()
    sign_in(page, base, make_staff(live_app, "admin", locale))
    pages = {"customers": "/manage/customers/", "customer": f"/manage/customers/{customer_id}",
             "customer-orders": f"/manage/customers/{customer_id}?show=order",
             "rectify": f"/manage/customers/{customer_id}/rectify", "disclose": f"/manage/customers/{customer_id}/disclose",
             "erase": f"/manage/customers/{customer_id}/erase", "export": "/manage/customers/export"}
    failures = {}
    for name, path in pages.items():
        answer = page.goto(base + path)
        assert answer.status == 200 and page.query_selector("h1") is not None, f"{name}: {page.inner_text('body')[:300]}"
        violations = axe_check(page)
        if violations:
            failures[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        if locale == "ko" and name in ("customer", "erase"):
            shoot(page, f"customer-{name}")
    page.goto(f"{base}/manage/customers/{customer_id}/disclose")
    page.locator("#purpose").fill("열람 요청 접수 (브라우저 시험)")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert PHONE[:9] in page.inner_text("main")
    if violations := axe_check(page):
        failures["disclosure-shown"] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    page.goto(f"{base}/manage/customers/{customer_id}/erase")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()  # no reason: the form comes back with errors
    assert page.locator(".error").count() >= 1
    if violations := axe_check(page):
        failures["erase-errors"] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert failures == {}


def test_customer_pages_fit_a_phone_without_sideways_scrolling(live_app, new_page):
    """At 360 px the customer pages never scroll sideways; their tables scroll in labelled regions."""
    base = live_app.config["LIVE_URL"]
    customer_id, _external = seed_customer(live_app)
    page = new_page(width=360)
    sign_in(page, base, make_staff(live_app, "admin"))
    too_wide = {}
    for path in ("/manage/customers/", f"/manage/customers/{customer_id}", f"/manage/customers/{customer_id}/rectify",
                 f"/manage/customers/{customer_id}/erase", "/manage/customers/export"):
        page.goto(base + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[path] = overflow
        for table in page.query_selector_all("table.table"):
            assert table.evaluate("t => t.parentElement.matches('.scroll[role=region][tabindex=\"0\"][aria-label]')")
    assert too_wide == {}
