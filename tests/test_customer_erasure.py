"""삭제 요청: a person erased across every table leaves no identifier anywhere in the database, and the
statistics their records feed (order counts and sums, response counts, numeric answers) do not change."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import LargeBinary, String, Text, func, inspect, select, text

from survey_app.database import db as _db
from survey_app.models import (
    AccessAction,
    Answer,
    AuditEvent,
    Base,
    Contact,
    Customer,
    CustomerConsent,
    Interaction,
    Invitation,
    Order,
    OutboxMessage,
    OutboxStatus,
    PersonalDataAccess,
    PostCall,
    Response,
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

PHONE_FORMS = ("010-2345-6789", "01023456789", "010 2345 6789", "010.2345.6789", "+82-10-2345-6789", "23456789")


def database_dump(session) -> str:
    """Every row of every table as text: SQLite's ``iterdump``; on PostgreSQL every text, JSON and bytes
    column of every table of the schema (the same tables the migrations made)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return "\n".join(connection.connection.driver_connection.iterdump())
    parts = []
    for table in inspect(connection).get_table_names():
        columns = [c["name"] for c in inspect(connection).get_columns(table)
                   if isinstance(c["type"], String | Text | LargeBinary) or "JSON" in str(c["type"]).upper()
                   or "BYTEA" in str(c["type"]).upper()]
        if columns:
            for row in connection.execute(text(f'SELECT {", ".join(f"{c!s}" for c in columns)} FROM "{table}"')):
                parts.extend(v.hex() + "\n" + bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
                             for v in row if v is not None)
    return "\n".join(parts)


def needles(session, customer: Customer) -> dict[str, str]:
    """What must not survive an erasure: identifiers in every writing, keyed hashes, source-system ids."""
    found = {f"phone {p}": p for p in PHONE_FORMS}
    found |= {"name": NAME, "e-mail": EMAIL, "e-mail lower": EMAIL.lower(), "external id": customer.external_id,
              "phone hash": customer.phone_hash, "email hash": customer.email_hash, "order number": "C-ERASE-O00003",
              "interaction number": "C-ERASE-I00001", "call id": "CALL-ERASE-77"}
    return found


@pytest.fixture
def person(app_ctx, make_survey):
    """A customer with orders, calls (one note naming them), a linked contact, an answered survey whose
    free text names them, a pending message and a post-call record; returns ids and the totals before."""
    ids = make_survey(SMALL.to_dict())
    with app_ctx() as session:
        customer = make_customer(session, "C-ERASE")
        add_orders(session, customer, 5)
        add_interactions(session, customer, 3, note=f"{NAME} 고객 {PHONE} 회신 요청, 메일 {EMAIL}")
        wave = session.get(Wave, ids["wave_id"])
        contact, invitation, response = answered_survey(
            session, wave, {"Q1": 4, "Q2": 5, "Q5": 4, "Q6": 9, "Q8": f"저는 {NAME}입니다. 01023456789로 연락 주세요"})
        session.add(OutboxMessage(dedupe_key="erase-1", wave_id=wave.id, invitation_id=invitation.id, channel="sms",
                                  next_attempt_at=utcnow(), last_error=f"{PHONE} 수신 불가"))
        session.add(PostCall(wave_id=wave.id, call_id="CALL-ERASE-77", contact_id=contact.id,
                             invitation_id=invitation.id, outcome="queued"))
        from survey_app.accounts.api_keys import create_api_key
        from survey_app.models import IdempotencyRecord
        key, _secret = create_api_key("cti", ["invitations.create"])
        session.add(IdempotencyRecord(api_key_id=key.id, key="idem-1", request_hash="0" * 64, status_code=201,
                                      body={"call_id": "CALL-ERASE-77", "outcome": "queued"}))
        from survey_app.customers.consent import record_consent
        record_consent(customer, "marketing", True, method="staff", note=f"{NAME} 본인 전화")
        make_customer(session, "C-OTHER", name="김철수", phone="010-7777-8888", email="kim@example.kr")
        session.flush()
        return {"customer_id": customer.id, "contact_id": contact.id, "response_id": response.id,
                "wave_id": wave.id, "invitation_id": invitation.id, "totals": totals(session)}


def totals(session) -> tuple:
    """The aggregate numbers an erasure must leave intact."""
    return (session.scalar(select(func.count()).select_from(Order)), session.scalar(select(func.sum(Order.amount))),
            session.scalar(select(func.count()).select_from(Interaction)),
            session.scalar(select(func.count()).select_from(Response)),
            session.scalar(select(func.sum(Answer.value_num))))


def present(dump: str, wanted: dict[str, str]) -> list[str]:
    return [label for label, value in wanted.items() if value and re.search(re.escape(value), dump, re.IGNORECASE)]


