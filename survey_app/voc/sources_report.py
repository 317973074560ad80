"""The 고객의 소리 분석 page for call notes (상담 메모) and case descriptions (VOC 접수 내용) of a wave's period.

Call notes and cases belong to no wave: the page shows those that arrived while the wave ran (from its
opening to its closing, or now), of the units the viewer may see (a viewer limited to part of the
organisation sees no texts of no known unit), and within a chosen unit's subtree. The figures are those of
the answers' page, from the same stored analyses: themes with masked quotes, words per unit, sentiment, and
emerging words of the last seven days against the days before.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import timedelta

import numpy as np
from sqlalchemy import select

from analysis.text import SENTIMENTS, emerging, keywords

from ..database import db
from ..models import OrgUnit, TextAnalysis, TextSource, Wave, utcnow
from .analyser import topic_names
from .frames import WaveTexts, kept, read_texts, stamp
from .report import VocReport, _offices, _themes, subtree

__all__ = ["SOURCE_KINDS", "source_voc"]

#: The sources the page can show, in the order of its choice.
SOURCE_KINDS = (TextSource.ANSWER, TextSource.CALL_NOTE, TextSource.CASE)


def _period(wave: Wave):
    start = wave.opens_at or wave.created_at
    end = wave.closes_at or utcnow()
    return start, end


def _texts(kind: str, wave: Wave) -> WaveTexts:
    start, end = _period(wave)
    where = ((TextAnalysis.source_kind == kind) & (TextAnalysis.arrived_at >= start)
             & (TextAnalysis.arrived_at < end))
    return kept(("source", kind, wave.id, start, end.replace(second=0, microsecond=0), *stamp(where)),
                lambda: read_texts(where))


def _allowed(units: Collection[int] | None, unit: int | None) -> set[int] | None:
    allowed = None if units is None else set(units)
    if unit is not None:
        allowed = subtree(unit) if allowed is None else allowed & subtree(unit)
    return allowed


def _last_week(texts: WaveTexts, rows: np.ndarray) -> tuple[tuple, str]:
    arrived = dict(db.session.execute(select(TextAnalysis.id, TextAnalysis.arrived_at)
                                      .where(TextAnalysis.id.in_(texts.ids[rows].tolist()))).all())
    when = [arrived[i] for i in texts.ids[rows].tolist()]
    new = np.array([w >= max(when) - timedelta(days=7) for w in when], dtype=bool)
    if new.all() or not new.any():
        return (), ""
    return emerging([texts.words.take(rows[~new]), texts.words.take(rows[new])]), "last_week"


def source_voc(wave: Wave, kind: str, *, units: Collection[int] | None = None, unit: int | None = None) -> VocReport:
    """The analysis of the call notes or case descriptions (``kind``) that arrived during ``wave``, as the viewer
    who sees ``units`` (None: all) may see them, optionally only in ``unit``'s subtree."""
    texts = _texts(kind, wave)
    allowed = _allowed(units, unit)
    keep = np.ones(len(texts), dtype=bool) if allowed is None else np.isin(texts.units, list(allowed))
    rows = np.flatnonzero(keep)
    unit_name = db.session.get(OrgUnit, unit).name if unit is not None and db.session.get(OrgUnit, unit) else ""
    if not len(rows):
        return VocReport(n=0, unit_name=unit_name)
    names = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name)).all())
    labels = [names.get(u, "") for u in texts.units[rows].tolist()]
    grouped = len({label for label in labels if label}) >= 2
    words = keywords(texts.words.take(rows), labels if grouped else None, top=20)
    feeling = Counter(texts.sentiments[rows].tolist())
    sentiment = tuple((label, feeling.get(label, 0), 100.0 * feeling.get(label, 0) / len(rows)) for label in SENTIMENTS)
    found, basis = _last_week(texts, rows)
    return VocReport(n=len(rows), themes=_themes(texts, rows, topic_names()), sentiment=sentiment, terms=words.terms,
                     offices=_offices(words, labels) if grouped else (), emerging=found[:15], emerging_basis=basis,
                     unit_name=unit_name)
