"""The retention pages: the backtest shown honestly, the worklist masked, an action with its holdout."""
from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.models import ChurnAction, ChurnActionMember, ChurnRun, OrgLevel
from survey_app.retention.operations import store_churn_run
from tests.retention_support import plant_history

PASSWORD = "Retention2026pass"


def _sign_in(client, make_user, **kwargs):
    make_user("retention_admin", PASSWORD, is_admin=True, **kwargs)
    answer = client.post("/manage/login", data={"username": "retention_admin", "password": PASSWORD})
    assert answer.status_code == 302


def test_backtest_page_worklist_and_action(app_ctx, client, make_user, make_org):
    office = make_org("P-RET", "속초우체국", OrgLevel.OFFICE)
    with app_ctx() as session:
        plant_history(session, n=900, org_unit_id=office)
        run = store_churn_run()
        assert run.status == "ok"
    _sign_in(client, make_user)
    page = client.get("/manage/retention/").get_data(as_text=True)
    assert "마지막 주문 후 기간만" in page and "RFM 점수만" in page and "<svg" in page and "cdn" not in page.lower()
    assert "속초우체국" in page
    page = client.get(f"/manage/retention/units/{office}/worklist").get_data(as_text=True)
    assert page.count("<tr>") >= 51  # header + 50 customers
    answer = client.post(f"/manage/retention/units/{office}/actions",
                         data={"name": "11월 해피콜", "kind": "callback", "top": 50, "holdout": 10, "window": 30})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    with app_ctx() as session:
        action = session.scalars(select(ChurnAction)).one()
        arms = [m.arm for m in session.scalars(select(ChurnActionMember).where(ChurnActionMember.action_id == action.id))]
    assert arms.count("control") == 5 and arms.count("treated") == 45
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "해피콜 목록" in page and "기간이 끝난 뒤" in page
    assert len(re.findall(r"<tr><td>\d+</td>", page)) == 45  # the call-back list: treated only


def test_a_refused_model_shows_no_scores(app_ctx, client, make_user, make_org):
    office = make_org("P-RET2", "양양우체국", OrgLevel.OFFICE)
    with app_ctx() as session:
        session.add(ChurnRun(method="logistic", horizon_days=180, status="refused", message="worse",
                             backtest={}, warnings={"lines": []}))
    _sign_in(client, make_user)
    page = client.get("/manage/retention/").get_data(as_text=True)
    assert "점수를 보여 드리지 않습니다" in page and "이탈 위험 고객 목록" not in page
    page = client.get(f"/manage/retention/units/{office}/worklist").get_data(as_text=True)
    assert "보여 드릴 수 있는 이탈 예측 결과가 없습니다" in page


def test_bad_action_input_gets_a_korean_message_and_changes_nothing(app_ctx, client, make_user, make_org):
    office = make_org("P-RET3", "고성우체국", OrgLevel.OFFICE)
    with app_ctx() as session:
        plant_history(session, n=900, org_unit_id=office)
        store_churn_run()
    _sign_in(client, make_user)
    answer = client.post(f"/manage/retention/units/{office}/actions",
                         data={"name": "x", "kind": "callback", "top": 50, "holdout": 90, "window": 30})
    assert answer.status_code == 400 and "5%에서 50% 사이" in answer.get_data(as_text=True)
    with app_ctx() as session:
        assert session.scalars(select(ChurnAction)).first() is None


def test_a_call_back_is_marked_done_from_the_action_page(app_ctx, client, make_user):
    from survey_app.retention.operations import start_action

    with app_ctx() as session:
        ids = plant_history(session, n=20)
        action = start_action(ids, name="해피콜", kind="callback", org_unit_id=None, source="worklist")
        members = session.scalars(select(ChurnActionMember).where(ChurnActionMember.action_id == action.id)).all()
        treated = next(m.id for m in members if m.arm == "treated")
        control = next(m.id for m in members if m.arm == "control")
        action_id = action.id
    _sign_in(client, make_user)
    answer = client.post(f"/manage/retention/actions/{action_id}/members/{treated}/called")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert page.count("통화함") == 1 and page.count("통화 완료</button>") == 17
    client.post(f"/manage/retention/actions/{action_id}/members/{control}/called")  # the holdout is never called
    with app_ctx() as session:
        assert session.get(ChurnActionMember, control).called_at is None
        assert session.get(ChurnActionMember, treated).called_at is not None
