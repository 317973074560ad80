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
from types import SimpleNamespace

import numpy as np
from sqlalchemy import func, select

from analysis.text import SENTIMENTS, DistinctTerm, EmergingTerm, KeywordReport, TermCount, emerging, keywords
from exports import VocTopic

from ..database import db
from ..models import OrgUnit, Response, TextAnalysis, TextSource, Wave
from ..results.build import survey_waves, visible_rows
from ..results.loading import UNKNOWN
from .analyser import topic_names
from .frames import WaveTexts, kept, wave_texts
from .jobs import pending_count
from .places import response_places

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


def _visible(wave: Wave, units: Collection[int] | None, unit: int | None) -> dict[int, str]:
    """Response id → its office (or unit) name for the responses the viewer may see (kept while the wave's
    responses and the organisation are unchanged: see :func:`_places`)."""
    stamp = (db.session.execute(select(func.count(Response.id), func.max(Response.id), func.max(Response.finished_at))
                                .where(Response.wave_id == wave.id)).one(),
             db.session.execute(select(func.count(OrgUnit.id), func.max(OrgUnit.id))).one())
    key = ("visible", wave.id, None if units is None else frozenset(units), unit, *stamp)
    return kept(key, lambda: _places(wave, units, unit))


def _places(wave: Wave, units: Collection[int] | None, unit: int | None) -> dict[int, str]:
    """Response id → its office (or, without one, its unit) name, for the wave's complete responses the viewer may
    see (and in ``unit``); responses of no known place map to ""."""
    found = response_places(wave)
    keep = np.ones(len(found.response_ids), dtype=bool)
    if units is not None:
        keep &= _inside(found.units, units, wave.survey.org_unit_id)
    if unit is not None:
        keep &= _inside(found.units, subtree(unit), wave.survey.org_unit_id)
    codes = found.offices
    by_code = dict(db.session.execute(select(OrgUnit.code, OrgUnit.name).where(OrgUnit.code.in_(set(codes) - {""}))).all())
    by_id = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(
        OrgUnit.id.in_(set(found.units.tolist()) - {UNKNOWN}))).all())
    places = [by_code.get(code) or by_id.get(uid, "") for code, uid in zip(codes, found.units.tolist(), strict=True)]
    return {rid: places[i] for i, rid in enumerate(found.response_ids.tolist()) if keep[i]}


def _inside(response_units: np.ndarray, units: Collection[int], survey_unit: int | None) -> np.ndarray:
    """The results pages' rule (:func:`survey_app.results.build.visible_rows`) on the responses' units."""
    return visible_rows(SimpleNamespace(units=response_units), units, survey_unit)


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


#: Candidate quotes read per topic (the most probable first); those the viewer may not see are skipped.
QUOTE_CANDIDATES = 200


@dataclass(frozen=True)
class QuoteRow:
    """A candidate quote and the words of its text."""

    quote: str
    tokens: str


def _quote_rows(texts: WaveTexts, members: np.ndarray) -> list[QuoteRow]:
    """The most typical of ``members`` (visible rows of one topic) with their quotes: staff-confirmed ones first
    (by id), then predicted ones by probability. Only the candidates' quotes are read, by id."""
    confirmed = members[texts.confirmed[members]]
    predicted = members[~texts.confirmed[members]]
    predicted = predicted[np.lexsort((texts.ids[predicted], -texts.probability[predicted]))]
    candidates = np.concatenate((confirmed, predicted))[:2 * QUOTE_CANDIDATES]
    wanted = texts.ids[candidates].tolist()
    quotes = {i: QuoteRow(quote, tokens) for i, quote, tokens in db.session.execute(
        select(TextAnalysis.id, TextAnalysis.quote, TextAnalysis.tokens)
        .where(TextAnalysis.id.in_(wanted), TextAnalysis.quote != ""))}
    return [quotes[i] for i in wanted if i in quotes]


def _themes(texts: WaveTexts, rows: np.ndarray, names: dict[str, str]) -> tuple[Theme, ...]:
    codes, counts = np.unique(texts.topics[rows], return_counts=True)
    themes = []
    for code, count in sorted(zip(codes.tolist(), counts.tolist(), strict=True), key=lambda kv: (-kv[1], kv[0])):
        members = rows[texts.topics[rows] == code]
        negative = 100.0 * int((texts.sentiments[members] == "부정").sum()) / count
        themes.append(Theme(code, names.get(code, code), count, 100.0 * count / len(rows), negative,
                            _quotes(_quote_rows(texts, members))))
    return tuple(themes)


