"""A refused operation changes nothing: the request boundary commits whatever a view leaves changed,
so every operation checks before it writes."""
from __future__ import annotations

from datetime import timedelta

from survey_app.models import DistributionPlan, PlanStatus, Wave, WaveState, utcnow
from tests.designer_support import staff
from tests.distribution_support import plan_wave


def test_scheduling_a_closed_wave_is_refused_and_leaves_the_plan_a_draft(app, app_ctx, client, make_survey, make_user):
    ids = make_survey()
    plan_wave(app_ctx, ids["wave_id"], opens_in=timedelta(days=1), schedule=False)
    with app_ctx() as session:
        session.get(Wave, ids["wave_id"]).state = WaveState.CLOSED
    staff(make_user, app_ctx, client, role="admin")

    answer = client.post(f"/manage/distribution/waves/{ids['wave_id']}/schedule", follow_redirects=True)

    assert "마감된 차수입니다." in answer.get_data(as_text=True)
    with app_ctx() as session:
        assert session.get(DistributionPlan, ids["wave_id"]).status == PlanStatus.DRAFT
        assert session.get(Wave, ids["wave_id"]).state == WaveState.CLOSED


def test_a_refused_schedule_gives_the_scheduler_nothing_to_reopen(app, app_ctx, client, make_survey, make_user):
    from survey_app.distribution.fielding import run_tick

    ids = make_survey()
    plan_wave(app_ctx, ids["wave_id"], opens_in=timedelta(days=1), schedule=False)
    with app_ctx() as session:
        session.get(Wave, ids["wave_id"]).state = WaveState.CLOSED
    staff(make_user, app_ctx, client, role="admin")
    client.post(f"/manage/distribution/waves/{ids['wave_id']}/schedule")

    with app_ctx():
        run_tick(utcnow() + timedelta(days=2))
    with app_ctx() as session:
        assert session.get(Wave, ids["wave_id"]).state == WaveState.CLOSED
