"""A person's requests and the duties around customer records: 열람 (disclosure page and command), 정정
(rectification), the 가명정보 analysis export, retention per kind of record, key rotation."""
from __future__ import annotations

import io
import json
import stat
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey_app.models import (
    AccessAction,
    AuditEvent,
    Contact,
    Customer,
    Interaction,
    Order,
    OrgLevel,
    PersonalDataAccess,
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
def admin(client, make_user):
    make_user("req_admin", is_admin=True)
    login(client, "req_admin")
    return client


@pytest.fixture
def person(app_ctx, make_survey):
    ids = make_survey(SMALL.to_dict())
    with app_ctx() as session:
        customer = make_customer(session, "C-REQ")
        add_orders(session, customer, 4)
        add_interactions(session, customer, 2, note="배송 지연 문의 메모")
        answered_survey(session, session.get(Wave, ids["wave_id"]), {"Q1": 4, "Q6": 9, "Q8": "친절했어요"})
        return customer.id


# --- 열람 ------------------------------------------------------------------------------------------

def test_disclosure_page_shows_everything_after_a_purpose_and_logs_it(admin, app_ctx, person):
    admin.post(f"/manage/customers/{person}/reveal", data={"purpose": "민원 회신"})
    url = f"/manage/customers/{person}/disclose"
    form = admin.get(url).get_data(as_text=True)
    assert PHONE not in form and "열람 목적" in form
    assert admin.post(url, data={"purpose": ""}).status_code == 400
    html = admin.post(url, data={"purpose": "정보주체 열람 요청 접수 2026-7"}).get_data(as_text=True)
    for expected in (NAME, PHONE, EMAIL, "세종대로 209", "C-REQ-O00003", "배송 지연 문의 메모", "친절했어요",
                     "민원 회신", "req_admin", "응답 "):
        assert expected in html, expected
    with app_ctx() as session:
        entries = session.scalars(select(PersonalDataAccess).where(
            PersonalDataAccess.purpose == "정보주체 열람 요청 접수 2026-7")).all()
        assert {e.subject_type for e in entries} == {"customer", "contact"}
        assert all(e.details.get("request") == "disclose" for e in entries)


def test_disclose_command_writes_a_private_json_file(runner, app_ctx, person, tmp_path):
    out = tmp_path / "disclosure.json"
    result = runner.invoke(args=["customers", "disclose", "C-REQ", "--out", str(out), "--purpose", "열람 요청 2026-8"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    held = json.loads(out.read_text(encoding="utf-8"))
    assert held["customer"]["phone"] == PHONE and held["customer"]["name"] == NAME
    assert len(held["orders"]) == 4 and len(held["interactions"]) == 2
    answers = held["contacts"][0]["invitations"][0]["responses"][0]["answers"]
    assert {"question": "Q8", "number": None, "choice": None, "text": "친절했어요"} in answers
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(PersonalDataAccess)
                              .where(PersonalDataAccess.purpose == "열람 요청 2026-8")) == 2
    missing = runner.invoke(args=["customers", "disclose", "NOPE", "--out", str(out), "--purpose", "x"])
    assert missing.exit_code != 0 and "없습니다" in missing.output
    nowhere = runner.invoke(args=["customers", "disclose", "C-REQ", "--out", str(tmp_path / "no" / "such.json"),
                                  "--purpose", "열람 요청 2026-9"])
    assert nowhere.exit_code != 0 and "파일을 쓸 수 없습니다" in nowhere.output and "Traceback" not in nowhere.output
    with app_ctx() as session:  # nothing was written, so nothing is logged as disclosed
        assert session.scalar(select(func.count()).select_from(PersonalDataAccess)
                              .where(PersonalDataAccess.purpose == "열람 요청 2026-9")) == 0


# --- 정정 ------------------------------------------------------------------------------------------

def test_rectification_changes_only_what_is_given_and_is_logged(admin, app_ctx, person, make_org):
    office = make_org("P-RECT", "광화문우체국")
    url = f"/manage/customers/{person}/rectify"
    page = admin.get(url).get_data(as_text=True)
    assert PHONE not in page and NAME not in page
    bad = admin.post(url, data={"phone": "12", "reason": "본인 요청", "kind": "person", "office": ""})
    assert bad.status_code == 400 and "전화번호를 숫자 8~12자리로" in bad.get_data(as_text=True)
    no_reason = admin.post(url, data={"phone": "010-5555-6666", "kind": "person"})
    assert no_reason.status_code == 400
    done = admin.post(url, data={"phone": "010-5555-6666", "region": "부산", "office": str(office), "kind": "person",
                                 "customer_type": "개인-일반", "reason": "번호 변경 신고"})
    assert done.status_code == 302
    from survey_app.customers.identity import find_customer, identity

    with app_ctx() as session:
        customer = session.get(Customer, person)
        shown = identity(customer, masked=False)
        assert (shown.phone, shown.name, shown.email) == ("010-5555-6666", NAME, EMAIL)
        assert customer.region == "부산" and customer.org_unit_id == office
        assert find_customer(phone="01055556666").id == person and find_customer(phone=PHONE) is None
        edit = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.action == AccessAction.EDIT)).one()
        assert edit.purpose == "번호 변경 신고" and set(edit.details["fields"]) == {"phone", "region", "org_unit_id"}
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.rectify")).one()
        assert "010-5555-6666" not in json.dumps(audit.details, ensure_ascii=False)