def test_erasure_leaves_no_identifier_in_the_database_and_keeps_the_statistics(app_ctx, runner, person):
    with app_ctx() as session:
        wanted = needles(session, session.get(Customer, person["customer_id"]))
        before = present(database_dump(session), wanted)
    planted = [k for k in wanted if not k.startswith("phone ")] + ["phone 010-2345-6789", "phone 01023456789",
                                                                  "phone 23456789"]
    assert sorted(set(planted) - set(before)) == [], "the test must see every planted identifier before the erasure"
    result = runner.invoke(args=["customers", "erase", "C-ERASE", "--reason", "정보주체 삭제 요청 (접수 2026-118)", "--yes"])
    assert result.exit_code == 0, result.output
    assert "연락처 파기 1건" in result.output
    with app_ctx() as session:
        assert present(database_dump(session), wanted) == []
        assert totals(session) == person["totals"]
        customer = session.get(Customer, person["customer_id"])
        assert customer.anonymised_at is not None and customer.external_id.startswith("erased-")
        assert customer.birth_year == 1960 and customer.region == "서울"
        assert session.get(Contact, person["contact_id"]) is None
        assert session.get(Invitation, person["invitation_id"]).contact_id is None
        assert session.get(Invitation, person["invitation_id"]).hidden == {"office_code": "P-A"}
        answers = {a.question_code: (a.value_num, a.value_text) for a in session.get(Response, person["response_id"]).answers}
        assert answers["Q1"] == (4.0, None) and answers["Q8"] == (None, None)
        assert session.scalar(select(OutboxMessage.status)) == OutboxStatus.CANCELLED
        assert session.scalar(select(PostCall.contact_id)) is None
        assert session.scalar(select(func.count()).select_from(Order).where(Order.customer_id == customer.id)) == 5
        assert all(i.note is None and i.agent is None for i in session.scalars(select(Interaction)))
        history = session.scalars(select(CustomerConsent).where(CustomerConsent.customer_id == customer.id)).all()
        assert {(h.purpose, h.granted) for h in history} >= {("marketing", True), ("marketing", False)}
        assert all(h.note is None for h in history)
        entry = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.action == AccessAction.ANONYMISE)).one()
        assert entry.purpose == "정보주체 삭제 요청 (접수 2026-118)" and entry.subject_type == "customer"
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "customer.erase")).one()
        other = session.scalar(select(Customer).where(Customer.external_id == "C-OTHER"))
        assert other.phone_hash is not None and other.anonymised_at is None


def test_erasure_page_needs_a_reason_and_the_customer_number_typed_again(client, make_user, app_ctx, person):
    make_user("erase_admin", is_admin=True)
    login(client, "erase_admin")
    url = f"/manage/customers/{person['customer_id']}/erase"
    assert "삭제하기" in client.get(url).get_data(as_text=True)
    wrong = client.post(url, data={"reason": "본인 요청", "confirm": "C-OTHER"})
    assert wrong.status_code == 400 and "고객번호가 일치하지 않습니다" in wrong.get_data(as_text=True)
    no_reason = client.post(url, data={"reason": "", "confirm": "C-ERASE"})
    assert no_reason.status_code == 400 and "삭제 사유를 입력해 주십시오" in no_reason.get_data(as_text=True)
    with app_ctx() as session:
        assert session.get(Customer, person["customer_id"]).anonymised_at is None
    done = client.post(url, data={"reason": "본인 요청 (전화 접수)", "confirm": "C-ERASE"})
    assert done.status_code == 302
    page = client.get(f"/manage/customers/{person['customer_id']}").get_data(as_text=True)
    assert "익명 처리되었습니다" in page and "C-ERASE" not in page
    with app_ctx() as session:
        assert session.get(Customer, person["customer_id"]).anonymised_at is not None
    again = client.post(url, data={"reason": "두 번째", "confirm": "x"})
    assert again.status_code == 400


def test_erase_command_reports_an_unknown_customer(runner, app_ctx):
    result = runner.invoke(args=["customers", "erase", "NOPE", "--reason", "요청", "--yes"])
    assert result.exit_code != 0 and "고객번호 'NOPE'인 고객이 없습니다" in result.output
    assert "Traceback" not in result.output


def test_database_dump_sees_every_table(app_ctx):
    """The dump covers every table the models declare (so a new table cannot hide an identifier)."""
    with app_ctx() as session:
        make_customer(session, "C-DUMP")
        dump = database_dump(session)
    assert "C-DUMP" in dump
    if _db.session.get_bind().dialect.name == "sqlite":
        assert all(re.search(rf'CREATE TABLE "?{t}"? ', dump) for t in Base.metadata.tables)


def test_later_capabilities_scrub_their_tables_through_an_erasure_step(app_ctx, person, monkeypatch):
    from survey_app.customers import erasure

    seen = []
    monkeypatch.setattr(erasure, "_EXTRA_STEPS", [])
    erasure.add_erasure_step(lambda customer, ids: seen.append((customer.external_id, ids["contacts"])))
    with app_ctx() as session:
        erasure.erase_customer(session.get(Customer, person["customer_id"]), reason="시험")
    assert seen == [("C-ERASE", [person["contact_id"]])]
