"""The customer list and page (고객 정보): scoping, search, masking, unmasking with a purpose, consents,
the merged timeline with survey scores, paging."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.models import (
    AccessAction,
    Contact,
    Customer,
    CustomerConsent,
    OrgLevel,
    OutboxMessage,
    OutboxStatus,
    PersonalDataAccess,
    PersonalDataSubject,
    Role,
    User,
    Wave,
    utcnow,
)
from tests.customer_support import (
    EMAIL,
    NAME,
    PHONE,
    add_interactions,
    add_orders,
    answered_survey,
    login,
    make_customer,
)
from tests.test_results_support import SMALL


@pytest.fixture
def offices(make_org):
    """HQ → R-C1 → P-C1 and HQ → R-C2 → P-C2."""
    ids = {"HQ-C": make_org("HQ-C", "본부", OrgLevel.HEADQUARTERS)}
    for region, office in (("R-C1", "P-C1"), ("R-C2", "P-C2")):
        ids[region] = make_org(region, f"{region} 지방우정청", OrgLevel.REGIONAL, "HQ-C")
        ids[office] = make_org(office, f"{office} 우체국", OrgLevel.OFFICE, region)
    return ids


@pytest.fixture
def admin(client, make_user):
    make_user("cust_admin", is_admin=True)
    login(client, "cust_admin")
    return client


def staff_client(client, make_user, app_ctx, role: Role, unit_id: int | None, name: str = "cust_staff"):
    from survey_app.accounts.operations import grant_role

    user_id, _ = make_user(name)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), role, unit_id)
    login(client, name)
    return client


def test_list_is_masked_searchable_and_scoped_to_the_subtree(client, make_user, app_ctx, offices):
    with app_ctx() as session:
        make_customer(session, "C-IN", org_unit_id=offices["P-C1"], customer_type="개인-우수")
        make_customer(session, "C-OUT", phone="010-9999-0000", email="out@example.kr", org_unit_id=offices["P-C2"])
        make_customer(session, "C-BIZ", phone="02-123-4567", email="biz@example.kr", org_unit_id=offices["P-C1"],
                      kind="business")
    staff = staff_client(client, make_user, app_ctx, Role.DESIGNER, offices["R-C1"])
    html = staff.get("/manage/customers/").get_data(as_text=True)
    assert "C-IN" in html and "C-BIZ" in html and "C-OUT" not in html
    assert "010-****-6789" in html and PHONE not in html and NAME not in html and EMAIL not in html
    assert "C-IN" in staff.get("/manage/customers/?q=01023456789").get_data(as_text=True)
    by_mail = staff.get("/manage/customers/?q=hong.gildong@example.kr").get_data(as_text=True)
    assert "C-IN" in by_mail and "C-BIZ" not in by_mail
    assert "조건에 맞는 고객이 없습니다" in staff.get("/manage/customers/?q=C-OUT").get_data(as_text=True)
    business = staff.get("/manage/customers/?kind=business").get_data(as_text=True)
    assert "C-BIZ" in business and "C-IN" not in business
    typed = staff.get("/manage/customers/?customer_type=개인-우수").get_data(as_text=True)
    assert "C-IN" in typed and "C-BIZ" not in typed
    assert "C-IN" in staff.get(f"/manage/customers/?office={offices['P-C1']}").get_data(as_text=True)
    with app_ctx() as session:
        out_id = session.scalar(select(Customer.id).where(Customer.external_id == "C-OUT"))
    assert staff.get(f"/manage/customers/{out_id}").status_code == 403


def test_list_pages(admin, app_ctx):
    with app_ctx() as session:
        for i in range(55):
            make_customer(session, f"C-P{i:03d}", phone=f"010-1000-{i:04d}", email=None)
    first = admin.get("/manage/customers/").get_data(as_text=True)
    assert "C-P054" in first and "C-P004" not in first and "page=2" in first
    second = admin.get("/manage/customers/?page=2").get_data(as_text=True)
    assert "C-P004" in second and "C-P054" not in second


def test_unmasking_needs_a_purpose_and_is_on_the_access_log_page(admin, app_ctx):
    with app_ctx() as session:
        customer_id = make_customer(session).id
    page = admin.get(f"/manage/customers/{customer_id}").get_data(as_text=True)
    assert "홍*동" in page and PHONE not in page and "서울특별시 종로구 ***" in page
    refused = admin.post(f"/manage/customers/{customer_id}/reveal", data={"purpose": ""})
    assert refused.status_code == 400 and PHONE not in refused.get_data(as_text=True)
    assert "열람 목적을 입력해 주십시오" in refused.get_data(as_text=True)
    shown = admin.post(f"/manage/customers/{customer_id}/reveal", data={"purpose": "배송 민원 회신 전화"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and PHONE in html and NAME in html and "세종대로 209" in html
    with app_ctx() as session:
        entry = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.action == AccessAction.VIEW_UNMASKED,
                                                                 PersonalDataAccess.subject_type == "customer")).one()
        assert entry.purpose == "배송 민원 회신 전화" and entry.actor_name == "cust_admin"
        assert session.scalars(select(PersonalDataSubject.subject_id).where(
            PersonalDataSubject.access_id == entry.id)).all() == [customer_id]
    log = admin.get("/admin/access-log").get_data(as_text=True)
    assert "배송 민원 회신 전화" in log and "customer" in log


def test_analyst_sees_but_cannot_unmask_or_change_consent(client, make_user, app_ctx, offices):
    with app_ctx() as session:
        customer_id = make_customer(session, org_unit_id=offices["P-C1"]).id
    analyst = staff_client(client, make_user, app_ctx, Role.ANALYST, offices["R-C1"], "cust_analyst")
    html = analyst.get(f"/manage/customers/{customer_id}").get_data(as_text=True)
    assert "010-****-6789" in html and "원문 보기" not in html and "기록하기" not in html
    assert analyst.post(f"/manage/customers/{customer_id}/reveal", data={"purpose": "보고 싶음"}).status_code == 403
    assert analyst.post(f"/manage/customers/{customer_id}/consent",
                        data={"purpose": "survey", "granted": "no"}).status_code == 403


def test_consent_withdrawal_takes_effect_at_once_and_shows_in_the_history(admin, app_ctx, make_survey):
    ids = make_survey(SMALL.to_dict())
    with app_ctx() as session:
        customer_id = make_customer(session).id
        contact, invitation, _ = answered_survey(session, session.get(Wave, ids["wave_id"]), {"Q1": 4})
        session.add(OutboxMessage(dedupe_key="cust-1", wave_id=ids["wave_id"], invitation_id=invitation.id,
                                  channel="sms", next_attempt_at=utcnow()))
        contact_id = contact.id
    answer = admin.post(f"/manage/customers/{customer_id}/consent",
                        data={"purpose": "survey", "granted": "no", "note": "전화로 철회 요청"})
    assert answer.status_code == 302
    with app_ctx() as session:
        assert session.get(Customer, customer_id).consent_survey is False
        assert session.get(Contact, contact_id).opted_out_at is not None
        assert session.scalar(select(OutboxMessage.status).where(OutboxMessage.dedupe_key == "cust-1")) == OutboxStatus.CANCELLED
        event = session.scalars(select(CustomerConsent).where(CustomerConsent.customer_id == customer_id)).one()
        assert (event.purpose, event.granted, event.method, event.note) == ("survey", False, "staff", "전화로 철회 요청")
    page = admin.get(f"/manage/customers/{customer_id}").get_data(as_text=True)
    assert "전화로 철회 요청" in page and "직원 입력" in page
    bad = admin.post(f"/manage/customers/{customer_id}/consent", data={"purpose": "nonsense", "granted": "yes"})
    assert bad.status_code == 400


def test_timeline_merges_calls_orders_and_surveys_with_scores(admin, app_ctx, make_survey, make_org):
    ids = make_survey(SMALL.to_dict())
    office = make_org("P-TL", "종로우체국")
    with app_ctx() as session:
        customer = make_customer(session)
        add_orders(session, customer, 3)
        add_interactions(session, customer, 2, org_unit_id=office, note="택배 지연 문의")
        answered_survey(session, session.get(Wave, ids["wave_id"]),
                        {"Q1": 5, "Q2": 4, "Q3": 1, "Q4": 5, "Q5": 5, "Q6": 10, "Q7": 1, "Q8": "좋아요"})
        customer_id = customer.id
    html = admin.get(f"/manage/customers/{customer_id}").get_data(as_text=True)
    assert "C-1001-O00002" in html and "사과 5kg" in html and "12,002원" in html
    assert "종로우체국" in html and "택배 지연 문의" in html and "상담원0" in html
    # SMALL's headline (csi: process .3, outcome .3, overall .4) for this respondent: .3*87.5 + .3*100 + .4*100
    assert "종합 지수 96.2" in html or "종합 지수 96.3" in html
    assert "추천 의향 10점 (추천)" in html and "문항 평균 95.0점" in html
    assert "주문" in html and "3건, 합계 36,003원" in html and "설문 응답" in html
    only_orders = admin.get(f"/manage/customers/{customer_id}?show=order").get_data(as_text=True)
    assert "C-1001-O00001" in only_orders and "택배 지연 문의" not in only_orders


def test_customer_score_is_the_number_the_results_report_uses(app_ctx, make_survey):
    """The page's index for a respondent equals the results' own respondent index for that row."""
    from survey_app.customers.scores import score_response
    from survey_app.results.loading import load_wave
    from survey_app.results.scoring import score_core, scoring_plan

    answers = {"Q1": 3, "Q2": 9, "Q3": 2, "Q4": 4, "Q5": 4, "Q6": 6, "Q7": 2}
    ids = make_survey(SMALL.to_dict())
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        answered_survey(session, wave, answers)
        data = load_wave(wave.id, SMALL)
        expected = score_core(data, scoring_plan(SMALL, data.codes)).respondent[0]
        mine = score_response(wave.version, {k: float(v) for k, v in answers.items()})
    assert mine.index == pytest.approx(expected, abs=0.05)
    assert mine.nps == 6 and mine.nps_group == "detractor"


def test_timeline_pages_a_long_history(admin, app_ctx):
    with app_ctx() as session:
        customer = make_customer(session)
        add_orders(session, customer, 120)
        customer_id = customer.id
    first = admin.get(f"/manage/customers/{customer_id}").get_data(as_text=True)
    assert "C-1001-O00119" in first and "C-1001-O00069" not in first and "이전 이력 더 보기" in first
    assert "120건" in first
    third = admin.get(f"/manage/customers/{customer_id}?page=3").get_data(as_text=True)
    assert "C-1001-O00000" in third and "C-1001-O00119" not in third and "이전 이력 더 보기" not in third


def test_english_customer_page(admin, app_ctx):
    with app_ctx() as session:
        customer_id = make_customer(session).id
    with app_ctx() as session:
        session.scalars(select(User).where(User.username == "cust_admin")).one().locale = "en"
    html = admin.get(f"/manage/customers/{customer_id}").get_data(as_text=True)
    assert "Customer C-1001" in html and "Consent" in html


def test_later_capabilities_add_a_panel_to_the_customer_page(admin, app_ctx, monkeypatch):
    from survey_app.customers import page

    monkeypatch.setattr(page, "_PANELS", [])
    page.add_panel(lambda customer: page.Panel("이탈 위험", page.FACTS_TEMPLATE,
                                               {"facts": [("위험 점수", "0.82"), ("고객군", customer.customer_type)]}))
    page.add_panel(lambda customer: None)  # nothing to show for this customer
    with app_ctx() as session:
        customer_id = make_customer(session).id
    html = admin.get(f"/manage/customers/{customer_id}").get_data(as_text=True)
    assert "<h2>이탈 위험</h2>" in html and "<dt>위험 점수</dt><dd>0.82</dd>" in html and "개인-일반" in html
