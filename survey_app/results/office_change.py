"""Each office's headline score against its own score in the previous wave, for the results page.

The same test as the workbook's 세그먼트 sheet (``exports.adapt.changes``: a z test of the two waves'
independent estimates, Holm-adjusted over the offices), from the previous wave's stored result for the
same viewer as :func:`.stored.served_result` gives it: computed once and kept, and for a large wave never
computed yet, left out while the ``results-refresh`` job computes it (the page never waits on history).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from analysis.results import SMALL_N
from exports import Change, adapt
from questionnaires import QuestionnaireError

from ..models import Wave
from .build import survey_waves
from .model import Figure, WaveResult
from .stored import served_result

OFFICE = "office_code"


@dataclass(frozen=True)
class OfficeChange:
    """One office: its score now, in the previous wave (None when it had no responses then) and the change."""

    name: str
    now: Figure
    before: Figure | None
    change: Change | None


def _estimate(fig: Figure | None):
    return None if fig is None else fig.as_estimate()


def office_changes(result: WaveResult, before: WaveResult | None) -> tuple[OfficeChange, ...]:
    """Every office of ``result`` against the same office in ``before`` (Holm over the offices); an office
    with fewer than ``SMALL_N`` answers in either wave is shown but not judged."""
    table = next((t for t in result.segments if t.segment == OFFICE), None)
    if table is None or before is None:
        return ()
    earlier = {r.label: r.score for t in before.segments if t.segment == OFFICE for r in t.rows}
    found = adapt.changes([(r.score.as_estimate(), _estimate(earlier.get(r.label))) for r in table.rows],
                          min_n=SMALL_N)
    return tuple(OfficeChange(r.name, r.score, earlier.get(r.label), c) for r, c in zip(table.rows, found, strict=True))


def previous_office_changes(wave: Wave, result: WaveResult,
                            units: Collection[int] | None) -> tuple[str | None, tuple[OfficeChange, ...]]:
    """The previous wave's name and each office's change since it (empty when there is none or it cannot
    be scored)."""
    waves = survey_waves(wave.survey_id)
    position = next((i for i, w in enumerate(waves) if w.id == wave.id), 0)
    if position == 0:
        return None, ()
    previous = waves[position - 1]
    try:
        before = served_result(previous, units=units, confidence=result.confidence).result
    except (QuestionnaireError, ValueError):
        return previous.name, ()
    return previous.name, office_changes(result, before)