def _offices(report: KeywordReport, labels: list[str]) -> tuple[OfficeTerms, ...]:
    counts = Counter(label for label in labels if label)
    shown = [name for name, n in counts.most_common() if n >= MIN_OFFICE_TEXTS][:OFFICES_SHOWN]
    return tuple(OfficeTerms(name, counts[name], report.groups.get(name, ())[:TERMS_PER_OFFICE]) for name in shown)


def _last_week(wave_id: int, texts: WaveTexts, rows: np.ndarray) -> tuple[tuple, str]:
    """Emerging words of the wave's last seven days against its days before."""
    arrived = dict(db.session.execute(select(TextAnalysis.id, TextAnalysis.arrived_at).where(
        TextAnalysis.source_kind == TextSource.ANSWER, TextAnalysis.wave_id == wave_id)).all())
    when = [arrived[i] for i in texts.ids[rows].tolist()]
    cut = max(when) - timedelta(days=7)
    new = np.array([w >= cut for w in when], dtype=bool)
    if new.all() or not new.any():
        return (), ""
    return emerging([texts.words.take(rows[~new]), texts.words.take(rows[new])]), "last_week"


def _emerging(wave: Wave, texts: WaveTexts, rows: np.ndarray, units: Collection[int] | None, unit: int | None
              ) -> tuple[tuple, str]:
    earlier = [w for w in survey_waves(wave.survey_id) if w.id != wave.id
               and (w.opens_at or w.created_at) <= (wave.opens_at or wave.created_at)]
    if earlier:
        allowed = None if units is None else set(units)
        if unit is not None:
            allowed = subtree(unit) if allowed is None else allowed & subtree(unit)
        before = []
        for w in earlier:  # an earlier wave's texts of the allowed units and of no known unit
            other = wave_texts(w.id)
            keep = np.ones(len(other), dtype=bool) if allowed is None else (
                (other.units == -1) | np.isin(other.units, np.fromiter(allowed, dtype=np.int64)))
            before.append(other.words.take(keep))
        if sum(map(len, before)):
            return emerging([*before, texts.words.take(rows)]), "earlier_waves"
    return _last_week(wave.id, texts, rows)


def _seen(texts: WaveTexts, unit_of: dict[int, str]) -> np.ndarray:
    """Row indices of the texts whose response the viewer may see."""
    visible = np.fromiter(unit_of, dtype=np.int64, count=len(unit_of))
    return np.flatnonzero(np.isin(texts.response_ids, visible))


def wave_voc(wave: Wave, *, units: Collection[int] | None = None, unit: int | None = None) -> VocReport:
    """The VOC analysis of ``wave`` for a viewer who sees ``units`` (None: all), optionally only ``unit``'s subtree."""
    unit_of = _visible(wave, units, unit)
    texts = wave_texts(wave.id)
    rows = _seen(texts, unit_of)
    unit_name = db.session.get(OrgUnit, unit).name if unit is not None and db.session.get(OrgUnit, unit) else ""
    if not len(rows):
        return VocReport(n=0, unit_name=unit_name, pending=pending_count(wave))
    feeling = Counter(texts.sentiments[rows].tolist())
    sentiment = tuple((label, feeling.get(label, 0), 100.0 * feeling.get(label, 0) / len(rows)) for label in SENTIMENTS)
    labels = [unit_of.get(r, "") for r in texts.response_ids[rows].tolist()]
    grouped = len({label for label in labels if label}) >= 2
    words = keywords(texts.words.take(rows), labels if grouped else None, top=20)
    found, basis = _emerging(wave, texts, rows, units, unit)
    return VocReport(n=len(rows), themes=_themes(texts, rows, topic_names()), sentiment=sentiment, terms=words.terms,
                     offices=_offices(words, labels) if grouped else (), emerging=found[:15], emerging_basis=basis,
                     unit_name=unit_name, pending=pending_count(wave))


def workbook_topics(wave: Wave, units: Collection[int] | None = None) -> tuple[VocTopic, ...]:
    """The workbook's VOC 주제 rows: each topic's count, share, negative share and best example (masked)."""
    texts = wave_texts(wave.id)
    rows = _seen(texts, _visible(wave, units, None))
    if not len(rows):
        return ()
    return tuple(VocTopic(t.name, t.count, t.share, t.negative, t.quotes[0] if t.quotes else "")
                 for t in _themes(texts, rows, topic_names()))
