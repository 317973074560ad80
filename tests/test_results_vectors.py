"""Packed answer vectors: the results job packs complete responses, loading reads them, and every number stays
the one the long form gives; a changed answer drops its response's vector (triggers of migration 0022).

The reference is the long form itself: ``load_wave(..., method="rows")`` (and on PostgreSQL ``"packed"``) reads
``answers`` only, never a vector.
"""
from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import delete, func, select, update

from survey_app.results import build, loading, stored, vectors
from survey_app.results.loading import load_wave
from tests.test_results_support import CODES, SMALL, add_response, seed_hand_wave


def _vector_count(session, wave_id: int) -> int:
    from survey_app.models import AnswerVector

    return session.scalar(select(func.count()).select_from(AnswerVector).where(AnswerVector.wave_id == wave_id))


def _same_wave(a, b) -> None:
    np.testing.assert_array_equal(a.values, b.values)
    assert a.response_ids.tolist() == b.response_ids.tolist()
    assert a.codes == b.codes
    assert {k: (s.levels, s.codes.tolist()) for k, s in a.segments.items()} == \
        {k: (s.levels, s.codes.tolist()) for k, s in b.segments.items()}


def _long_form(wave_id: int, codes=None):
    return load_wave(wave_id, SMALL, codes, method="rows")


