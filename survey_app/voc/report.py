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

from analysis.text import SENTIMENTS, DistinctTerm, EmergingTerm, KeywordReport, TermCount, emerging, keywords
from exports import VocTopic

from ..database import db
from ..models import OrgUnit, TextAnalysis, TextSource, Wave
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


def _stream(query):
    """Rows of a column query as plain tuples, streamed through the connection (no ORM row handling: a wave has
    100,000 of them)."""
    return db.session.connection().execute(query.execution_options(yield_per=20_000))


def _rows(wave_id: int) -> list:
    """The wave's analysed answers: topic, sentiment, words, response and the topic's probability (one streamed
    query; quotes are read for the few shown, by :func:`_quote_rows`)."""
    query = (select(TextAnalysis.topic, TextAnalysis.confirmed_topic, TextAnalysis.sentiment, TextAnalysis.tokens,
                    TextAnalysis.source_id, TextAnalysis.source_id.label("response_id"), TextAnalysis.id,
                    TextAnalysis.topic_probability, TextAnalysis.arrived_at)
             .where(TextAnalysis.source_kind == TextSource.ANSWER, TextAnalysis.wave_id == wave_id)
             .order_by(TextAnalysis.id))
    return _stream(query).all()


def _words_of_wave(wave_id: int, allowed: set[int] | None) -> list[list[str]]:
    """The words of a wave's analysed answers, of ``allowed`` units (and of no known unit) when given."""
    query = (select(TextAnalysis.tokens, TextAnalysis.org_unit_id)
             .where(TextAnalysis.source_kind == TextSource.ANSWER, TextAnalysis.wave_id == wave_id))
    return [tokens.split() for tokens, unit in _stream(query)
            if allowed is None or unit is None or unit in allowed]


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


#: Candidate quotes read per topic (the most probable first); those the viewer may not see are skipped.
QUOTE_CANDIDATES = 200


def _quote_rows(code: str, members: list) -> list:
    """The most typical of ``members`` (visible rows of topic ``code``) with their quotes: staff-confirmed ones
    first, then predicted ones by probability. The order is made from rows already read; only the candidates'
    quotes are read, by id."""
    confirmed = [m for m in members if m.confirmed_topic == code]
    predicted = sorted((m for m in members if m.confirmed_topic is None), key=lambda m: (-m.topic_probability, m.id))
    candidates = (confirmed + predicted)[:2 * QUOTE_CANDIDATES]
    quotes = dict(_stream(select(TextAnalysis.id, TextAnalysis.quote)
                          .where(TextAnalysis.id.in_([m.id for m in candidates]), TextAnalysis.quote != "")).all())
    return [QuoteRow(quotes[m.id], m.tokens) for m in candidates if m.id in quotes]


@dataclass(frozen=True)
class QuoteRow:
    """A candidate quote and the words of its text."""

    quote: str
    tokens: str


def _themes(rows, names: dict[str, str]) -> tuple[Theme, ...]:
    by_topic: dict[str, list] = defaultdict(list)
    for r in rows:
        by_topic[r.confirmed_topic or r.topic].append(r)
    themes = []
    for code, members in sorted(by_topic.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        quotes = _quotes(_quote_rows(code, members))
        negative = 100.0 * sum(m.sentiment == "부정" for m in members) / len(members)
        themes.append(Theme(code, names.get(code, code), len(members), 100.0 * len(members) / len(rows), negative,
                            quotes))
    return tuple(themes)


def _offices(report: KeywordReport, labels: list[str]) -> tuple[OfficeTerms, ...]:
    counts = Counter(label for label in labels if label)
    shown = [name for name, n in counts.most_common() if n >= MIN_OFFICE_TEXTS][:OFFICES_SHOWN]
    return tuple(OfficeTerms(name, counts[name], report.groups.get(name, ())[:TERMS_PER_OFFICE]) for name in shown)


def _last_week(docs: list[list[str]], rows) -> tuple[tuple, str]:
    """Emerging words of the wave's last seven days against its days before."""
    if not rows:
        return (), ""
    cut = max(r.arrived_at for r in rows) - timedelta(days=7)
    old = [d for d, r in zip(docs, rows, strict=True) if r.arrived_at < cut]
    new = [d for d, r in zip(docs, rows, strict=True) if r.arrived_at >= cut]
    return (emerging([old, new]), "last_week") if old and new else ((), "")


def _emerging(wave: Wave, docs: list[list[str]], rows, units: Collection[int] | None, unit: int | None
              ) -> tuple[tuple, str]:
    earlier = [w for w in survey_waves(wave.survey_id) if w.id != wave.id
               and (w.opens_at or w.created_at) <= (wave.opens_at or wave.created_at)]
    if earlier:
        allowed = None if units is None else set(units)
        if unit is not None:
            allowed = subtree(unit) if allowed is None else allowed & subtree(unit)
        before = [_words_of_wave(w.id, allowed) for w in earlier]
        if sum(map(len, before)):
            return emerging([*before, docs]), "earlier_waves"
    return _last_week(docs, rows)


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
    docs = [r.tokens.split() for r in rows]
    labels = [unit_of.get(r.response_id, "") for r in rows]
    grouped = len({label for label in labels if label}) >= 2
    words = keywords(docs, labels if grouped else None, top=20)
    found, basis = _emerging(wave, docs, rows, units, unit)
    return VocReport(n=len(rows), themes=_themes(rows, names), sentiment=sentiment, terms=words.terms,
                     offices=_offices(words, labels) if grouped else (), emerging=found[:15], emerging_basis=basis,
                     unit_name=unit_name, pending=pending_count(wave))


def workbook_topics(wave: Wave, units: Collection[int] | None = None) -> tuple[VocTopic, ...]:
    """The workbook's VOC 주제 rows: each topic's count, share, negative share and best example (masked)."""
    unit_of = _visible(wave, units, None)
    rows = [r for r in _rows(wave.id) if r.response_id in unit_of]
    if not rows:
        return ()
    return tuple(VocTopic(t.name, t.count, t.share, t.negative, t.quotes[0] if t.quotes else "")
                 for t in _themes(rows, topic_names()))