def test_rectified_phone_links_waiting_contacts(admin, app_ctx, person):
    from survey_app.privacy.contacts import add_contact

    with app_ctx():
        contact, _ = add_contact(phone="010-4444-3333")
        contact_id = contact.id
    admin.post(f"/manage/customers/{person}/rectify", data={"phone": "010-4444-3333", "kind": "person",
                                                            "reason": "새 번호"})
    with app_ctx() as session:
        assert session.get(Contact, contact_id).customer_id == person


# --- 가명정보 ----------------------------------------------------------------------------------------

def _zip_text(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def test_pseudonymised_export_holds_no_identifier_and_leaves_out_withdrawn_customers(admin, app_ctx, person):
    from survey_app.customers.consent import record_consent

    with app_ctx() as session:
        refuser = make_customer(session, "C-NOANALYSIS", name="이영희", phone="010-3333-2222", email="lee@example.kr")
        add_orders(session, refuser, 2, amount=777000)
        record_consent(refuser, "analysis", False, method="staff")
        hashes = [session.get(Customer, person).phone_hash, session.get(Customer, person).email_hash]
    assert admin.post("/manage/customers/export", data={"purpose": ""}).status_code == 400
    answer = admin.post("/manage/customers/export", data={"purpose": "재구매 주기 분석", "include_business": "y"})
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    files = _zip_text(answer.data)
    everything = "\n".join(files.values())
    for identifier in (NAME, PHONE, "01023456789", EMAIL, EMAIL.lower(), "C-REQ", "C-REQ-O00001", "C-REQ-I00000",
                       "이영희", "C-NOANALYSIS", "777000", "배송 지연 문의 메모", "상담원0", "사과 5kg", *hashes):
        assert identifier.lower() not in everything.lower(), identifier
    customers = files["customers.csv"].splitlines()
    assert customers[0].startswith("customer_pid,kind,customer_type,age_band") and len(customers) == 2
    assert ",60-69," in customers[1]
    orders = files["orders.csv"].splitlines()
    assert len(orders) == 5 and all(line.split(",")[1] == customers[1].split(",")[0] for line in orders[1:])
    assert len(files["interactions.csv"].splitlines()) == 3
    with app_ctx() as session:
        entry = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.purpose == "재구매 주기 분석")).one()
        assert entry.action == AccessAction.EXPORT and entry.subject_count == 1 and entry.details["pseudonymised"]


def test_pseudonyms_are_stable_and_unlike_the_lookup_hashes(app_ctx, person):
    from survey_app.customers.pseudonymised import Pseudonymiser

    with app_ctx():
        first, second = Pseudonymiser()("customer", person), Pseudonymiser()("customer", person)
    assert first == second and first != Pseudonymiser.__name__ and len(first) == 20


