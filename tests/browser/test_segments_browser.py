"""Segments in a real Chromium: a message action from the worklist sends a wave to the treated only (its page
links the wave), and a wave's 태도 세분 page shows the profiled segments; axe-core finds no violations."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.database import db
from survey_app.models import ChurnAction, ChurnActionMember, Contact, Invitation, OrgLevel, OrgUnit, Survey, Wave
from survey_app.retention.operations import store_churn_run
from tests.browser.test_staff_browser import make_staff, sign_in
from tests.retention_support import plant_history
from tests.test_results_attitudes import planted_answers
from tests.test_results_support import SMALL, add_response

pytestmark = pytest.mark.browser


def _seed(app) -> tuple[int, int]:
    """An office's scored customers, each with an e-mail contact, and a published survey with two attitudes."""
    with app.app_context():
        office = OrgUnit(code="P-BR-SEG", name="속초우체국", level=OrgLevel.OFFICE)
        db.session.add(office)
        db.session.flush()
        ids = plant_history(db.session, n=900, org_unit_id=office.id, prefix="BS")
        db.session.add_all(Contact(email_hash=f"{cid:064d}", consent=True, customer_id=cid, attributes={})
                           for cid in ids)
        survey = Survey(code="BR-SEG", title="재구매 안내", kind="customer_satisfaction",
                        draft_definition=SMALL.to_dict())
        db.session.add(survey)
        version = survey.publish(SMALL.to_dict())
        wave = Wave(code="BR-SEG-W1", name="태도 시험 차수", survey=survey, version=version, state="open")
        db.session.add(wave)
        db.session.flush()
        for answers in [row for pair in zip(*planted_answers(), strict=True) for row in pair]:
            add_response(db.session, wave, answers, hidden={"office_code": "P-BR-SEG"})
        run = store_churn_run()
        assert run.status == "ok", run.message
        db.session.commit()
        return office.id, wave.id


def test_message_action_sends_a_wave_and_attitude_segments_show(live_app, new_page, axe_check, shoot):
    office_id, wave_id = _seed(live_app)
    base = live_app.config["LIVE_URL"]
    page = new_page()
    sign_in(page, base, make_staff(live_app))
    page.goto(f"{base}/manage/retention/units/{office_id}/worklist")
    assert axe_check(page) == []
    page.get_by_label("조치 이름").fill("재구매 안내 12월")
    page.get_by_label("조치 종류").select_option("message")
    page.get_by_label("보낼 설문(메시지·설문 발송일 때)").select_option(label="BR-SEG 재구매 안내")
    page.get_by_label("위험이 높은 고객부터 몇 명").fill("60")
    with page.expect_navigation():
        page.get_by_role("button", name="조치 시작").click()
    text = page.inner_text("main")
    assert "발송 차수" in text and "비교군에게는 보내지 않습니다" in text
    assert axe_check(page) == []
    with live_app.app_context():
        action = db.session.scalars(select(ChurnAction).order_by(ChurnAction.id.desc())).first()
        treated = db.session.scalar(select(func.count()).select_from(ChurnActionMember).where(
            ChurnActionMember.action_id == action.id, ChurnActionMember.arm == "treated"))
        invited = db.session.scalar(select(func.count()).select_from(Invitation).where(
            Invitation.wave_id == action.wave_id))
    assert invited == treated > 0
    page.goto(f"{base}/manage/results/waves/{wave_id}/attitudes")
    text = page.inner_text("main")
    assert "세분 1" in text and "세분 2" in text and "60명" in text
    assert axe_check(page) == []
    shoot(page, "attitude-segments")
