"""A wave's lifecycle is defined once, on the model: the same answer in Python and in a query."""
from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import select

from survey_app.models import Wave, WaveState, WaveStateError, utcnow

NOW = utcnow()
TIMES = [None, NOW - timedelta(days=1), NOW + timedelta(days=1)]


def test_open_and_closed_agree_in_python_and_in_queries(app_ctx, make_survey):
    ids = make_survey()
    with app_ctx() as session:
        survey_wave = session.get(Wave, ids["wave_id"])
        made = []
        for n, (state, opens, closes) in enumerate(product(list(WaveState), TIMES, TIMES)):
            wave = Wave(code=f"LC-{n}", name="생애", survey_id=survey_wave.survey_id, version_id=survey_wave.version_id,
                        state=state, opens_at=opens, closes_at=closes)
            session.add(wave)
            made.append(wave)
        session.flush()
        codes = {w.code for w in made}
        in_sql_open = set(session.scalars(select(Wave.code).where(Wave.is_open_at(NOW)))) & codes
        in_sql_closed = set(session.scalars(select(Wave.code).where(Wave.is_closed_at(NOW)))) & codes
        assert in_sql_open == {w.code for w in made if w.is_open_at(NOW)}
        assert in_sql_closed == {w.code for w in made if w.is_closed_at(NOW)}
        assert not in_sql_open & in_sql_closed
        assert set(session.scalars(select(Wave.code).where(Wave.is_open))) & codes == in_sql_open


@pytest.mark.parametrize("state, opens, closes, expected", [
    (WaveState.OPEN, None, None, "open"),
    (WaveState.SCHEDULED, None, None, "not open"),  # waits for the scheduler
    (WaveState.SCHEDULED, -1, None, "open"),  # start time reached before the scheduler's tick
    (WaveState.OPEN, 1, None, "not open"),
    (WaveState.OPEN, None, -1, "closed"),  # past its close time before the scheduler closed it
    (WaveState.CLOSED, None, 1, "closed"),
])
def test_the_lifecycle_follows_state_and_schedule(state, opens, closes, expected):
    at = lambda days: None if days is None else NOW + timedelta(days=days)  # noqa: E731
    wave = Wave(state=state, opens_at=at(opens), closes_at=at(closes))
    found = "closed" if wave.is_closed_at(NOW) else "open" if wave.is_open_at(NOW) else "not open"
    assert found == expected


def test_a_closed_wave_is_never_reopened_and_closing_twice_changes_nothing():
    wave = Wave(code="W", state=WaveState.SCHEDULED)
    wave.open()
    assert wave.state == WaveState.OPEN
    wave.open()
    wave.close()
    wave.close()
    assert wave.state == WaveState.CLOSED
    with pytest.raises(WaveStateError):
        wave.open()
    assert wave.state == WaveState.CLOSED


def test_a_plan_scheduled_for_a_closed_wave_is_cancelled_by_the_scheduler_not_reopened(app_ctx, make_survey):
    from survey_app.distribution.fielding import run_tick
    from survey_app.models import DistributionPlan, PlanStatus
    from tests.distribution_support import plan_wave

    ids = make_survey()
    plan_wave(app_ctx, ids["wave_id"])  # scheduled, as the old refusal left it
    with app_ctx() as session:
        session.get(Wave, ids["wave_id"]).state = WaveState.CLOSED
    with app_ctx():
        assert run_tick() == [f"{ids['wave_code']}: cancelled: wave closed"]
    with app_ctx() as session:
        assert session.get(Wave, ids["wave_id"]).state == WaveState.CLOSED
        assert session.get(DistributionPlan, ids["wave_id"]).status == PlanStatus.CANCELLED


def test_no_message_goes_out_for_a_wave_past_its_close_time_even_before_the_scheduler_closes_it():
    from survey_app.distribution.compose import _skip_reason
    from survey_app.models import Contact, Invitation, MessageKind, OutboxMessage

    wave = Wave(state=WaveState.OPEN, closes_at=NOW - timedelta(minutes=1))
    invitation = Invitation(wave=wave)
    reason = _skip_reason(OutboxMessage(kind=MessageKind.INVITATION), invitation, Contact(), completed=False)
    assert reason == "차수가 마감되었습니다 (wave closed)"
    wave.closes_at = NOW + timedelta(days=1)
    assert _skip_reason(OutboxMessage(kind=MessageKind.INVITATION), invitation, Contact(), completed=False) is None
