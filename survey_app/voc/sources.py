"""Call notes (상담 이력 memo) and VOC case descriptions, analysed once by the ``voc-analysis`` job.

A call note is an :class:`~survey_app.models.Interaction`'s ``note`` (source kind ``call_note``); a case's
text is its summary and detail (source kind ``case``). Both are found by "no analysis yet", so a note
imported, a case opened by a survey rule, by intake or through the API, are all picked up by the next run
and nothing is lost when a run is missed. A case's stored analysis is its suggested topic with the
probability; staff confirm or correct it on the case page (:func:`survey_app.voc.operations.confirm_topic`).
An analysis whose text is gone (a note erased with its customer, a case deleted) is forgotten.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, exists, func, select

from ..database import db
from ..models import Case, Interaction, TextAnalysis, TextSource
from .analyser import register_source_texts
from .operations import SourceText, store_analyses

__all__ = ["analyse_new_call_notes", "analyse_new_cases", "forget_deleted_sources", "case_text"]


def _not_analysed(kind: str, id_column):
    return ~exists().where(TextAnalysis.source_kind == kind, TextAnalysis.source_id == id_column,
                           TextAnalysis.source_code == "")


def case_text(summary: str | None, detail: str | None) -> str:
    """The text of a case that is analysed: its summary, then its detail."""
    return "\n".join(part for part in (summary, detail) if part)


def analyse_new_call_notes(batch: int = 2000) -> int:
    """Analyse and store up to ``batch`` call notes not analysed yet; the number stored."""
    query = (select(Interaction.id, Interaction.note, Interaction.occurred_at, Interaction.org_unit_id)
             .where(Interaction.note.is_not(None), func.length(Interaction.note) > 0,
                    _not_analysed(TextSource.CALL_NOTE, Interaction.id))
             .order_by(Interaction.id).limit(batch))
    items = [SourceText(i, note, when, None, unit) for i, note, when, unit in db.session.execute(query)]
    return store_analyses(TextSource.CALL_NOTE, items)


def analyse_new_cases(batch: int = 2000) -> int:
    """Analyse up to ``batch`` new cases (any source) and store each one's suggested topic; the number stored."""
    query = (select(Case.id, Case.summary, Case.detail, Case.created_at, Case.org_unit_id)
             .where(_not_analysed(TextSource.CASE, Case.id)).order_by(Case.id).limit(batch))
    items = [SourceText(i, case_text(summary, detail), when, None, unit)
             for i, summary, detail, when, unit in db.session.execute(query)]
    return store_analyses(TextSource.CASE, items)


def forget_deleted_sources() -> int:
    """Delete analyses of call notes erased (or emptied) and of cases deleted; rows deleted."""
    note_kept = exists().where(Interaction.id == TextAnalysis.source_id, Interaction.note.is_not(None))
    case_kept = exists().where(Case.id == TextAnalysis.source_id)
    gone = (((TextAnalysis.source_kind == TextSource.CALL_NOTE) & ~note_kept)
            | ((TextAnalysis.source_kind == TextSource.CASE) & ~case_kept))
    result = db.session.execute(delete(TextAnalysis).where(gone).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _note_texts(keys: Sequence[tuple[int, str]]) -> dict[tuple[int, str], str]:
    ids = [i for i, _code in keys]
    rows = db.session.execute(select(Interaction.id, Interaction.note).where(Interaction.id.in_(ids)))
    return {(i, ""): note for i, note in rows if note}


def _case_texts(keys: Sequence[tuple[int, str]]) -> dict[tuple[int, str], str]:
    ids = [i for i, _code in keys]
    rows = db.session.execute(select(Case.id, Case.summary, Case.detail).where(Case.id.in_(ids)))
    return {(i, ""): case_text(summary, detail) for i, summary, detail in rows}


register_source_texts(TextSource.CALL_NOTE, _note_texts)
register_source_texts(TextSource.CASE, _case_texts)
