"""Build a wave's :class:`~.model.WaveResult` from the database: load, count, score, trend, names.

A viewer limited to part of the organisation (``units``: the org-unit ids they may see, as given by
``web.access.visible_units``) gets the result of the responses of those units only: a response
belongs to its evaluated unit, else the evaluated staff member's unit, else the office or region
in its link; a response with none of these belongs to the survey's own unit.
"""
from __future__ import annotations

import time
from collections.abc import Collection
from datetime import UTC, datetime

import numpy as np
from flask import current_app
from sqlalchemy import select

from analysis import compare
from questionnaires import Questionnaire, QuestionnaireError

from ..database import db
from ..models import OrgLevel, OrgUnit, StaffMember, Survey, SurveyWeighting, Wave
from . import store
from .codec import decode
from .courtesy import Directory
from .loading import ORG_SEGMENTS, UNKNOWN, WaveData, load_wave, response_counts
from .model import Change, ResponseRate, TrendPoint, WaveInfo, WaveResult, Weighting
from .report import ScoredWave, score_loaded_wave
from .segments import LEVEL_NAMES
from .weighting import weight_wave

#: Trend points are scored at the 95% level, whatever the report's own level.
TREND_CONFIDENCE = 0.95


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def wave_info(wave: Wave) -> WaveInfo:
    """The wave and its survey, as plain values."""
    survey = wave.survey
    return WaveInfo(id=wave.id, code=wave.code, name=wave.name, state=str(wave.state), opens_at=_iso(wave.opens_at),
                    closes_at=_iso(wave.closes_at), survey_id=survey.id, survey_code=survey.code,
                    survey_title=survey.title, survey_kind=survey.kind, version=wave.version.number)


def survey_waves(survey_id: int) -> list[Wave]:
    """The survey's waves, oldest first (by opening time, else creation)."""
    waves = db.session.scalars(select(Wave).where(Wave.survey_id == survey_id)).all()
    return sorted(waves, key=lambda w: (w.opens_at or w.created_at, w.id))


# --- the organisation ------------------------------------------------------------------------------

def organisation() -> tuple[dict[int, tuple[str, str]], dict[int, int]]:
    """Every unit's (code, name) and its region (the regional unit above it, or itself)."""
    rows = db.session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.name, OrgUnit.parent_id, OrgUnit.level)).all()
    parent = {r.id: r.parent_id for r in rows}
    level = {r.id: r.level for r in rows}
    region_of = {}
    for unit in parent:
        current, seen = unit, set()
        while current is not None and current not in seen and level.get(current) != OrgLevel.REGIONAL:
            seen.add(current)
            current = parent.get(current)
        if current is not None and level.get(current) == OrgLevel.REGIONAL:
            region_of[unit] = current
    return {r.id: (r.code, r.name) for r in rows}, region_of


def directory(data: WaveData) -> Directory:
    """Names of the staff and units of a wave's evaluations."""
    units, region_of = organisation()
    staff_ids = np.unique(data.staff[data.staff != UNKNOWN]).tolist()
    staff = {}
    if staff_ids:
        staff = {r.id: (r.employee_no, r.name) for r in db.session.execute(
            select(StaffMember.id, StaffMember.employee_no, StaffMember.name).where(StaffMember.id.in_(staff_ids)))}
    return Directory(staff=staff, units=units, region_of=region_of)


def segment_names(found: Directory) -> dict[str, dict[str, str]]:
    """Shown names of segment levels: org units by name (unit code → unit name), channel and customer
    type codes by :data:`.segments.LEVEL_NAMES`."""
    by_code = {code: name for code, name in found.units.values()}
    return {**LEVEL_NAMES, **{name: by_code for name in ORG_SEGMENTS}}


# --- loading what a viewer may see -----------------------------------------------------------------

def visible_rows(data: WaveData, units: Collection[int], survey_unit: int | None) -> np.ndarray:
    """Rows of responses in ``units``; responses of no known unit count as the survey's own unit's."""
    own = survey_unit is not None and survey_unit in units
    inside = np.isin(data.units, np.fromiter(units, dtype=np.int64, count=len(units)))
    return inside | ((data.units == UNKNOWN) & own)


def load_for(wave: Wave, questionnaire: Questionnaire, units: Collection[int] | None) -> WaveData:
    """The wave's arrays, limited to ``units`` when given."""
    data = load_wave(wave.id, questionnaire)
    if units is None:
        return data
    return data.subset(visible_rows(data, units, wave.survey.org_unit_id))


def weighting_of(survey_id: int) -> SurveyWeighting | None:
    """The survey's weighting setting when it is applied (enabled with margins), else None."""
    setting = db.session.get(SurveyWeighting, survey_id)
    return setting if setting is not None and setting.digest != "off" else None


def weighting_digest(survey_id: int) -> str:
    """What a result's weights depend on ("off" when unweighted): part of stored results' watermarks."""
    setting = weighting_of(survey_id)
    return setting.digest if setting is not None else "off"


def load_weighted(wave: Wave, questionnaire: Questionnaire, units: Collection[int] | None,
                  found: Directory | None = None) -> tuple[WaveData, Weighting | None]:
    """The wave's arrays weighted to the survey's margins when staff chose 가중치 적용 (raked over the whole
    wave, then limited to ``units``), and how they were weighted (None: unweighted)."""
    setting = weighting_of(wave.survey_id)
    if setting is None:
        return load_for(wave, questionnaire, units), None
    data = load_wave(wave.id, questionnaire)
    names = segment_names(found or directory(data))
    data, summary = weight_wave(data, setting.margins, names, setting.source or "")
    if units is not None:
        data = data.subset(visible_rows(data, units, wave.survey.org_unit_id))
    return data, summary


