"""A wave's VOC analysis from stored analyses (no re-tokenising): themes, quotes, terms, emerging terms, sentiment.

Rows are the wave's analysed open-ended answers of complete responses, limited to what the viewer may see
(the same rule as the results pages: :func:`survey_app.results.build.visible_rows`) and, when a unit is
chosen, to responses of that unit and the units under it. Statistics come from :mod:`analysis.text`:
distinguishing words per office by weighted log-odds, emerging words by an exact test per word with
Benjamini–Hochberg — this wave against the survey's earlier waves, or, for a first wave, its last
seven days against the days before.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from sqlalchemy import select

from analysis.text import SENTIMENTS, DistinctTerm, EmergingTerm, TermCount, emerging, keywords
from exports import VocTopic

from ..database import db
from ..models import Answer, OrgUnit, TextAnalysis, TextSource, Wave
from ..results.build import survey_waves, visible_rows
from ..results.loading import UNKNOWN, load_wave, segment_questions
from .analyser import topic_names
from .jobs import pending_count

__all__ = ["Theme", "OfficeTerms", "VocReport", "wave_voc", "workbook_topics", "subtree", "QUOTES_PER_THEME",
           "OFFICES_SHOWN"]

QUOTES_PER_THEME = 3
OFFICES_SHOWN = 8
TERMS_PER_OFFICE = 8
MIN_OFFICE_TEXTS = 5


@dataclass(frozen=True)
class Theme:
    """A topic with its number of texts, share (%), share of negative texts (%) and example quotes (masked)."""

    code: str
    name: str
    count: int
    share: float
    negative: float
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class OfficeTerms:
    """An office (or team) with its number of texts and its distinguishing words."""

    name: str
    n: int
    terms: tuple[DistinctTerm, ...]


@dataclass(frozen=True)
class VocReport:
    """Everything the 고객의 소리 분석 page and the workbook's VOC 주제 sheet show."""

    n: int
    themes: tuple[Theme, ...] = ()
    sentiment: tuple[tuple[str, int, float], ...] = ()
    terms: tuple[TermCount, ...] = ()
    offices: tuple[OfficeTerms, ...] = ()
    emerging: tuple[EmergingTerm, ...] = ()
    emerging_basis: str = ""
    pending: int = 0
    unit_name: str = ""


