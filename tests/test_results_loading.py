"""Loading a wave's stored answers into arrays: matrix, NA codes, partial responses, segments, weights, counts."""
from __future__ import annotations

import numpy as np
import pytest

from survey_app.database import db as _db
from survey_app.results.loading import WaveData, _Filled, compact, load_answers, load_wave, response_counts
from tests.test_results_support import CODES, HAND_ROWS, SMALL, add_response, seed_hand_wave

NAN = np.nan
NA_CODED = ("Q1", "Q2", "Q3", "Q4", "Q5")  # agree5 has 9 = 모름/해당없음; on the NPS item 9 is a score


def _expected_matrix() -> np.ndarray:
    rows = []
    for answers, _office, _channel in HAND_ROWS:
        rows.append([NAN if answers.get(c) is None or (answers[c] == 9 and c in NA_CODED) else float(answers[c])
                     for c in CODES])
    return np.array(rows)


def test_matrix_has_complete_responses_only_with_na_codes_as_nan(app_ctx, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx():
        data = load_wave(ids["wave_id"], SMALL, CODES)
    assert data.codes == CODES
    assert data.response_ids.tolist() == ids["response_ids"]  # the partial response is not scored
    np.testing.assert_array_equal(data.values, _expected_matrix())
    assert np.isnan(data.values[1, 1]) and np.isnan(data.values[2, 2])  # 9 = 모름/해당없음
    assert data.weights is None


def test_default_columns_are_scored_items_then_segment_questions(app_ctx, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx():
        data = load_wave(ids["wave_id"], SMALL)
    assert data.codes == CODES  # Q8 (text, unscored) is not loaded; Q7 answers the age band
    np.testing.assert_array_equal(data.values, _expected_matrix())


def test_segments_come_from_hidden_values_and_the_age_band_question(app_ctx, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx():
        data = load_wave(ids["wave_id"], SMALL)
    office = data.segments["office_code"]
    assert office.levels == ("P-A", "P-B")
    assert office.codes.tolist() == [0, 0, 1, 1]
    assert data.segments["channel"].labels().tolist() == ["sms", "email", "sms", "email"]
    age = data.segments["age_band"]
    assert age.levels == ("30대 이하", "40대 이상")
    assert age.codes.tolist() == [0, 1, 0, -1]  # the fourth respondent did not answer
    assert "region" not in data.segments and "customer_type" not in data.segments
    units = ids["units"]
    assert data.units.tolist() == [units["P-A"], units["P-A"], units["P-B"], units["P-B"]]


def test_a_question_segment_keeps_the_questions_order_of_choices(app_ctx, make_survey, make_org):
    """Age bands read youngest to oldest as the question lists them ("만 29세 이하" sorts after "30대")."""
    from questionnaires import load_yaml
    from tests.test_results_support import SMALL_YAML

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    relabelled = load_yaml(SMALL_YAML.replace("30대 이하", "만 29세 이하").replace("40대 이상", "30대 이상"))
    with app_ctx():
        age = load_wave(ids["wave_id"], relabelled).segments["age_band"]
    assert age.levels == ("만 29세 이하", "30대 이상")
    assert age.codes.tolist() == [0, 1, 0, -1]


def test_response_counts_include_partial_responses_and_invitations(app_ctx, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx():
        counts = response_counts(ids["wave_id"])
        only_a = response_counts(ids["wave_id"], ["P-A"], [ids["units"]["P-A"]])
    assert (counts.invitations, counts.partial, counts.complete, counts.started) == (6, 1, 4, 5)
    assert counts.rate == pytest.approx(100 * 4 / 6)
    assert (only_a.partial, only_a.complete, only_a.invitations) == (1, 2, 0)
    assert only_a.rate is None


def test_open_link_responses_count_as_complete_but_not_in_the_response_rate(app_ctx, make_survey, make_org):
    from survey_app.models import Wave
    from tests.test_results_support import add_response

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        add_response(session, session.get(Wave, ids["wave_id"]), {"Q1": 4}, hidden={"office_code": "P-A"})
        counts = response_counts(ids["wave_id"])
    assert (counts.invitations, counts.complete, counts.invited_complete) == (6, 5, 4)
    assert counts.rate == pytest.approx(100 * 4 / 6)  # not 5 / 6: nobody was invited for the open-link answer


def test_weights_are_read_and_missing_ones_count_as_one(app_ctx, make_survey):
    from survey_app.models import Wave

    ids = make_survey(SMALL.to_dict())
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        add_response(session, wave, {"Q1": 5}, weight=2.5)
        add_response(session, wave, {"Q1": 4})
        data = load_wave(ids["wave_id"], SMALL)
    assert data.weights.tolist() == [2.5, 1.0]
    assert any("no weight" in w for w in data.warnings)


def test_answers_of_other_waves_and_other_positions_stay_out(app_ctx, make_survey):
    from survey_app.models import Answer, Wave

    first, second = make_survey(SMALL.to_dict()), make_survey(SMALL.to_dict())
    with app_ctx() as session:
        w1, w2 = session.get(Wave, first["wave_id"]), session.get(Wave, second["wave_id"])
        a = add_response(session, w1, {"Q1": 5})
        add_response(session, w2, {"Q1": 1, "Q2": 2})  # id between the first wave's responses
        b = add_response(session, w1, {"Q2": 3})
        session.add(Answer(response_id=b.id, question_code="Q1", position=1, value_num=4.0, choice="4"))
        session.flush()
        data = load_wave(first["wave_id"], SMALL, CODES)
    assert data.response_ids.tolist() == [a.id, b.id]
    np.testing.assert_array_equal(data.values[:, :2], [[5.0, NAN], [NAN, 3.0]])


def test_packed_postgresql_loader_equals_the_row_loader(app_ctx, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx():
        if _db.session.get_bind().dialect.name != "postgresql":
            pytest.skip("the packed loader is PostgreSQL's")
        data = load_wave(ids["wave_id"], SMALL, CODES, method="rows")
        packed = load_answers(ids["wave_id"], data.response_ids, CODES, method="packed", block=2)
        rows = load_answers(ids["wave_id"], data.response_ids, CODES, method="rows")
    np.testing.assert_array_equal(packed, rows)


def test_an_empty_wave_loads_as_empty_arrays(app_ctx, make_survey):
    ids = make_survey(SMALL.to_dict())
    with app_ctx():
        data = load_wave(ids["wave_id"], SMALL)
        counts = response_counts(ids["wave_id"])
    assert data.n == 0 and data.values.shape == (0, len(CODES)) and data.segments == {}
    assert (counts.invitations, counts.complete, counts.rate) == (0, 0, None)


def test_postgresql_blocks_of_responses_equal_the_streamed_rows(app_ctx, make_survey, make_org, monkeypatch):
    """Levels, weights (some missing), evaluated units, a hidden field read under another key, numbers and empty
    strings in the hidden values, Korean labels, and responses read in several blocks."""
    from questionnaires import load_yaml
    from survey_app.models import Wave
    from survey_app.results import loading
    from tests.test_results_support import SMALL_YAML

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        if _db.session.get_bind().dialect.name != "postgresql":
            pytest.skip("the block reader is PostgreSQL's")
        wave = session.get(Wave, ids["wave_id"])
        hiddens = [{"office_code": "P-A", "x_고객구분": "개인", "channel": 3}, {"office_code": "", "x_고객구분": "법인"},
                   {"region": "R-RES", "customer_type": "기업"}, {}]
        for i in range(40):
            add_response(session, wave, {"Q1": 1 + i % 5}, hidden=hiddens[i % 4], weight=None if i % 3 else 1.5 + i,
                         subject_org_unit_id=ids["units"]["P-B"] if i % 7 == 0 else None)
    questionnaire = load_yaml(SMALL_YAML.replace(
        "  - {code: channel, type: hidden}", "  - {code: channel, type: hidden}\n"
        "  - {code: customer_type, type: hidden, source: x_고객구분}"))
    sources = loading._hidden_sources(questionnaire)
    assert sources["customer_type"] == ("customer_type", "x_고객구분")
    monkeypatch.setattr(loading, "BLOCK", 7)
    with app_ctx():
        blocks = loading._responses_postgresql(ids["wave_id"], sources)
        streamed = loading._responses_streamed(ids["wave_id"], sources)
    assert len(blocks["ids"]) == 44
    for key in ("ids", "weight", "staff", "unit"):
        np.testing.assert_array_equal(blocks[key], streamed[key])
    for name in sources:
        got, want = blocks["hidden"][name], streamed["hidden"][name]
        assert [None if c < 0 else got[0][c] for c in got[1]] == [None if c < 0 else want[0][c] for c in want[1]], name
    assert set(blocks["hidden"]["customer_type"][0]) == {"개인", "법인", "기업"}
    assert "3" in blocks["hidden"]["channel"][0]


def test_the_matrix_is_held_as_float32_only_when_every_answer_is_exactly_one():
    likert = np.array([[1.0, NAN, 7.0], [5.0, 3.0, NAN]])
    narrow = compact(likert)
    assert narrow.dtype == np.float32
    np.testing.assert_array_equal(narrow.astype(np.float64), likert)
    amounts = np.array([[1.0, 0.1], [7.0, NAN]])  # 0.1 is no float32
    assert compact(amounts) is amounts


def test_float_columns_are_the_float64_columns_as_fancy_indexing_lays_them_out():
    values = np.array([[1.0, 2.0, 3.0], [4.0, NAN, 6.0]])
    data = WaveData(wave_id=1, codes=("A", "B", "C"), values=compact(values), response_ids=np.arange(2),
                    weights=None, segments={}, staff=np.full(2, -1), units=np.full(2, -1))
    found, expected = data.float_columns([2, 1]), values[:, [2, 1]]
    assert found.dtype == np.float64 and found.strides == expected.strides
    np.testing.assert_array_equal(found, expected)
    assert data.column("B").dtype == np.float64


def test_response_columns_grow_when_more_responses_come_than_were_counted():
    filled = _Filled(2, ("ids", "weight"))
    filled.add({"ids": [5, 3], "weight": [1.0, NAN]})
    filled.add({"ids": [9], "weight": [2.0]})
    parts = filled.parts()
    assert parts["ids"][0].tolist() == [5, 3, 9]
    np.testing.assert_array_equal(parts["weight"][0], [1.0, NAN, 2.0])