def _counts(wave: Wave, units: Collection[int] | None, found: Directory) -> ResponseRate:
    codes = None if units is None else [found.units[u][0] for u in units if u in found.units]
    counts = response_counts(wave.id, codes, None if units is None else list(units))
    return ResponseRate(invitations=counts.invitations, started=counts.started, partial=counts.partial,
                        complete=counts.complete, rate=counts.rate, invited_complete=counts.invited_complete)


def top_units(units: Collection[int] | None, found: Directory) -> tuple[str, ...] | None:
    """Codes of the highest visible units (the viewer's grants), or None for everything."""
    if units is None:
        return None
    parents = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
    return tuple(sorted(found.units[u][0] for u in units if parents.get(u) not in units and u in found.units))


# --- results ---------------------------------------------------------------------------------------

def wave_result(wave: Wave, *, units: Collection[int] | None = None, confidence: float = 0.95) -> WaveResult:
    """The full result of ``wave`` (only ``units``' responses when given). Raises QuestionnaireError."""
    questionnaire = wave.version.questionnaire
    data, weighting = load_weighted(wave, questionnaire, units)
    found = directory(data)
    scored = score_loaded_wave(data, questionnaire, segment_names=segment_names(found), directory=found,
                               min_evaluations=current_app.config.get("COURTESY_MIN_EVALUATIONS", 3),
                               confidence=confidence)
    return WaveResult(
        wave=wave_info(wave), response_rate=_counts(wave, units, found), n=scored.n,
        restricted_to=top_units(units, found), headline=scored.headline, headline_code=scored.headline_code,
        indices=scored.indices, dimensions=scored.dimensions, items=scored.items, kpis=scored.kpis,
        segments=scored.segments, trend=survey_trend(wave.survey, units=units, until=wave, current=scored),
        courtesy=scored.courtesy, drivers=scored.drivers, confidence=confidence,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"), warnings=scored.warnings,
        coverage=scored.coverage, weighting=weighting)


def _light_score(wave: Wave, units: Collection[int] | None) -> ScoredWave | None:
    """Headline and KPIs of another wave (None when its questionnaire cannot be read)."""
    try:
        questionnaire = wave.version.questionnaire
    except QuestionnaireError:
        return None
    return score_loaded_wave(load_weighted(wave, questionnaire, units)[0], questionnaire, full=False)


def trend_scores(waves: list[Wave], units: Collection[int] | None) -> dict[int, ScoredWave | None]:
    """Each wave's trend score, from its stored trend point when the wave's answers have not changed since;
    otherwise scored now and stored, so a later report does not rescore it."""
    marks = store.watermarks(waves)
    digest = weighting_digest(waves[0].survey_id) if waves else "off"
    if digest != "off":  # a weighted trend point is another result than the unweighted one
        marks = {wave_id: f"{mark}|w={digest}" for wave_id, mark in marks.items()}
    scope, _ids = store.scope_of(units)
    rows = store.find_many([w.id for w in waves], store.TREND, scope, TREND_CONFIDENCE)
    scores: dict[int, ScoredWave | None] = {}
    for wave in waves:
        row = rows.get(wave.id)
        if store.is_fresh(row, marks[wave.id]):
            scores[wave.id] = decode(row.payload, ScoredWave)
            continue
        started = time.perf_counter()
        scores[wave.id] = scored = _light_score(wave, units)
        if scored is not None:
            store.save(wave.id, store.TREND, units, TREND_CONFIDENCE, marks[wave.id], scored,
                       time.perf_counter() - started)
    return scores


def _change(current: ScoredWave | None, previous: ScoredWave | None) -> Change | None:
    """Wave-over-wave change of the headline (``compare.wave_change``) when both have one."""
    if current is None or previous is None or current.headline_code != previous.headline_code:
        return None
    now, before = current.headline_estimate(), previous.headline_estimate()
    if now is None or before is None:
        return None
    test = compare.wave_change(now, before)
    return Change(difference=test.estimate, se=test.se, ci_low=test.ci[0], ci_high=test.ci[1],
                  statistic=test.statistic, pvalue=test.pvalue, significant=bool(test.pvalue < 0.05))


def survey_trend(survey: Survey, *, units: Collection[int] | None = None, until: Wave | None = None,
                 current: ScoredWave | None = None) -> tuple[TrendPoint, ...]:
    """One point per wave of ``survey`` (up to ``until``), each with its change from the previous one."""
    waves = survey_waves(survey.id)
    if until is not None and any(w.id == until.id for w in waves):
        waves = waves[:next(i for i, w in enumerate(waves) if w.id == until.id) + 1]
    given = until.id if until is not None and current is not None else None
    stored = trend_scores([w for w in waves if w.id != given], units)
    points, previous = [], None
    for wave in waves:
        scored = current if wave.id == given else stored[wave.id]
        kpis = scored.kpis if scored else {}
        points.append(TrendPoint(
            wave_id=wave.id, wave_code=wave.code, wave_name=wave.name, opens_at=_iso(wave.opens_at),
            n=scored.n if scored else 0, score=scored.headline if scored else None,
            nps=kpis["nps"].score if "nps" in kpis else None, csat=kpis["csat"].score if "csat" in kpis else None,
            change=_change(scored, previous), dimensions=dict(scored.dimension_points) if scored else {}))
        previous = scored
        if until is not None and wave.id == until.id:
            break
    return tuple(points)