def test_packed_vectors_load_the_same_matrix_as_the_long_form(app_ctx, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        reference = _long_form(ids["wave_id"])
        assert vectors.pack_new(ids["wave_id"], SMALL) == 4  # the partial response is not packed
        assert _vector_count(session, ids["wave_id"]) == 4
        assert vectors.pack_new(ids["wave_id"], SMALL) == 0  # nothing new since
    with app_ctx():
        packed = load_wave(ids["wave_id"], SMALL)
        _same_wave(packed, reference)
        assert np.isnan(packed.values[1, 1])  # 9 = 모름/해당없음 still becomes NaN
        subset = load_wave(ids["wave_id"], SMALL, ["Q7", "Q6", "Q2"])
        np.testing.assert_array_equal(subset.values, _long_form(ids["wave_id"], ["Q7", "Q6", "Q2"]).values)


def test_vectors_hold_raw_answers_with_nan_for_no_answer(app_ctx, make_survey, make_org):
    from survey_app.models import AnswerVector

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        vectors.pack_new(ids["wave_id"], SMALL)
        fourth = session.get(AnswerVector, ids["response_ids"][3]).packed
        second = session.get(AnswerVector, ids["response_ids"][1]).packed
    assert np.frombuffer(second, dtype="<f8").tolist() == [3.0, 9.0, 2.0, 4.0, 4.0, 9.0, 2.0]
    values = np.frombuffer(fourth, dtype="<f8")
    assert values[:6].tolist() == [2.0, 3.0, 4.0, 2.0, 2.0, 3.0] and np.isnan(values[6])  # Q7 not answered


def test_responses_completed_after_packing_are_read_from_the_long_form(app_ctx, make_survey, make_org):
    from survey_app.models import Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        vectors.pack_new(ids["wave_id"], SMALL)
        add_response(session, session.get(Wave, ids["wave_id"]), {"Q1": 1, "Q2": 5, "Q6": 0, "Q7": 2},
                     hidden={"office_code": "P-B"})
    with app_ctx() as session:
        mixed = load_wave(ids["wave_id"], SMALL)
        assert mixed.n == 5 and mixed.values[4, :2].tolist() == [1.0, 5.0]
        _same_wave(mixed, _long_form(ids["wave_id"]))
        assert vectors.pack_new(ids["wave_id"], SMALL) == 1 and _vector_count(session, ids["wave_id"]) == 5


@pytest.mark.parametrize("change", ["update", "delete", "insert"])
def test_a_changed_answer_drops_its_responses_vector(app_ctx, make_survey, make_org, change):
    from survey_app.models import Answer, AnswerVector

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    first, second = ids["response_ids"][:2]
    with app_ctx() as session:
        vectors.pack_new(ids["wave_id"], SMALL)
    with app_ctx() as session:
        if change == "update":
            session.execute(update(Answer).where(Answer.response_id == first, Answer.question_code == "Q1")
                            .values(value_num=1.0))
        elif change == "delete":
            session.execute(delete(Answer).where(Answer.response_id == first, Answer.question_code == "Q1"))
        else:
            session.add(Answer(response_id=first, question_code="Q7", position=1, value_num=2.0))
    with app_ctx() as session:
        assert session.get(AnswerVector, first) is None
        assert session.get(AnswerVector, second) is not None  # the other responses keep theirs
        _same_wave(load_wave(ids["wave_id"], SMALL), _long_form(ids["wave_id"]))
        first_q1 = load_wave(ids["wave_id"], SMALL).values[0, 0]
        if change == "update":
            assert first_q1 == 1.0
        elif change == "delete":
            assert np.isnan(first_q1)
        assert vectors.pack_new(ids["wave_id"], SMALL) == 1


def test_a_new_layout_replaces_the_old_vectors(app_ctx, make_survey, make_org):
    from questionnaires import load_yaml
    from survey_app.models import AnswerVector
    from tests.test_results_support import SMALL_YAML

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    without_nps = load_yaml(SMALL_YAML.replace("      - {code: Q6, type: nps, text: {ko: 추천}, scoring: {kpi: nps}}\n", "")
                            )
    with app_ctx() as session:
        vectors.pack_new(ids["wave_id"], SMALL)
        assert vectors.pack_new(ids["wave_id"], without_nps) == 4
        layouts = set(session.scalars(select(AnswerVector.layout).where(AnswerVector.wave_id == ids["wave_id"])))
        assert layouts == {loading.layout_of(["Q1", "Q2", "Q3", "Q4", "Q5", "Q7"])}
        np.testing.assert_array_equal(load_wave(ids["wave_id"], without_nps).values,
                                      load_wave(ids["wave_id"], without_nps, method="rows").values)


def test_deleting_a_response_deletes_its_vector(app_ctx, make_survey, make_org):
    from survey_app.models import AnswerVector, Response

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        vectors.pack_new(ids["wave_id"], SMALL)
        session.execute(delete(Response).where(Response.id == ids["response_ids"][0]))
    with app_ctx() as session:
        assert session.get(AnswerVector, ids["response_ids"][0]) is None
        assert _vector_count(session, ids["wave_id"]) == 3


def test_the_job_packs_then_stores_a_result_identical_to_the_long_forms(app, app_ctx, make_survey, make_org,
                                                                         monkeypatch):
    from survey_app.models import AnswerVector, Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    monkeypatch.setitem(app.config, "RESULTS_INLINE_MAX_RESPONSES", 0)  # every wave counts as large
    with app_ctx() as session:
        assert stored.served_result(session.get(Wave, ids["wave_id"])).result is None  # requested
        assert stored.refresh_stale() == [f"{session.get(Wave, ids['wave_id']).code}: 4건 다시 계산"]
    with app_ctx() as session:
        assert _vector_count(session, ids["wave_id"]) == 4
        served = stored.served_result(session.get(Wave, ids["wave_id"])).result
        session.execute(delete(AnswerVector))
        fresh = build.wave_result(session.get(Wave, ids["wave_id"]))  # from the long form alone
    left, right = served.to_dict(), fresh.to_dict()
    left.pop("generated_at"), right.pop("generated_at")
    assert left == right


def test_copy_records_are_what_postgresql_reads(database_url, app_ctx, make_survey, make_org, monkeypatch):
    """On PostgreSQL the vectors are written with binary COPY and read a block at a time: a larger wave, written
    in several COPYs and read in several blocks."""
    from survey_app.models import Wave

    if not database_url.startswith("postgresql"):
        pytest.skip("binary COPY is PostgreSQL's")
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    rng = np.random.default_rng(7)
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        for _ in range(300):
            answers = {code: int(v) for code, v in zip(CODES, rng.integers(1, 6, len(CODES)), strict=True)}
            add_response(session, wave, answers, hidden={"office_code": "P-A"})
    with app_ctx():
        assert vectors.pack_new(ids["wave_id"], SMALL, chunk=64) == 304
        monkeypatch.setattr(loading, "BLOCK", 50)  # several blocks
        packed = load_wave(ids["wave_id"], SMALL)
        _same_wave(packed, load_wave(ids["wave_id"], SMALL, method="packed"))
        assert packed.n == 304


def test_packing_that_another_process_did_first_leaves_the_stored_result(app, app_ctx, make_survey, make_org,
                                                                          monkeypatch):
    """Two recomputes at once (the scheduler and the command line): the second one's vectors collide with the
    first's; its stored result stays and the job goes on."""
    from survey_app.models import StoredResult, Wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx():
        vectors.pack_new(ids["wave_id"], SMALL)
    packed = np.array(ids["response_ids"], dtype=np.int64)
    monkeypatch.setattr(vectors, "_unpacked_ids", lambda wave_id, layout: packed)  # as if not packed yet
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        result = stored.recompute(wave, None, 0.95, stored.current_mark(wave)[0])
    with app_ctx() as session:
        assert result.n == 4 and _vector_count(session, ids["wave_id"]) == 4
        assert session.query(StoredResult).filter_by(wave_id=ids["wave_id"], kind="full").one().payload
