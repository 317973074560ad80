"""The retention flow in a real Chromium: open the 이탈 위험 worklist, start a call-back action with a
holdout, see the call-back list, and after the window see the uplift; axe-core finds no violations."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from survey_app.database import db
from survey_app.models import ChurnAction, ChurnActionMember, Order, OrgLevel, OrgUnit
from survey_app.retention.operations import store_churn_run
from tests.browser.test_staff_browser import make_staff, sign_in
from tests.retention_support import plant_history

pytestmark = pytest.mark.browser


def _seed(app) -> int:
    with app.app_context():
        office = OrgUnit(code="P-BR-RET", name="강릉우체국", level=OrgLevel.OFFICE)
        db.session.add(office)
        db.session.flush()
        plant_history(db.session, n=900, org_unit_id=office.id, prefix="BR")
        run = store_churn_run()
        assert run.status == "ok", run.message
        db.session.commit()
        return office.id


def _let_the_window_pass(app) -> tuple[int, int]:
    """Move the action back so its window has ended; 30 of the treated and 1 of the control ordered in it."""
    with app.app_context():
        action = db.session.scalars(select(ChurnAction).order_by(ChurnAction.id.desc())).first()
        action.starts_on = date.today() - timedelta(days=40)
        members = db.session.scalars(select(ChurnActionMember).where(ChurnActionMember.action_id == action.id)).all()
        treated = [m.customer_id for m in members if m.arm == "treated"]
        control = [m.customer_id for m in members if m.arm == "control"]
        when = datetime.combine(action.starts_on + timedelta(days=5), datetime.min.time(), UTC)
        for n, cid in enumerate(treated[:30] + control[:1]):
            db.session.add(Order(external_id=f"BR-WIN-{action.id}-{n}", customer_id=cid, ordered_at=when, amount=30_000))
        db.session.commit()
        return len(treated), len(control)


def test_worklist_to_call_back_action_to_uplift(live_app, new_page, axe_check, shoot):
    _seed(live_app)
    base = live_app.config["LIVE_URL"]
    page = new_page()
    sign_in(page, base, make_staff(live_app))
    page.goto(f"{base}/manage/retention/")
    assert "RFM 점수만" in page.inner_text("main") and page.locator("svg[role=img]").count() == 1
    assert axe_check(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="강릉우체국").click()
    assert page.locator("tbody tr").count() == 50
    assert axe_check(page) == []
    shoot(page, "retention-worklist")
    page.get_by_label("조치 이름").fill("12월 이탈 방지 해피콜")
    page.get_by_label("위험이 높은 고객부터 몇 명").fill("50")
    page.get_by_label("비교군 비율(%)").fill("10")
    page.get_by_label("효과를 볼 기간(일)").fill("30")
    with page.expect_navigation():
        page.get_by_role("button", name="조치 시작").click()
    text = page.inner_text("main")
    assert "해피콜 목록" in text and "5명 (무작위 10%)" in text and "기간이 끝난 뒤" in text
    assert page.locator("table.callbacks tbody tr").count() == 45  # call-backs for the treated only
    assert axe_check(page) == []
    treated, control = _let_the_window_pass(live_app)
    page.reload()
    text = page.inner_text("main")
    assert "조치 효과(유지율 차이)" in text and "신뢰구간" in text
    difference = (30 / treated - 1 / control) * 100
    assert f"{difference:+.1f}%p" in text
    assert axe_check(page) == []
    shoot(page, "retention-uplift")
