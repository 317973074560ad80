"""A message or survey retention action sends a real wave through the distribution: invitations (and their
outbox messages) go to the treated customers' contacts only, never to the randomised holdout, and only with
consent for the purpose (marketing for a message, surveys for a survey)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.models import (
    ChurnAction,
    ChurnActionMember,
    Contact,
    Customer,
    DistributionPlan,
    Invitation,
    OutboxMessage,
    Wave,
)
from survey_app.retention.operations import RetentionError, start_action
from tests.retention_support import plant_history


def _with_contacts(session, ids: list[int]) -> dict[int, int]:
    """One e-mail contact per customer (consenting to be contacted); returns customer id → contact id."""
    contacts = {cid: Contact(email_hash=f"{cid:064d}", consent=True, customer_id=cid, attributes={}) for cid in ids}
    session.add_all(contacts.values())
    session.flush()
    return {cid: c.id for cid, c in contacts.items()}


def _arms(session, action_id: int) -> dict[int, str]:
    return dict(session.execute(select(ChurnActionMember.customer_id, ChurnActionMember.arm)
                                .where(ChurnActionMember.action_id == action_id)).all())


def _invited_contacts(session, wave_id: int) -> set[int]:
    return set(session.scalars(select(Invitation.contact_id).where(Invitation.wave_id == wave_id)))


def test_a_message_action_queues_invitations_for_the_treated_and_nothing_for_the_holdout(app_ctx, make_survey):
    survey_id = make_survey()["survey_id"]
    with app_ctx() as session:
        ids = plant_history(session, n=60)  # every third customer has no marketing consent
        contact_of = _with_contacts(session, ids)
        action = start_action(ids, name="재구매 안내", kind="message", org_unit_id=None, source="segment:휴면",
                              survey_id=survey_id, holdout_share=0.25)
        arms = _arms(session, action.id)
        treated = {contact_of[c] for c, arm in arms.items() if arm == "treated"}
        held_out = {contact_of[c] for c, arm in arms.items() if arm == "control"}
        assert len(treated) == 30 and len(held_out) == 10
        wave = session.get(Wave, action.wave_id)
        assert wave.survey_id == survey_id and wave.state == "open"
        assert _invited_contacts(session, wave.id) == treated
        queued = session.scalars(select(OutboxMessage.invitation_id).where(OutboxMessage.wave_id == wave.id)).all()
        assert len(queued) == 30
        plan = session.get(DistributionPlan, wave.id)
        assert plan.status == "running" and plan.audience["consent_purpose"] == "marketing"
        assert "{링크}" in plan.sms_text and "만족도 조사" not in plan.sms_text  # the message's own text
        no_marketing = set(session.scalars(select(Customer.id).where(Customer.consent_marketing.is_(False))))
        assert not {contact_of[c] for c in no_marketing} & _invited_contacts(session, wave.id)


def test_a_survey_action_needs_survey_consent_not_marketing(app_ctx, make_survey):
    survey_id = make_survey()["survey_id"]
    with app_ctx() as session:
        ids = plant_history(session, n=40)
        refused = set(ids[:4])
        for customer in session.scalars(select(Customer).where(Customer.id.in_(refused))):
            customer.consent_survey = False
        contact_of = _with_contacts(session, ids)
        action = start_action(ids, name="이탈 고객 설문", kind="survey", org_unit_id=None, source="worklist",
                              survey_id=survey_id)
        arms = _arms(session, action.id)
        assert set(arms) == set(ids) - refused  # no marketing consent needed, but no one who refused surveys
        treated = {contact_of[c] for c, arm in arms.items() if arm == "treated"}
        assert _invited_contacts(session, action.wave_id) == treated and len(treated) == 32


@pytest.mark.parametrize("survey_id", [None, 999_999])
def test_a_message_action_without_a_published_survey_is_refused_and_changes_nothing(app_ctx, survey_id):
    with app_ctx() as session:
        ids = plant_history(session, n=30)
        with pytest.raises(RetentionError, match="설문"):
            start_action(ids, name="x", kind="message", org_unit_id=None, source="worklist", survey_id=survey_id)
        assert session.scalar(select(func.count()).select_from(ChurnAction)) == 0
        assert session.scalar(select(func.count()).select_from(Invitation)) == 0
