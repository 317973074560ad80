"""The VOC report reads stored word ids (``text_words`` + ``text_analyses.word_ids``, migration 0021), not token
strings: its keywords, z-scores and emerging words equal a fresh computation from the texts themselves, also for
a viewer limited to one office and for analyses stored before the ids existed; an erased person's words leave
the counts."""
from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import func, select, update

from tests.test_results_support import SMALL, add_response

OFFICES = {"P-WA": "가우체국", "P-WB": "나우체국", "P-WC": "다우체국"}
RISING = "소포 상자가 찢어지고 물건이 파손돼서 왔어요"


def _texts(n: int, seed: int) -> list[str]:
    from analysis.text import load_corpus

    sentences = [c.text for c in load_corpus()]
    rng = random.Random(seed)
    return [" ".join(rng.choice(sentences) for _ in range(rng.choice((1, 2)))) for _ in range(n)]


@pytest.fixture
def waves(app_ctx, make_survey, make_org):
    """An earlier wave of 80 answers and the current one of 120 (20 about broken parcels, all at 가우체국), three offices, analysed
    by the job; the texts and office codes of each wave in the order they were answered."""
    from survey_app.models import OrgLevel, Survey, Wave
    from survey_app.voc.jobs import analyse_new_answers

    ids = make_survey(SMALL.to_dict(), code="VOC-IDS")
    make_org("R-WIDS", "아이디지방우정청", OrgLevel.REGIONAL)
    units = {code: make_org(code, name, OrgLevel.OFFICE, "R-WIDS") for code, name in OFFICES.items()}
    rng = random.Random(5)
    written: dict[str, list[tuple[str, str]]] = {"before": [], "now": []}
    with app_ctx() as session:
        first = session.get(Wave, ids["wave_id"])
        first.opens_at = first.created_at - timedelta(days=90)
        second = Wave(code="W-IDS-2", name="2차", survey=session.get(Survey, ids["survey_id"]), version=first.version,
                      state="open", opens_at=first.created_at)
        session.add(second)
        session.flush()
        for key, wave, texts in (("before", first, _texts(80, 1)), ("now", second, _texts(100, 2) + [RISING] * 20)):
            for text in texts:
                office = "P-WA" if text == RISING else rng.choice(list(OFFICES))
                add_response(session, wave, {"Q8": text}, hidden={"office_code": office})
                written[key].append((text, office))
        second_id = second.id
    with app_ctx():
        assert analyse_new_answers(batch=1000) == 200
    return {"wave": second_id, "units": units, "texts": written}


def _fresh(written: dict, offices: set[str] | None = None):
    """Keywords (per office) and emerging words computed from the texts with analysis.text alone."""
    from analysis.text import analyse, emerging, keywords

    chosen = {key: [(t, o) for t, o in rows if offices is None or o in offices] for key, rows in written.items()}
    now = [a.content for a in analyse([t for t, _o in chosen["now"]])]
    before = [a.content for a in analyse([t for t, _o in chosen["before"]])]
    labels = [OFFICES[o] for _t, o in chosen["now"]]
    grouped = len(set(labels)) >= 2
    return keywords(now, labels if grouped else None, top=20), emerging([before, now]), labels


def _same_as_fresh(report, fresh) -> None:
    words, rising, labels = fresh
    assert report.n == len(labels)
    assert report.terms == words.terms
    for office in report.offices:
        assert office.n == labels.count(office.name)
        assert office.terms == words.groups[office.name][:len(office.terms)]
    assert report.emerging == rising[:15]


def _forget_kept() -> None:
    from survey_app.voc import frames

    with frames._lock:
        frames._kept.clear()


def test_the_report_from_stored_word_ids_equals_a_fresh_computation_from_the_texts(app_ctx, waves):
    from survey_app.models import Wave
    from survey_app.voc.report import wave_voc

    fresh = _fresh(waves["texts"])
    with app_ctx() as session:
        _forget_kept()
        report = wave_voc(session.get(Wave, waves["wave"]))
    assert len(report.offices) == 3 and any(t.z > 1.96 for o in report.offices for t in o.terms)
    assert report.emerging and report.emerging_basis == "earlier_waves"
    assert {t.term for t in report.emerging} >= {"파손"}
    _same_as_fresh(report, fresh)
    for office in report.offices:
        assert [t.z for t in office.terms] == [t.z for t in fresh[0].groups[office.name][:len(office.terms)]]