def subtree(unit_id: int) -> set[int]:
    """The unit and every unit under it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for uid, parent in db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)):
        children[parent].append(uid)
    found, todo = set(), [unit_id]
    while todo:
        uid = todo.pop()
        if uid not in found:
            found.add(uid)
            todo.extend(children.get(uid, ()))
    return found


def _rows(wave_id: int):
    query = (select(TextAnalysis.topic, TextAnalysis.confirmed_topic, TextAnalysis.topic_probability,
                    TextAnalysis.sentiment, TextAnalysis.tokens, TextAnalysis.quote, TextAnalysis.arrived_at,
                    TextAnalysis.org_unit_id, Answer.response_id)
             .join(Answer, Answer.id == TextAnalysis.source_id)
             .where(TextAnalysis.source_kind == TextSource.ANSWER, TextAnalysis.wave_id == wave_id)
             .order_by(TextAnalysis.id).execution_options(yield_per=20_000))
    return db.session.execute(query).all()


def _visible(wave: Wave, units: Collection[int] | None, unit: int | None) -> dict[int, str]:
    """Response id → its office (or, without one, its unit) name, for the wave's complete responses the viewer may
    see (and in ``unit``); responses of no known place map to ""."""
    questionnaire = wave.version.questionnaire
    data = load_wave(wave.id, questionnaire, codes=list(dict.fromkeys(segment_questions(questionnaire).values())))
    keep = np.ones(data.n, dtype=bool)
    if units is not None:
        keep &= visible_rows(data, units, wave.survey.org_unit_id)
    if unit is not None:
        keep &= visible_rows(data, subtree(unit), wave.survey.org_unit_id)
    office = data.segments.get("office_code")
    codes = office.labels(unknown="").tolist() if office is not None else [""] * data.n
    by_code = dict(db.session.execute(select(OrgUnit.code, OrgUnit.name).where(OrgUnit.code.in_(set(codes) - {""}))).all())
    by_id = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(
        OrgUnit.id.in_(set(data.units.tolist()) - {UNKNOWN}))).all())
    places = [by_code.get(code) or by_id.get(uid, "") for code, uid in zip(codes, data.units.tolist(), strict=True)]
    return {rid: places[i] for i, rid in enumerate(data.response_ids.tolist()) if keep[i]}


def _quotes(best: list) -> tuple[str, ...]:
    """The most typical quotes, skipping ones with the same words as a quote already taken."""
    seen, quotes = set(), []
    for m in best:
        key = frozenset(m.tokens.split())
        if key not in seen:
            seen.add(key)
            quotes.append(m.quote)
            if len(quotes) == QUOTES_PER_THEME:
                break
    return tuple(quotes)


def _themes(rows, names: dict[str, str]) -> tuple[Theme, ...]:
    by_topic: dict[str, list] = defaultdict(list)
    for r in rows:
        by_topic[r.confirmed_topic or r.topic].append(r)
    themes = []
    for code, members in sorted(by_topic.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        quotes = _quotes(sorted((m for m in members if m.quote), key=lambda m: -m.topic_probability))
        negative = 100.0 * sum(m.sentiment == "부정" for m in members) / len(members)
        themes.append(Theme(code, names.get(code, code), len(members), 100.0 * len(members) / len(rows), negative,
                            quotes))
    return tuple(themes)


def _offices(rows, place_of: dict[int, str]) -> tuple[OfficeTerms, ...]:
    labels = [place_of.get(r.response_id, "") for r in rows]
    counts = Counter(label for label in labels if label)
    if len(counts) < 2:
        return ()
    report = keywords([r.tokens.split() for r in rows], labels, top=TERMS_PER_OFFICE)
    shown = [name for name, n in counts.most_common() if n >= MIN_OFFICE_TEXTS][:OFFICES_SHOWN]
    return tuple(OfficeTerms(name, counts[name], report.groups.get(name, ())) for name in shown)


def _emerging(wave: Wave, rows, units: Collection[int] | None, unit: int | None) -> tuple[tuple, str]:
    earlier = [w for w in survey_waves(wave.survey_id) if w.id != wave.id
               and (w.opens_at or w.created_at) <= (wave.opens_at or wave.created_at)]
    current = [r.tokens.split() for r in rows]
    if earlier:
        allowed = None if units is None else set(units)
        if unit is not None:
            allowed = subtree(unit) if allowed is None else allowed & subtree(unit)
        before = []
        for w in earlier:
            before.append([r.tokens.split() for r in _rows(w.id)
                           if allowed is None or r.org_unit_id is None or r.org_unit_id in allowed])
        if sum(map(len, before)):
            return emerging([*before, current]), "earlier_waves"
    if not rows:
        return (), ""
    last = max(r.arrived_at for r in rows)
    cut = last - timedelta(days=7)
    old = [r.tokens.split() for r in rows if r.arrived_at < cut]
    new = [r.tokens.split() for r in rows if r.arrived_at >= cut]
    if not old or not new:
        return (), ""
    return emerging([old, new]), "last_week"


def wave_voc(wave: Wave, *, units: Collection[int] | None = None, unit: int | None = None) -> VocReport:
    """The VOC analysis of ``wave`` for a viewer who sees ``units`` (None: all), optionally only ``unit``'s subtree."""
    unit_of = _visible(wave, units, unit)
    rows = [r for r in _rows(wave.id) if r.response_id in unit_of]
    unit_name = db.session.get(OrgUnit, unit).name if unit is not None and db.session.get(OrgUnit, unit) else ""
    if not rows:
        return VocReport(n=0, unit_name=unit_name, pending=pending_count(wave))
    names = topic_names()
    feeling = Counter(r.sentiment for r in rows)
    sentiment = tuple((label, feeling.get(label, 0), 100.0 * feeling.get(label, 0) / len(rows)) for label in SENTIMENTS)
    found, basis = _emerging(wave, rows, units, unit)
    return VocReport(n=len(rows), themes=_themes(rows, names), sentiment=sentiment,
                     terms=keywords([r.tokens.split() for r in rows], top=20).terms,
                     offices=_offices(rows, unit_of), emerging=found[:15], emerging_basis=basis,
                     unit_name=unit_name, pending=pending_count(wave))


def workbook_topics(wave: Wave, units: Collection[int] | None = None) -> tuple[VocTopic, ...]:
    """The workbook's VOC 주제 rows: each topic's count, share, negative share and best example (masked)."""
    unit_of = _visible(wave, units, None)
    rows = [r for r in _rows(wave.id) if r.response_id in unit_of]
    if not rows:
        return ()
    return tuple(VocTopic(t.name, t.count, t.share, t.negative, t.quotes[0] if t.quotes else "")
                 for t in _themes(rows, topic_names()))