def test_export_command_writes_a_private_zip(runner, app_ctx, person, tmp_path):
    out = tmp_path / "pseudo.zip"
    out.write_bytes(b"x" * 100_000)  # an older, larger file: replaced whole, and made private
    out.chmod(0o644)
    result = runner.invoke(args=["customers", "export-pseudonymised", "--out", str(out), "--purpose", "분기 분석"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert PHONE not in "".join(_zip_text(out.read_bytes()).values())


def test_export_is_scoped_to_the_analysts_units(client, make_user, make_org, app_ctx):
    from survey_app.accounts.operations import grant_role

    make_org("HQ-EXP", "본부", OrgLevel.HEADQUARTERS)
    region = make_org("R-EXP", "지방청", OrgLevel.REGIONAL, "HQ-EXP")
    inside = make_org("P-EXP1", "안", OrgLevel.OFFICE, "R-EXP")
    outside = make_org("P-EXP2", "밖", OrgLevel.OFFICE, "HQ-EXP")
    with app_ctx() as session:
        make_customer(session, "C-IN1", org_unit_id=inside, region="대전")
        make_customer(session, "C-OUT1", phone="010-1212-3434", email=None, org_unit_id=outside, region="제주")
    user_id, _ = make_user("exp_analyst")
    with app_ctx() as session:
        grant_role(session.get(User, user_id), Role.ANALYST, region)
    login(client, "exp_analyst")
    files = _zip_text(client.post("/manage/customers/export", data={"purpose": "지역 분석"}).data)
    assert "대전" in files["customers.csv"] and "제주" not in files["customers.csv"]


# --- retention -------------------------------------------------------------------------------------

def test_daily_job_anonymises_inactive_customers_and_deletes_old_records(make_app, app_ctx, db):
    from survey_app.privacy.retention import run_retention_job

    now = utcnow()
    with app_ctx() as session:
        old = make_customer(session, "C-OLD", created_at=now - timedelta(days=800))
        old.updated_at = now - timedelta(days=800)
        add_orders(session, old, 2, start=now - timedelta(days=900))
        add_interactions(session, old, 2, start=now - timedelta(days=900))
        active = make_customer(session, "C-ACTIVE", phone="010-8888-1111", email=None,
                               created_at=now - timedelta(days=800))
        add_orders(session, active, 1, start=now - timedelta(days=10))
        ids = (old.id, active.id)
    app = make_app(CUSTOMER_RETENTION_DAYS=730, INTERACTION_RETENTION_DAYS=365, ORDER_RETENTION_DAYS=0)
    with app.app_context():
        session = db.session
        session.execute(Customer.__table__.update().where(Customer.id == ids[0])
                        .values(updated_at=now - timedelta(days=800)))
        report = run_retention_job()
        assert report.customers.anonymised == [ids[0]] and report.customers.interactions_deleted == 2
        assert any("고객 익명 처리 1건" in line for line in report.lines())
        old, active = session.get(Customer, ids[0]), session.get(Customer, ids[1])
        assert old.anonymised_at is not None and old.phone_hash is None and old.external_id.startswith("erased-")
        assert active.anonymised_at is None
        assert session.scalar(select(func.count()).select_from(Order)) == 3  # ORDER_RETENTION_DAYS=0: kept
        assert session.scalar(select(func.count()).select_from(Interaction)) == 0
        logged = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.subject_type == "customer",
                                                                  PersonalDataAccess.action == AccessAction.ANONYMISE)).one()
        assert logged.subject_count == 1


def test_retention_off_by_zero_keeps_everything(make_app, app_ctx, db):
    from survey_app.customers.retention import run_customer_retention

    now = utcnow()
    with app_ctx() as session:
        old = make_customer(session, "C-KEEP", created_at=now - timedelta(days=4000))
        add_orders(session, old, 1, start=now - timedelta(days=4000))
    app = make_app(CUSTOMER_RETENTION_DAYS=0, INTERACTION_RETENTION_DAYS=0, ORDER_RETENTION_DAYS=0)
    with app.app_context():
        report = run_customer_retention(now)
        assert report.anonymised == [] and report.orders_deleted == 0


# --- key rotation ----------------------------------------------------------------------------------

def test_rotate_keys_re_encrypts_customers(make_app, app_ctx, db):
    import base64

    from survey_app.customers.identity import identity
    from survey_app.privacy.crypto import key_ring, new_key

    with app_ctx() as session:
        customer = make_customer(session, "C-ROT")
        customer_id, old_blob = customer.id, customer.phone_enc
        ring = key_ring()
        old_key = base64.urlsafe_b64encode(ring.data_keys[0]).decode()
        lookup = base64.urlsafe_b64encode(ring.lookup_key).decode()
    rotated = make_app(DATA_KEYS=f"{new_key()},{old_key}", LOOKUP_KEY=lookup)
    result = rotated.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0 and "고객 1건" in result.output, result.output
    with rotated.app_context():
        customer = db.session.get(Customer, customer_id)
        assert customer.phone_enc != old_blob and key_ring().is_current(customer.phone_enc)
        assert identity(customer, masked=False).phone == PHONE