def test_a_viewer_of_one_office_gets_the_fresh_computation_over_that_office_only(app_ctx, waves):
    from survey_app.models import Wave
    from survey_app.voc.report import wave_voc

    with app_ctx() as session:
        _forget_kept()
        report = wave_voc(session.get(Wave, waves["wave"]), units={waves["units"]["P-WB"]})
    mine = sum(1 for _t, o in waves["texts"]["now"] if o == "P-WB")
    assert 0 < report.n == mine < 120
    _same_as_fresh(report, _fresh(waves["texts"], {"P-WB"}))


def test_stored_ids_are_the_tokens_and_rows_without_ids_give_the_same_report_until_the_job_fills_them(app_ctx, waves):
    from survey_app.models import TextAnalysis, Wave
    from survey_app.voc.jobs import run_voc_job
    from survey_app.voc.report import wave_voc
    from survey_app.voc.vocabulary import ID_TYPE, vocabulary

    with app_ctx() as session:
        words = vocabulary()
        rows = session.execute(select(TextAnalysis.tokens, TextAnalysis.word_ids)).all()
        assert len(rows) == 200
        assert all([words[i] for i in np.frombuffer(ids, dtype=ID_TYPE)] == tokens.split() for tokens, ids in rows)
        wave = session.get(Wave, waves["wave"])
        _forget_kept()
        before = wave_voc(wave)
        session.execute(update(TextAnalysis).values(word_ids=None))  # as stored before migration 0021
        _forget_kept()
        assert wave_voc(wave) == before
        session.commit()
    with app_ctx() as session:
        assert "stored the word ids of 200 earlier analyses" in run_voc_job(500)
        assert session.scalar(select(func.count()).where(TextAnalysis.word_ids.is_(None))) == 0
        _forget_kept()
        assert wave_voc(session.get(Wave, waves["wave"])) == before


def test_an_erased_persons_answer_leaves_the_counts_and_a_blanked_answer_is_forgotten(app_ctx, make_survey):
    from survey_app.customers.erasure import erase_customer
    from survey_app.models import Answer, Customer, TextAnalysis, Wave
    from survey_app.voc.jobs import analyse_new_answers, forget_deleted_answers
    from survey_app.voc.report import wave_voc
    from tests.customer_support import answered_survey, make_customer

    ids = make_survey(SMALL.to_dict(), code="VOC-ERASE")
    with app_ctx() as session:
        wave = session.get(Wave, ids["wave_id"])
        customer = make_customer(session, "C-VOC-ERASE")
        answered_survey(session, wave, {"Q8": "우체국쇼핑 한과 선물세트가 눅눅했어요"})
        for text in ("배달이 늦어요", "배달 기사님이 친절했어요", "한과가 맛있어요"):
            add_response(session, wave, {"Q8": text})
        assert analyse_new_answers(batch=100) == 4
        counts = {t.term: t.count for t in wave_voc(wave).terms}
        assert counts["한과"] == 2
        erase_customer(session.get(Customer, customer.id), reason="본인 요청")
        assert session.scalar(select(func.count()).select_from(TextAnalysis)) == 3  # gone in the erasure itself
        after = wave_voc(session.get(Wave, ids["wave_id"]))
        assert after.n == 3 and "한과" not in {t.term for t in after.terms}  # once: below the two mentions listed
        blank = session.scalars(select(Answer).where(Answer.value_text == "배달이 늦어요")).one()
        blank.value_text = None  # a text blanked another way (a purge that keeps the row): the job forgets it
        session.flush()
        assert forget_deleted_answers() == 1
        assert wave_voc(session.get(Wave, ids["wave_id"])).n == 2
