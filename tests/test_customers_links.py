"""Contacts, their invitations and responses resolve to customers whichever arrives first; consent per purpose
is a history, and a withdrawal of survey consent stops invitations at once (wave opening, queued messages,
post-call SMS)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from survey_app.customers.consent import consent_history, may_contact, record_consent
from survey_app.customers.identity import find_customer, identity, set_identity
from survey_app.customers.links import link_contacts
from survey_app.models import (
    ConsentPurpose,
    Contact,
    Customer,
    CustomerConsent,
    Invitation,
    OutboxMessage,
    OutboxStatus,
    PlanStatus,
    Response,
    ResponseStatus,
)
from survey_app.privacy.contacts import add_contact
from tests.distribution_support import import_people, people, plan_wave


def _customer(session, external_id="C-1", *, phone="010-7777-0001", email=None, name="홍길동", **fields):
    customer = set_identity(Customer(external_id=external_id, **fields), name=name, phone=phone, email=email)
    session.add(customer)
    session.flush()
    return customer


def _responses_of(session, customer_id: int) -> list[int]:
    return list(session.scalars(select(Response.id).join(Invitation, Invitation.id == Response.invitation_id)
                                .join(Contact, Contact.id == Invitation.contact_id)
                                .where(Contact.customer_id == customer_id)))


def test_identifiers_are_sealed_and_found_by_keyed_hash(app_ctx):
    with app_ctx() as session:
        customer = _customer(session, email="Gil.Dong@Example.KR")
        row = session.execute(select(Customer.name_enc, Customer.phone_enc)).one()
        assert "홍길동".encode() not in row.name_enc and b"7777" not in row.phone_enc
        assert find_customer(phone="01077770001").id == customer.id  # any spelling of the number
        assert find_customer(email="gil.dong@example.kr").id == customer.id
        assert find_customer(phone="010-7777-0002") is None
        assert identity(customer).name == "홍*동" and identity(customer, masked=False).phone == "010-7777-0001"


def test_a_customer_imported_later_picks_up_earlier_responses(app_ctx, make_survey):
    ids = make_survey()
    with app_ctx() as session:
        contact, _ = add_contact(name="홍길동", phone="010-7777-0001")
        assert contact.customer_id is None
        invitation = Invitation(wave_id=ids["wave_id"], contact_id=contact.id, token_hash="t" * 64, channel="sms")
        session.add(invitation)
        session.flush()
        session.add(Response(wave_id=ids["wave_id"], version_id=ids["version_id"], invitation_id=invitation.id,
                             status=ResponseStatus.COMPLETE, started_at=datetime.now(UTC)))
        customer = _customer(session)
        assert link_contacts() == 1
        session.refresh(contact)
        assert contact.customer_id == customer.id
        assert len(_responses_of(session, customer.id)) == 1
        assert link_contacts() == 0  # idempotent


def test_a_contact_made_later_resolves_to_its_customer_by_e_mail(app_ctx):
    with app_ctx() as session:
        customer = _customer(session, phone=None, email="kim@example.kr")
        contact, created = add_contact(email="KIM@example.kr ")
        assert created and contact.customer_id == customer.id


def test_an_erased_customer_attracts_no_new_contacts(app_ctx):
    with app_ctx() as session:
        customer = _customer(session)
        customer.anonymised_at = datetime.now(UTC)
        session.flush()
        contact, _ = add_contact(phone="010-7777-0001")
        assert contact.customer_id is None


def test_consent_is_a_history_with_the_current_state_on_the_customer(app_ctx):
    with app_ctx() as session:
        customer = _customer(session)
        assert may_contact(customer, ConsentPurpose.SURVEY) and not may_contact(customer, ConsentPurpose.MARKETING)
        assert record_consent(customer, ConsentPurpose.MARKETING, True, method="staff") is not None
        assert record_consent(customer, ConsentPurpose.MARKETING, True, method="staff") is None  # no change, no row
        record_consent(customer, ConsentPurpose.MARKETING, False, method="api", note="전화로 철회")
        history = consent_history(customer.id)
        assert [(e.purpose, e.granted, e.method) for e in history] == [("marketing", False, "api"),
                                                                         ("marketing", True, "staff")]
        assert customer.consent_marketing is False and not may_contact(customer, ConsentPurpose.MARKETING)
        customer.anonymised_at = datetime.now(UTC)
        assert not may_contact(customer, ConsentPurpose.SURVEY)


def test_withdrawing_survey_consent_keeps_the_person_out_of_a_wave(app, app_ctx, make_survey):
    from survey_app.distribution.fielding import run_tick

    ids = make_survey()
    import_people(app_ctx, people(3))  # 고객0…2: 010-1000-0000 … 0002
    with app_ctx() as session:
        customer = _customer(session, phone="010-1000-0001")
        assert link_contacts() == 1
        record_consent(customer, ConsentPurpose.SURVEY, False, method="staff")
        customer_id = customer.id
    plan_wave(app_ctx, ids["wave_id"], channels=("sms",))
    with app_ctx() as session:
        run_tick()
        invited = session.scalars(select(Invitation.contact_id).where(Invitation.wave_id == ids["wave_id"])).all()
        linked = session.scalar(select(Contact.id).where(Contact.customer_id == customer_id))
        assert len(invited) == 2 and linked not in invited


def test_withdrawal_cancels_queued_messages_and_later_post_call_sms(app_ctx, client, make_survey):
    from survey_app.accounts.api_keys import create_api_key
    from survey_app.models import DistributionPlan

    ids = make_survey()
    plan_wave(app_ctx, ids["wave_id"], channels=("sms",), continuous=True, no_resurvey_days=0)
    with app_ctx() as session:
        session.get(DistributionPlan, ids["wave_id"]).status = PlanStatus.RUNNING
        _key, secret = create_api_key("phone system", ["invitations.create"])
        customer_id = _customer(session, phone="010-5555-0001").id
    headers = {"Authorization": f"Bearer {secret}"}

    def call(call_id):
        return client.post("/api/v1/post-call", headers=headers, json={
            "wave": ids["wave_code"], "call_id": call_id, "customer_number": "010-5555-0001"}).get_json()

    assert call("C-1")["outcome"] == "queued"
    with app_ctx() as session:
        contact = session.scalar(select(Contact).where(Contact.customer_id == customer_id))
        assert contact is not None  # the post-call contact resolved to the customer
        record_consent(session.get(Customer, customer_id), ConsentPurpose.SURVEY, False, method="api")
        statuses = session.scalars(select(OutboxMessage.status).where(OutboxMessage.wave_id == ids["wave_id"])).all()
        assert statuses == [OutboxStatus.CANCELLED]
    assert call("C-2")["outcome"] == "opt_out"
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.status == OutboxStatus.PENDING)) == 0


def test_an_unsubscribe_withdraws_the_customers_survey_consent(app_ctx):
    from survey_app.distribution.optout import opt_out

    with app_ctx() as session:
        customer = _customer(session)
        contact, _ = add_contact(phone="010-7777-0001")
        opt_out(contact, via="link")
        session.refresh(customer)
        assert customer.consent_survey is False
        event = session.scalar(select(CustomerConsent).where(CustomerConsent.customer_id == customer.id))
        assert (event.purpose, event.granted, event.method) == ("survey", False, "unsubscribe")
