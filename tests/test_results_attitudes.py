"""The 태도 세분 page: a wave's respondents clustered on their dimension scores, each segment profiled; too few
respondents are refused with a message.

Reference: two planted groups with opposite process/outcome answers; each segment's size and mean dimension
scores are checked against the hand values of the planted answers (100-point item scores: 5 → 100, 1 → 0).
"""
from __future__ import annotations

import numpy as np
import pytest

from tests.test_results_support import SMALL, add_response, seed_hand_wave

PASSWORD = "Results2026pass"


def planted_answers(per_group: int = 30) -> tuple[list[dict], list[dict]]:
    """Group A rates the process high and the outcome low, group B the reverse, each with a little spread."""
    a, b = [], []
    for n in range(per_group):
        x, y, z = n % 2, (n // 2) % 2, (n // 4) % 2
        a.append({"Q1": 5 - x, "Q2": 5 - y, "Q3": 5 - z, "Q4": 1 + x, "Q5": 3, "Q6": 8})
        b.append({"Q1": 1 + x, "Q2": 1 + y, "Q3": 1 + z, "Q4": 5 - x, "Q5": 3, "Q6": 8})
    return a, b


def hand_dimensions(rows: list[dict]) -> tuple[float, float]:
    """Mean process and outcome scores by hand: items (x - 1) / 4 x 100, Q3 reversed, items averaged."""
    score = lambda x: (x - 1) / 4 * 100  # noqa: E731
    process = np.mean([(score(r["Q1"]) + score(r["Q2"])) / 2 for r in rows])
    outcome = np.mean([(score(6 - r["Q3"]) + score(r["Q4"])) / 2 for r in rows])
    return float(process), float(outcome)


def _plant_two_attitudes(app_ctx, make_survey) -> int:
    from survey_app.models import Wave

    ids = make_survey(SMALL.to_dict(), code="RESULTS-ATT")
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        for answers in [row for pair in zip(*planted_answers(), strict=True) for row in pair]:
            add_response(session, wave, answers, hidden={"office_code": "P-A"})
        add_response(session, wave, {"Q1": 3}, hidden={"office_code": "P-A"})  # no outcome score: left out
    return ids["wave_id"]


def test_two_planted_attitudes_become_two_profiled_segments(app_ctx, make_survey):
    from survey_app.models import Wave
    from survey_app.results.attitudes import wave_attitudes

    wave_id = _plant_two_attitudes(app_ctx, make_survey)
    with app_ctx() as session:
        report = wave_attitudes(session.get(Wave, wave_id))
    assert report.k == 2 and report.used == 60 and report.left_out == 1
    assert report.stability == pytest.approx(1.0)
    assert report.dimensions[:2] == ("과정품질", "결과품질")
    by_process = sorted(report.profiles, key=lambda p: p.means[0])
    assert [p.size for p in by_process] == [30, 30]
    group_a, group_b = planted_answers()
    assert by_process[0].means[:2] == pytest.approx(hand_dimensions(group_b))
    assert by_process[1].means[:2] == pytest.approx(hand_dimensions(group_a))
    assert {name for name, _d in by_process[1].top} == {"과정품질", "결과품질"}
    everyone = hand_dimensions(group_a + group_b)
    assert dict(by_process[1].top)["과정품질"] == pytest.approx(hand_dimensions(group_a)[0] - everyone[0])


def test_the_page_shows_the_segments_and_refuses_too_few_respondents(app_ctx, client, make_user, make_survey,
                                                                    make_org):
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    wave_id = _plant_two_attitudes(app_ctx, make_survey)
    few = seed_hand_wave(app_ctx, make_survey, make_org)["wave_id"]
    user_id, _ = make_user("att_analyst", PASSWORD)
    with app_ctx() as session:
        grant_role(session.get(User, user_id), "analyst", None)
    assert client.post("/manage/login", data={"username": "att_analyst", "password": PASSWORD}).status_code == 302
    html = client.get(f"/manage/results/waves/{wave_id}/attitudes").get_data(as_text=True)
    assert '<th scope="row">세분 1</th>' in html and '<th scope="row">세분 2</th>' in html and "세분 3" not in html
    assert "과정품질" in html and "60명" in html
    refused = client.get(f"/manage/results/waves/{few}/attitudes")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "4명뿐이라 태도 세분을 나눌 수 없습니다" in text and "Traceback" not in text
    assert f"/manage/results/waves/{few}/attitudes" in client.get(f"/manage/results/waves/{few}").get_data(as_text=True)
