"""A wave's result from the database: trend across waves with wave_change, and results limited to a viewer's units."""
from __future__ import annotations

from datetime import timedelta

import pytest

from analysis import compare
from survey_app.results.build import survey_trend, wave_result
from tests.test_results_support import SMALL, add_response, seed_hand_wave


def _second_wave(app_ctx, ids) -> int:
    """A later wave of the same survey where everyone answered one point higher on Q1 and Q4."""
    from survey_app.models import Survey, Wave, utcnow

    with app_ctx() as session:
        survey = session.get(Survey, ids["survey_id"])
        first = session.get(Wave, ids["wave_id"])
        first.opens_at = utcnow() - timedelta(days=90)
        wave = Wave(code="W-RESULTS-2", name="2차", survey=survey, version=first.version, state="open",
                    opens_at=utcnow() - timedelta(days=1))
        session.add(wave)
        session.flush()
        for q1, q4, office in ((5, 5, "P-A"), (4, 5, "P-A"), (5, 4, "P-B"), (3, 3, "P-B"), (5, 5, "P-B")):
            add_response(session, wave, {"Q1": q1, "Q2": 4, "Q3": 2, "Q4": q4, "Q5": 4, "Q6": 9},
                         hidden={"office_code": office})
        return wave.id


def test_trend_has_every_wave_with_its_change_from_the_one_before(app_ctx, make_survey, make_org):
    from survey_app.models import Survey, Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    second = _second_wave(app_ctx, ids)
    with app_ctx() as session:
        first_result = wave_result(session.get(Wave, ids["wave_id"]))
        result = wave_result(session.get(Wave, second))
        whole = survey_trend(session.get(Survey, ids["survey_id"]))
    assert [p.wave_id for p in result.trend] == [ids["wave_id"], second]
    assert [p.n for p in result.trend] == [4, 5]
    assert result.trend[0].score == first_result.headline and result.trend[1].score == result.headline
    from analysis import Estimate

    def est(fig):
        return Estimate(value=fig.value, se=fig.se, ci=(fig.ci_low, fig.ci_high), n=fig.n,
                        weighted_n=fig.weighted_n, statistic="mean")

    ref = compare.wave_change(est(result.headline), est(first_result.headline))
    change = result.trend[1].change
    assert change.difference == pytest.approx(ref.estimate) and change.pvalue == pytest.approx(ref.pvalue)
    assert change.se == pytest.approx(ref.se)
    assert [p.wave_id for p in first_result.trend] == [ids["wave_id"]]  # a wave's trend stops at the wave
    assert [p.wave_id for p in whole] == [ids["wave_id"], second]


def test_a_viewer_limited_to_one_office_gets_that_offices_numbers_only(app_ctx, make_survey, make_org):
    from survey_app.models import Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        everyone = wave_result(wave)
        office_a = wave_result(wave, units={ids["units"]["P-A"]})
    assert everyone.n == 4 and everyone.restricted_to is None
    assert office_a.n == 2 and office_a.restricted_to == ("P-A",)
    assert office_a.response_rate.complete == 2 and office_a.response_rate.partial == 1
    assert all(t.segment != "office_code" for t in office_a.segments)  # one office: nothing to compare
    assert office_a.headline.value != pytest.approx(everyone.headline.value)
    assert office_a.trend[0].n == 2


def test_responses_without_a_unit_belong_to_the_surveys_unit(app_ctx, make_survey, make_org):
    from survey_app.models import OrgLevel, Wave

    unit = make_org("P-OWN", "자체우체국", OrgLevel.OFFICE)
    other = make_org("P-ELSE", "다른우체국", OrgLevel.OFFICE)
    ids = make_survey(SMALL.to_dict(), org_unit_id=unit)
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        for q1 in (5, 4, 3):
            add_response(session, wave, {"Q1": q1, "Q2": 3, "Q3": 3, "Q4": 3, "Q5": 3})
        own = wave_result(wave, units={unit})
        elsewhere = wave_result(wave, units={other})
    assert own.n == 3 and elsewhere.n == 0 and elsewhere.headline is None


def test_a_courtesy_wave_ranks_the_evaluated_staff(app_ctx, make_survey, make_org):
    from questionnaires import load_template
    from survey_app.models import OrgLevel, StaffMember, Wave

    region = make_org("R-CRT", "친절지방청", OrgLevel.REGIONAL)
    office = make_org("P-CRT", "친절우체국", OrgLevel.OFFICE, "R-CRT")
    ids = make_survey(load_template("staff_courtesy").to_dict(), kind="staff_courtesy")
    with app_ctx() as session:
        staff = StaffMember(employee_no="E-CRT-1", name="최친절", org_unit_id=office)
        session.add(staff)
        session.flush()
        wave = session.get(Wave, ids["wave_id"])
        for level in (5, 4, 5):
            answers = {"E1": 1, **{c: level for c in ("C1_1", "C1_2", "C2_1", "C2_2", "C2_3", "C2_4", "C3_1",
                                                        "C3_2", "C4")}}
            add_response(session, wave, answers, subject_staff_id=staff.id)
        result = wave_result(wave)
    counter = result.courtesy[0]
    assert counter.code == "counter" and counter.n == 3
    # level 5 earns every point, level 4 three quarters (template: points x (level - 1) / 4)
    assert counter.score.value == pytest.approx((100 + 75 + 100) / 3)
    assert [(r.name, r.rank) for r in counter.rankings["staff"]] == [("최친절", 1)]
    assert counter.rankings["unit"][0].name == "친절우체국" and counter.rankings["region"][0].unit_id == region
    assert result.headline_code == "courtesy"
