"""``survey-app report WAVE [--json]``: the full scoring result on the command line."""
from __future__ import annotations

import json

import pytest

from tests.test_results_support import seed_hand_wave


def test_report_json_is_the_full_wave_result(runner, app_ctx, make_survey, make_org):
    from survey_app.models import Wave
    from survey_app.results.build import wave_result

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    answer = runner.invoke(args=["report", ids["wave_code"], "--json"])
    assert answer.exit_code == 0, answer.output
    data = json.loads(answer.output)
    with app_ctx() as session:
        expected = wave_result(session.get(Wave, ids["wave_id"])).to_dict()
    assert data["headline"] == expected["headline"]
    assert data["indices"] == expected["indices"] and data["segments"] == expected["segments"]
    assert data["wave"]["code"] == ids["wave_code"] and data["n"] == 4
    assert data["kpis"]["nps"]["score"]["value"] == pytest.approx(0.0)
    assert data["response_rate"]["partial"] == 1


def test_report_without_json_prints_readable_tables(runner, app_ctx, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    answer = runner.invoke(args=["report", ids["wave_code"]])
    assert answer.exit_code == 0, answer.output
    text = answer.output
    assert "응답률 66.7%" in text and "초대 6" in text and "완료 4" in text
    assert "대표 지표 (csi): 61.2 (" in text  # 0.3 x 56.25 + 0.3 x 64.58 + 0.4 x 62.5 = 61.25
    assert "과정품질" in text and "가우체국" in text


def test_report_of_an_unknown_wave_says_so(runner):
    answer = runner.invoke(args=["report", "NO-SUCH-WAVE"])
    assert answer.exit_code != 0
    assert "NO-SUCH-WAVE" in answer.output and "survey-app waves" in answer.output
    assert "Traceback" not in answer.output
