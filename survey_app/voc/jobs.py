"""The scheduler job that analyses new open-ended answers, call notes and cases (``voc-analysis``, every
``VOC_ANALYSIS_SECONDS``); call notes and cases are found by :mod:`.sources`, a case's analysis is its suggested topic.

The respondent's submission does nothing extra: the job finds complete responses' text answers that have
no analysis yet (per published version, the questionnaire's text and "other" fields), analyses up to
``VOC_ANALYSIS_BATCH`` of them, stores them and commits. A missed run loses nothing: the next one finds
the same answers. Analyses whose answer was deleted (a purge) are deleted with it.
"""
from __future__ import annotations

import logging

from sqlalchemy import delete, exists, func, select

from questionnaires import QuestionnaireError

from ..customers.erasure import add_erasure_step
from ..database import db
from ..models import (
    Answer,
    Customer,
    Interaction,
    OrgUnit,
    Response,
    ResponseStatus,
    SurveyVersion,
    TextAnalysis,
    TextSource,
    Wave,
)
from .analyser import retrain_if_changed
from .operations import SourceText, store_analyses
from .sources import analyse_new_call_notes, analyse_new_cases, forget_deleted_sources
from .vocabulary import fill_word_ids

log = logging.getLogger(__name__)
_TEXT_KINDS = ("text", "other")
_UNIT_KEYS = ("office_code", "region")


def _text_codes(version: SurveyVersion) -> list[str]:
    try:
        return [f.code for f in version.questionnaire.answer_fields() if f.kind in _TEXT_KINDS]
    except QuestionnaireError as exc:
        log.warning("voc: version %s has an unreadable questionnaire, its answers are not analysed: %s", version.id, exc)
        return []


def _unanalysed(codes: list[str]):
    analysed = exists().where(TextAnalysis.source_kind == TextSource.ANSWER, TextAnalysis.source_id == Answer.response_id,
                              TextAnalysis.source_code == Answer.question_code)
    return ((Response.status == ResponseStatus.COMPLETE) & Answer.question_code.in_(codes)
            & Answer.value_text.is_not(None) & ~analysed)


def _pending(version_id: int, codes: list[str], limit: int) -> list:
    query = (select(Answer.response_id, Answer.question_code, Answer.value_text, Response.wave_id, Response.finished_at, Response.subject_org_unit_id,
                    Response.hidden)
             .join(Response, Response.id == Answer.response_id)
             .where(Response.version_id == version_id, _unanalysed(codes))
             .order_by(Answer.response_id, Answer.question_code).limit(limit))
    return db.session.execute(query).all()


def pending_count(wave: Wave) -> int:
    """Text answers of the wave's complete responses still waiting for the job."""
    codes = _text_codes(wave.version)
    if not codes:
        return 0
    query = (select(func.count()).select_from(Answer).join(Response, Response.id == Answer.response_id)
             .where(Response.wave_id == wave.id, _unanalysed(codes)))
    return db.session.scalar(query) or 0


def _units(rows: list) -> dict[str, int]:
    codes = {str((r.hidden or {}).get(k)) for r in rows for k in _UNIT_KEYS if (r.hidden or {}).get(k)}
    if not codes:
        return {}
    return dict(db.session.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.in_(codes))).all())


def _unit_of(row, units: dict[str, int]) -> int | None:
    if row.subject_org_unit_id is not None:
        return row.subject_org_unit_id
    hidden = row.hidden or {}
    return next((units[str(hidden[k])] for k in _UNIT_KEYS if hidden.get(k) and str(hidden[k]) in units), None)


def analyse_new_answers(batch: int = 2000) -> int:
    """Analyse and store up to ``batch`` not yet analysed text answers of complete responses; the number stored."""
    done = 0
    for version in db.session.scalars(select(SurveyVersion).order_by(SurveyVersion.id)):
        if done >= batch:
            break
        codes = _text_codes(version)
        rows = _pending(version.id, codes, batch - done) if codes else []
        if not rows:
            continue
        units = _units(rows)
        items = [SourceText(r.response_id, r.value_text, r.finished_at, r.wave_id, _unit_of(r, units), r.question_code)
                 for r in rows]
        done += store_analyses(TextSource.ANSWER, items)
    return done


def forget_deleted_answers() -> int:
    """Delete analyses of answers that no longer exist or whose text was blanked (purged, anonymised or erased
    responses); rows deleted."""
    gone = ~exists().where(Answer.response_id == TextAnalysis.source_id, Answer.question_code == TextAnalysis.source_code,
                           Answer.value_text.is_not(None))
    result = db.session.execute(delete(TextAnalysis).where(TextAnalysis.source_kind == TextSource.ANSWER, gone)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


@add_erasure_step
def forget_erased_texts(customer: Customer, erased: dict[str, list[int]]) -> None:
    """An erased person's text answers and call notes lose their analyses (quote and words) in the erasure's own
    transaction, so no report counts their words after it."""
    notes = select(Interaction.id).where(Interaction.customer_id == customer.id)
    gone = (((TextAnalysis.source_kind == TextSource.ANSWER) & TextAnalysis.source_id.in_(erased["responses"]))
            | ((TextAnalysis.source_kind == TextSource.CALL_NOTE) & TextAnalysis.source_id.in_(notes)))
    db.session.execute(delete(TextAnalysis).where(gone).execution_options(synchronize_session=False))


def _analyse_all(analyse_batch, batch: int) -> int:
    """Run ``analyse_batch`` until a batch comes back short, committing after each; the number stored."""
    total = 0
    while True:
        stored = analyse_batch(batch)
        db.session.commit()
        total += stored
        if stored < batch:
            return total


def run_voc_job(batch: int) -> list[str]:
    """One run: retrain the topic model when staff confirmed topics since the last run; analyse new answers, call
    notes and cases (their suggested topic) in batches until none are left; forget deleted ones; store the word ids
    of analyses that have none; lines to log."""
    lines = []
    retrained = retrain_if_changed()
    if retrained is not None:
        lines.append(f"retrained the topic model with {retrained} confirmed texts")
    counts = {name: _analyse_all(work, batch) for name, work in
              (("answers", analyse_new_answers), ("call notes", analyse_new_call_notes), ("cases", analyse_new_cases))}
    forgotten = forget_deleted_answers() + forget_deleted_sources()
    filled = _analyse_all(fill_word_ids, batch)  # analyses stored without word ids (before migration 0021)
    db.session.commit()
    if counts["answers"] or forgotten:
        lines.append(f"analysed {counts['answers']} answers, forgot {forgotten}")
    lines += [f"analysed {n} {name}" for name, n in counts.items() if n and name != "answers"]
    if filled:
        lines.append(f"stored the word ids of {filled} earlier analyses")
    return lines
