"""Personal data: encryption at rest, keyed lookups, masking, the access log, exports with a purpose."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from survey_app.models import AccessAction, AuditEvent, Contact, PersonalDataAccess, PersonalDataSubject
from survey_app.privacy.masking import mask_email, mask_name, mask_phone

PASSWORD = "Sokcho2026pass"
PHONE, EMAIL, NAME = "010-1234-5678", "Hong.Gildong@Example.kr", "홍길동"


def login(client, username):
    assert client.post("/manage/login", data={"username": username, "password": PASSWORD}).status_code == 302


@pytest.fixture
def contact_id(app_ctx):
    from survey_app.privacy.contacts import add_contact

    with app_ctx():
        contact, created = add_contact(name=NAME, phone=PHONE, email=EMAIL, consent=True)
        assert created
        return contact.id


@pytest.fixture
def admin_client(client, make_user):
    make_user("privacy_admin", is_admin=True)
    login(client, "privacy_admin")
    return client


def access_rows(app_ctx, action):
    with app_ctx() as session:
        rows = session.scalars(select(PersonalDataAccess).where(PersonalDataAccess.action == action)).all()
        return [(r, session.scalars(select(PersonalDataSubject.subject_id).where(PersonalDataSubject.access_id == r.id)).all())
                for r in rows]


# --- masking ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, masked", [
    ("홍길동", "홍*동"), ("남궁민수", "남**수"), ("이순", "이*"), ("김", "*"), ("", ""), (None, ""),
])
def test_mask_name(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize("value, masked", [
    ("010-1234-5678", "010-****-5678"), ("01012345678", "010****5678"), ("02-123-4567", "02-***-4567"),
    ("(02) 123-4567", "(02) ***-4567"),
])
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize("value, masked", [("gildong@epost.go.kr", "gi*****@epost.go.kr"), ("ab@x.kr", "a*@x.kr")])
def test_mask_email(value, masked):
    assert mask_email(value) == masked


# --- encryption at rest ----------------------------------------------------------------------------

def test_raw_rows_hold_no_plaintext_identifiers(app_ctx, contact_id):
    with app_ctx() as session:
        row = session.execute(text("SELECT * FROM contacts WHERE id = :id"), {"id": contact_id}).mappings().one()
    raw = b"".join(bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row.values())
    for plain in (PHONE, "01012345678", "1234-5678", EMAIL, EMAIL.lower(), NAME):
        assert plain.encode() not in raw
    assert len(row["phone_hash"]) == 64 and row["phone_enc"] is not None


def test_decryption_round_trip_and_lookup_by_keyed_hash(app_ctx, contact_id):
    from survey_app.privacy.contacts import add_contact, find_contact, view

    with app_ctx():
        found = find_contact(phone="+82 10 1234 5678")
        assert found is not None and found.id == contact_id
        assert find_contact(email="hong.gildong@example.KR").id == contact_id
        _same, created = add_contact(name="다른 이름", phone="01012345678")
        assert not created  # de-duplicated on the normalised phone number
        plain = view(found, masked=False)
        assert (plain.name, plain.phone, plain.email) == (NAME, PHONE, EMAIL)
        masked = view(found)
        assert (masked.name, masked.phone) == ("홍*동", "010-****-5678")


def test_a_value_moved_to_another_column_does_not_decrypt(app_ctx, contact_id):
    from survey_app.privacy.crypto import DecryptionError, key_ring

    with app_ctx() as session:
        contact = session.get(Contact, contact_id)
        with pytest.raises(DecryptionError):
            key_ring().decrypt(contact.phone_enc, "contact.email")


def test_rotate_keys_re_encrypts_with_the_newest_key_and_old_keys_still_read(make_app, app_ctx, contact_id, db):
    from survey_app.privacy.crypto import key_ring, new_key

    with app_ctx() as session:
        ring = key_ring()
        old_blob = session.get(Contact, contact_id).phone_enc
        old_key = __import__("base64").urlsafe_b64encode(ring.data_keys[0]).decode()
        lookup = __import__("base64").urlsafe_b64encode(ring.lookup_key).decode()
    rotated = make_app(DATA_KEYS=f"{new_key()},{old_key}", LOOKUP_KEY=lookup)
    result = rotated.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "연락처 1건" in result.output
    with rotated.app_context():
        from survey_app.privacy.contacts import view

        contact = db.session.get(Contact, contact_id)
        assert contact.phone_enc != old_blob and key_ring().is_current(contact.phone_enc)
        assert view(contact, masked=False).phone == PHONE


# --- unmasking and the access log ------------------------------------------------------------------

def test_contact_pages_are_masked_by_default(admin_client, contact_id, app_ctx):
    html = admin_client.get(f"/manage/contacts/{contact_id}").get_data(as_text=True)
    assert "010-****-5678" in html and PHONE not in html and NAME not in html
    html = admin_client.get("/manage/contacts/").get_data(as_text=True)
    assert "홍*동" in html and PHONE not in html
    assert access_rows(app_ctx, AccessAction.VIEW_UNMASKED) == []


def test_unmasking_needs_a_purpose_and_is_logged(admin_client, contact_id, app_ctx):
    refused = admin_client.post(f"/manage/contacts/{contact_id}/reveal", data={"purpose": ""})
    assert refused.status_code == 400 and PHONE not in refused.get_data(as_text=True)
    shown = admin_client.post(f"/manage/contacts/{contact_id}/reveal", data={"purpose": "고객 문의 회신"})
    assert shown.status_code == 200 and PHONE in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store"
    [(entry, subjects)] = access_rows(app_ctx, AccessAction.VIEW_UNMASKED)
    assert subjects == [contact_id] and entry.purpose == "고객 문의 회신"
    assert entry.actor_name == "privacy_admin" and entry.actor_address == "127.0.0.1" and entry.occurred_at


def test_designers_see_masked_contacts_but_may_not_unmask(client, make_user, app_ctx, contact_id):
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    user_id, _ = make_user("designer_mask")
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "designer", None)
    login(client, "designer_mask")
    assert "010-****-5678" in client.get(f"/manage/contacts/{contact_id}").get_data(as_text=True)
    assert client.post(f"/manage/contacts/{contact_id}/reveal", data={"purpose": "궁금해서"}).status_code == 403
    assert access_rows(app_ctx, AccessAction.VIEW_UNMASKED) == []


def test_export_asks_for_a_purpose_masks_by_default_and_is_logged(admin_client, contact_id, app_ctx):
    form = admin_client.get("/manage/contacts/export")
    assert form.status_code == 200 and "목적" in form.get_data(as_text=True)
    assert admin_client.post("/manage/contacts/export", data={"purpose": ""}).status_code == 400
    masked = admin_client.post("/manage/contacts/export", data={"purpose": "재조사 대상 확인"})
    body = masked.get_data().decode("utf-8-sig")
    assert masked.mimetype == "text/csv" and "010-****-5678" in body and PHONE not in body
    unmasked = admin_client.post("/manage/contacts/export", data={"purpose": "우편 발송", "unmasked": "y"})
    assert PHONE in unmasked.get_data().decode("utf-8-sig")
    entries = access_rows(app_ctx, AccessAction.EXPORT)
    assert [(e.purpose, e.details["unmasked"], s) for e, s in entries] == [
        ("재조사 대상 확인", False, [contact_id]), ("우편 발송", True, [contact_id])]
    with app_ctx() as session:
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "contacts.export")).all()


def test_export_cells_cannot_become_formulas(admin_client, app_ctx):
    from survey_app.privacy.contacts import add_contact

    with app_ctx():
        add_contact(name="=HYPERLINK(\"http://x\")", phone="010-5555-0000")
    body = admin_client.post("/manage/contacts/export", data={"purpose": "점검", "unmasked": "y"}).get_data()
    assert "'=HYPERLINK" in body.decode("utf-8-sig")


def test_access_log_is_append_only_in_the_database(app_ctx, contact_id):
    from survey_app.privacy.access_log import log_access

    with app_ctx() as session:
        entry_id = log_access(AccessAction.VIEW_UNMASKED, "contact", [contact_id], purpose="시험").id
    for statement in ("UPDATE personal_data_access SET purpose = 'x' WHERE id = :id",
                      "DELETE FROM personal_data_access WHERE id = :id",
                      "DELETE FROM personal_data_subjects WHERE access_id = :id"):
        with app_ctx() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                with session.begin_nested():
                    session.execute(text(statement), {"id": entry_id})


def test_admins_search_and_export_the_access_log(admin_client, contact_id, app_ctx):
    admin_client.post(f"/manage/contacts/{contact_id}/reveal", data={"purpose": "민원 처리"})
    page = admin_client.get(f"/admin/access-log?subject={contact_id}&actor=privacy_admin")
    assert page.status_code == 200 and "민원 처리" in page.get_data(as_text=True)
    assert "민원 처리" not in admin_client.get("/admin/access-log?subject=999999").get_data(as_text=True)
    csv = admin_client.get(f"/admin/access-log.csv?subject={contact_id}").get_data().decode("utf-8-sig")
    assert "마스킹 해제 조회" in csv and "민원 처리" in csv and str(contact_id) in csv


def test_other_staff_cannot_read_the_access_log(client, make_user):
    make_user("plain_staff")
    login(client, "plain_staff")
    assert client.get("/admin/access-log").status_code == 403
