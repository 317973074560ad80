"""The stored VOC report gives the same figures after its speed work: ``wave_voc`` on a fixed two-wave fixture
(three offices, texts from the seed corpus) equals the report the earlier implementation gave (computed by it
before the change and kept in ``tests/fixtures/voc_report_golden.json``): themes, counts, shares, quotes, terms,
log-odds z per office, emerging words with their p and q, sentiment."""
from __future__ import annotations

import dataclasses
import json
import math
import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.test_results_support import SMALL, add_response

GOLDEN = Path(__file__).parent / "fixtures" / "voc_report_golden.json"
OFFICES = {"P-GA": "가우체국", "P-GB": "나우체국", "P-GC": "다우체국"}


def _texts(n: int, seed: int) -> list[str]:
    from analysis.text import load_corpus

    sentences = [c.text for c in load_corpus()]
    rng = random.Random(seed)
    return [" ".join(rng.choice(sentences) for _ in range(rng.choice((1, 1, 2)))) for _ in range(n)]


@pytest.fixture
def two_waves(app_ctx, make_survey, make_org):
    """An earlier wave of 120 answers and the current one of 180, over three offices; all analysed."""
    from survey_app.models import OrgLevel, Survey, Wave
    from survey_app.voc.jobs import analyse_new_answers

    ids = make_survey(SMALL.to_dict(), code="VOC-GOLD")
    make_org("R-GOLD", "골드지방우정청", OrgLevel.REGIONAL)
    units = {code: make_org(code, name, OrgLevel.OFFICE, "R-GOLD") for code, name in OFFICES.items()}
    rng = random.Random(11)
    with app_ctx() as session:
        first = session.get(Wave, ids["wave_id"])
        first.opens_at = first.created_at - timedelta(days=90)
        second = Wave(code="W-GOLD-2", name="2차", survey=session.get(Survey, ids["survey_id"]), version=first.version,
                      state="open", opens_at=first.created_at)
        session.add(second)
        session.flush()
        for wave, texts in ((first, _texts(120, 1)), (second, _texts(180, 2) + ["상자가 찢어지고 물건이 파손돼서 왔어요"] * 20)):
            for text in texts:
                add_response(session, wave, {"Q8": text}, hidden={"office_code": rng.choice(list(OFFICES))})
        second_id = second.id
    with app_ctx():
        analyse_new_answers(batch=1000)
    return {"wave": second_id, "unit": units["P-GA"]}


def _plain(value):
    """The report as JSON-able data, floats rounded to 9 significant digits."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isinf(value) else float(f"{value:.9g}")
    return value


def _reports(app_ctx, two_waves) -> dict:
    from survey_app.models import Wave
    from survey_app.voc.report import wave_voc, workbook_topics

    with app_ctx() as session:
        wave = session.get(Wave, two_waves["wave"])
        return {"all": _plain(wave_voc(wave)), "office": _plain(wave_voc(wave, unit=two_waves["unit"])),
                "workbook": _plain(workbook_topics(wave))}


def test_the_report_figures_are_those_of_the_earlier_implementation(app_ctx, two_waves):
    found = _reports(app_ctx, two_waves)
    assert found["all"]["n"] == 200 and found["all"]["emerging"] and found["all"]["offices"]
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for key in ("all", "office", "workbook"):
        assert found[key] == expected[key], key


def test_a_kept_wave_is_read_again_when_its_analyses_change(app_ctx, two_waves):
    """The report keeps a wave's texts in memory; a staff confirmation or a new analysis shows at once."""
    from survey_app.models import TextAnalysis, TextSource, Wave
    from survey_app.voc.jobs import analyse_new_answers
    from survey_app.voc.operations import confirm_topic
    from survey_app.voc.report import wave_voc

    with app_ctx() as session:
        wave = session.get(Wave, two_waves["wave"])
        first = {t.code: t.count for t in wave_voc(wave).themes}
        row = session.scalars(select(TextAnalysis).where(TextAnalysis.wave_id == wave.id,
                                                         TextAnalysis.topic != "praise")).first()
        confirm_topic(TextSource.ANSWER, row.source_id, "praise", None, source_code=row.source_code)
        second = {t.code: t.count for t in wave_voc(wave).themes}
        assert second["praise"] == first["praise"] + 1 and second[row.topic] == first[row.topic] - 1
        add_response(session, wave, {"Q8": "직원분이 정말 친절하셨어요 감사합니다"}, hidden={"office_code": "P-GA"})
        analyse_new_answers(batch=10)
        assert wave_voc(wave).n == 201
        _same_as_read_afresh(wave.id)  # the new analysis was appended to the kept texts
        other = session.scalars(select(TextAnalysis).where(TextAnalysis.wave_id == wave.id,
                                                           TextAnalysis.id != row.id)).first()
        session.delete(other)  # an analysis gone and its answer analysed again: read afresh, not appended
        session.flush()
        assert analyse_new_answers(batch=10) == 1 and wave_voc(wave).n == 201
        _same_as_read_afresh(wave.id)


def _same_as_read_afresh(wave_id: int) -> None:
    """The kept (possibly appended) texts of the wave equal a fresh read of its analyses."""
    from survey_app.voc.frames import _of_wave, read_texts, wave_texts

    kept, fresh = wave_texts(wave_id), read_texts(_of_wave(wave_id))
    for name in ("ids", "response_ids", "units", "topics", "confirmed", "probability", "sentiments"):
        assert getattr(kept, name).tolist() == getattr(fresh, name).tolist(), name
    assert kept.words.matrix()[1] == fresh.words.matrix()[1]
    assert (kept.words.matrix()[0] != fresh.words.matrix()[0]).nnz == 0
