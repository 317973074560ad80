"""Churn runs are stored with their backtest; actions randomise a recorded holdout; the uplift is measured
after the window on orders only."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey_app.models import AuditEvent, ChurnActionMember, ChurnRun, ChurnScore, Customer, Order
from survey_app.retention.operations import RetentionError, action_outcome, start_action, store_churn_run
from tests.retention_support import plant_history


def _arms(session, action_id):
    return dict(session.execute(select(ChurnActionMember.customer_id, ChurnActionMember.arm)
                                .where(ChurnActionMember.action_id == action_id)).all())


def test_a_run_keeps_its_backtest_and_scores_only_when_it_beats_the_baselines(app_ctx):
    with app_ctx() as session:
        plant_history(session, n=900)
        run = store_churn_run()
        assert run.status == "ok", run.message
        figures = run.backtest
        assert figures["model"]["roc_auc"] > figures["recency"]["roc_auc"] > 0.5
        assert len(figures["model"]["calibration"]) == 10
        assert run.scored == session.scalar(select(func.count()).select_from(ChurnScore).where(ChurnScore.run_id == run.id))
        assert run.scored > 100


def test_a_run_without_enough_data_fails_with_a_message(app_ctx):
    with app_ctx() as session:
        plant_history(session, n=3)
        run = store_churn_run()
        assert run.status == "failed" and run.message and not run.shows_scores
        assert session.scalar(select(func.count()).select_from(ChurnScore)) == 0


def test_holdout_is_random_and_recorded(app_ctx):
    with app_ctx() as session:
        ids = plant_history(session, n=200)
        first = start_action(ids, name="해피콜 1", kind="callback", org_unit_id=None, source="worklist")
        second = start_action(ids, name="해피콜 2", kind="callback", org_unit_id=None, source="worklist")
        a, b = _arms(session, first.id), _arms(session, second.id)
        assert list(a.values()).count("control") == 20 and len(a) == 200
        assert a != b  # a fresh random draw each time
        assert first.seed != second.seed
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "churn.action_start")
                                .order_by(AuditEvent.id.desc())).first()
        assert event.details["seed"] == second.seed and event.details["control"] == 20


def test_a_message_action_only_reaches_customers_who_agreed_to_marketing(app_ctx, make_survey):
    survey_id = make_survey()["survey_id"]
    with app_ctx() as session:
        ids = plant_history(session, n=60)  # every third customer has no marketing consent
        action = start_action(ids, name="재구매 안내", kind="message", org_unit_id=None, source="segment:휴면",
                              survey_id=survey_id)
        members = _arms(session, action.id)
        consenting = set(session.scalars(select(Customer.id).where(Customer.id.in_(ids),
                                                                   Customer.consent_marketing.is_(True))))
        assert set(members) == consenting and len(members) == 40


def test_bad_actions_are_refused_before_anything_changes(app_ctx):
    with app_ctx() as session:
        ids = plant_history(session, n=4)
        with pytest.raises(RetentionError, match="비교군"):
            start_action(ids, name="x", kind="callback", org_unit_id=None, source="worklist", holdout_share=0.1)
        with pytest.raises(RetentionError, match="비율"):
            start_action(ids, name="x", kind="callback", org_unit_id=None, source="worklist", holdout_share=0.9)
        assert session.scalar(select(func.count()).select_from(ChurnActionMember)) == 0


def test_uplift_after_the_window_counts_orders_in_it(app_ctx):
    with app_ctx() as session:
        ids = plant_history(session, n=50, prefix="U")
        start = date(2027, 1, 4)
        action = start_action(ids, name="해피콜", kind="callback", org_unit_id=None, source="worklist",
                              holdout_share=0.2, window_days=30, today=start)
        arms = _arms(session, action.id)
        treated = [c for c, arm in arms.items() if arm == "treated"]
        control = [c for c, arm in arms.items() if arm == "control"]
        inside = datetime(2027, 1, 10, 3, tzinfo=UTC)
        buyers = treated[:30] + control[:5]
        for n, cid in enumerate(buyers):
            session.add(Order(external_id=f"W{n}", customer_id=cid, ordered_at=inside, amount=10_000))
        session.add(Order(external_id="late", customer_id=control[5], ordered_at=inside + timedelta(days=60),
                          amount=10_000))  # after the window: not retained by it
        session.flush()
        assert action_outcome(action, today=date(2027, 2, 1)) is None  # the window has not passed
        result = action_outcome(action, today=date(2027, 2, 10))
        assert (result.treated_n, result.treated_retained, result.control_n, result.control_retained) == (40, 30, 10, 5)
        assert result.difference == pytest.approx(0.75 - 0.5)
        assert result.ci[0] < result.difference < result.ci[1]


def test_the_scheduler_runs_churn_monthly(app):
    from survey_app.distribution.scheduler import CHURN_JOB, build_scheduler

    job = build_scheduler(app, 60).get_job(CHURN_JOB)
    assert job is not None and "day='2'" in str(job.trigger) and "hour='4'" in str(job.trigger)


def test_the_monthly_job_stores_a_run(app_ctx):
    from survey_app.retention.jobs import run_monthly_churn

    with app_ctx() as session:
        plant_history(session, n=900)
        lines = run_monthly_churn()
        run = session.scalars(select(ChurnRun).order_by(ChurnRun.id.desc())).first()
    assert run.status == "ok" and f"churn run {run.id}: ok" in lines[0] and run.scored > 0


def test_a_customer_page_can_read_the_latest_usable_score(app_ctx):
    from survey_app.retention.queries import customer_churn

    with app_ctx() as session:
        ids = plant_history(session, n=900)
        assert customer_churn(ids[0]) is None
        run = store_churn_run()
        scored = session.scalars(select(ChurnScore).where(ChurnScore.run_id == run.id).limit(1)).one()
        found = customer_churn(scored.customer_id)
        assert found.risk == scored.risk and found.segment == scored.segment and found.cutoff == run.cutoff
        session.add(ChurnRun(method="logistic", horizon_days=180, status="refused", backtest={}, warnings={}))
        session.flush()
        assert customer_churn(scored.customer_id).risk == scored.risk  # a refused run changes nothing


def test_a_call_back_action_opens_one_voc_case_per_treated_customer_and_none_for_the_control(app_ctx):
    """Call-backs are VOC cases (deadline, queue of the customer's office, timeline); the control gets nothing."""
    from survey_app.models import Case, ChurnActionMember

    with app_ctx() as session:
        ids = plant_history(session, n=50)
        action = start_action(ids, name="해피콜", kind="callback", org_unit_id=None, source="worklist")
        members = session.scalars(select(ChurnActionMember).where(ChurnActionMember.action_id == action.id)).all()
        treated = {m.customer_id: m.case_id for m in members if m.arm == "treated"}
        control = [m for m in members if m.arm == "control"]
        cases = {c.id: c for c in session.scalars(select(Case).where(Case.source == "retention"))}
        assert len(cases) == len(treated) == 45 and set(treated.values()) == set(cases)
        assert all(cases[case_id].customer_id == cid for cid, case_id in treated.items())
        assert all(m.case_id is None for m in control) and not {m.customer_id for m in control} & {
            c.customer_id for c in cases.values()}
        assert all(c.status == "received" and c.due_on > c.received_on for c in cases.values())
