"""Customer segments as a wave's audience: an RFM segment or a churn-risk band of the newest usable run; only
the segment's contacts whose customer consents to surveys get an invitation (and an outbox message)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from survey_app.distribution.fielding import open_wave
from survey_app.models import (
    AudienceSkip,
    ChurnRun,
    ChurnScore,
    Contact,
    Customer,
    DistributionPlan,
    Invitation,
    OutboxMessage,
    utcnow,
)
from tests.distribution_support import plan_wave

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def plant_scored_customers(session, *, status: str = "ok") -> dict[str, list[int]]:
    """Eight customers scored by one run, each with a contact: four 핵심 고객 at low risk (one withdrew survey
    consent, one was erased), four 휴면 at high risk; plus a contact of nobody. Returns contact ids by group."""
    run = ChurnRun(cutoff=date(2026, 11, 1), method="logistic", horizon_days=180, status=status)
    session.add(run)
    session.flush()
    groups: dict[str, list[int]] = {"core_ok": [], "core_refused": [], "dormant": [], "nobody": []}
    for i in range(8):
        core = i < 4
        customer = Customer(external_id=f"AUD{i}", kind="person", is_stub=False,
                            consent_survey=False if i == 1 else None,
                            anonymised_at=NOW if i == 2 else None)
        session.add(customer)
        session.flush()
        session.add(ChurnScore(run_id=run.id, customer_id=customer.id, risk=0.1 if core else 0.7,
                               segment="핵심 고객" if core else "휴면", reasons={"items": []}))
        contact = Contact(email_hash=f"h{i:062d}", consent=True, customer_id=customer.id, attributes={})
        session.add(contact)
        session.flush()
        groups["core_refused" if i in (1, 2) else "core_ok" if core else "dormant"].append(contact.id)
    stranger = Contact(email_hash="s" * 64, consent=True, attributes={})
    session.add(stranger)
    session.flush()
    groups["nobody"].append(stranger.id)
    return groups


def _open(app_ctx, wave_id: int, audience: dict) -> None:
    plan_wave(app_ctx, wave_id, audience=audience)
    with app_ctx() as session:
        open_wave(session.get(DistributionPlan, wave_id), utcnow())


def _invited(session, wave_id: int) -> set[int]:
    return set(session.scalars(select(Invitation.contact_id).where(Invitation.wave_id == wave_id)))


def test_a_wave_from_an_rfm_segment_invites_only_its_consenting_members(app_ctx, make_survey):
    with app_ctx() as session:
        groups = plant_scored_customers(session)
    wave_id = make_survey()["wave_id"]
    _open(app_ctx, wave_id, {"customer_segment": "rfm:핵심 고객"})
    with app_ctx() as session:
        assert _invited(session, wave_id) == set(groups["core_ok"])
        skipped = dict(session.execute(select(AudienceSkip.contact_id, AudienceSkip.reason)
                                       .where(AudienceSkip.wave_id == wave_id)).all())
        assert skipped == {cid: "invalid" for cid in groups["core_refused"]}
        queued = session.scalars(select(OutboxMessage.invitation_id).where(OutboxMessage.wave_id == wave_id)).all()
        assert len(queued) == len(groups["core_ok"])


def test_a_wave_from_a_risk_band_reaches_that_band_only(app_ctx, make_survey):
    with app_ctx() as session:
        groups = plant_scored_customers(session)
    wave_id = make_survey()["wave_id"]
    _open(app_ctx, wave_id, {"customer_segment": "risk:high"})
    with app_ctx() as session:
        assert _invited(session, wave_id) == set(groups["dormant"])


def test_a_run_that_lost_to_the_baselines_gives_no_segment_members(app_ctx, make_survey):
    with app_ctx() as session:
        plant_scored_customers(session, status="refused")
    wave_id = make_survey()["wave_id"]
    _open(app_ctx, wave_id, {"customer_segment": "rfm:핵심 고객"})
    with app_ctx() as session:
        assert _invited(session, wave_id) == set()


def test_the_plan_form_refuses_a_segment_while_no_run_is_usable(app_ctx):
    from survey_app.distribution.plan_form import _customer_segment
    from survey_app.distribution.plans import PlanError

    with app_ctx():
        with pytest.raises(PlanError, match="이탈 예측"):
            _customer_segment("rfm:핵심 고객")
        with pytest.raises(PlanError, match="목록에서"):
            _customer_segment("rfm:없는 세분")
