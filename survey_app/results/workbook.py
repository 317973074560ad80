"""A wave's executive Excel workbook: its :class:`~.model.WaveResult` adapted into :class:`exports.WorkbookInput`.

Changes since the previous wave (dimensions and items, Holm-corrected per family) come from the
previous wave's scores, computed for the same viewer's units. Raw rows are streamed from the
database while the file is written. Personal data: responses carry none of the contacts' data
(those stay encrypted in the contact tables); telephone numbers and e-mail addresses typed into
open answers are masked.
"""
from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import replace
from datetime import date, tzinfo
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from flask import current_app

from analysis.contrasts import CONTRAST_METHOD
from analysis.drivers import QuadrantItem
from analysis.results import SMALL_N, Estimate
from exports import (
    Contrast,
    CourtesyRow,
    CourtesyTable,
    ItemDriverRow,
    Kpi,
    MethodNote,
    PersonalDataRelease,
    RawData,
    RepresentRow,
    ScoreRow,
    SegmentRow,
    TargetRow,
    Trend,
    TrendSeries,
    VocEntry,
    WorkbookInput,
    WorkbookSummary,
    adapt,
    write_workbook,
)
from questionnaires import Questionnaire

from ..cases.reporting import case_handling
from ..models import Wave
from ..voc.report import workbook_topics
from .build import load_for, survey_waves
from .export_data import codebook, frequencies, open_answers, present_codes, raw_columns, raw_rows
from .glossary import korean_terms
from .loading import WaveData
from .model import Coverage, DimensionScore, Figure, UnitRank, WaveResult, Weighting
from .report import ScoredWave
from .segments import TITLES as SEGMENT_TITLES
from .stored import fresh_result
from .targets import STATUS_KO, TargetCheck, target_checks

__all__ = ["workbook_input", "export_wave"]

KPI_LABELS = {"nps": ("NPS (순추천지수)", "score"), "csat": ("CSAT (만족 비율)", "share"),
              "ces": ("CES (고객 노력 점수)", "mean"), "overall": ("전반적 만족", "score"),
              "repurchase": ("재이용 의향", "score")}
LEVELS = {"staff": "직원", "team": "팀", "unit": "우체국·팀", "office": "우체국", "region": "지방우정청"}
LEVEL_ORDER = ("region", "office", "unit", "team", "staff")


def _est(fig: Figure | None) -> Estimate | None:
    """A result figure as an :class:`analysis.Estimate` (all on one statistic so changes can be tested)."""
    if fig is None:
        return None
    return Estimate(value=fig.value, se=fig.se, ci=(fig.ci_low, fig.ci_high), n=fig.n, weighted_n=fig.weighted_n,
                    statistic="mean", method=fig.method)


def _headline_label(result: WaveResult) -> str:
    return next((i.name for i in result.indices if i.headline), "대표 지표")


def _kpis(result: WaveResult, before: ScoredWave | None) -> tuple[Kpi, ...]:
    prev = before.kpis if before else {}
    rows = [adapt.kpi(_headline_label(result), _est(result.headline), "score",
                      _est(before.headline) if before else None)]
    for role, kpi in result.kpis.items():
        label, kind = KPI_LABELS.get(role, (role, "score"))
        rows.append(adapt.kpi(label, _est(kpi.score), kind, _est(prev[role].score) if role in prev else None))
    rate = result.response_rate
    if rate.rate is not None:  # the 응답 수 column is for responses: the invitations go in the note
        others = rate.complete - rate.invited_complete
        note = f"초대 {rate.invitations:,}명 중 완료 {rate.invited_complete:,}명"
        if others > 0:
            note += f" · 공개 링크·키오스크 완료 {others:,}명은 응답률에 넣지 않았습니다"
        rows.append(Kpi("응답률", rate.rate, "share", note=note))
    rows.append(Kpi("완료 응답 수", float(result.n), "count"))
    cov = result.coverage
    if cov is not None and cov.scored != cov.complete:
        rows.append(Kpi("점수를 낸 응답 수", float(cov.scored), "count", note=coverage_note(cov)))
    return tuple(rows)


def coverage_note(cov: Coverage) -> str:
    """Who is scored and why the other complete responses are not, in one sentence."""
    parts = []
    if cov.not_asked:
        parts.append(f"선별 질문에 따라 평가 문항을 보지 않은 응답(비이용자 등) {cov.not_asked:,}건")
    if cov.no_answer:
        parts.append(f"평가 문항에 모두 답하지 않았거나 '모름/해당없음'만 고른 응답 {cov.no_answer:,}건")
    return (f"완료 응답 {cov.complete:,}건 중 {cov.scored:,}건을 점수에 넣었습니다"
            + (": 빠진 것은 " + ", ".join(parts) + "입니다." if parts else "."))


def _scores(result: WaveResult, before: ScoredWave | None) -> tuple[ScoreRow, ...]:
    idx = {i.code: i for i in before.indices} if before else {}
    headline_first = sorted(result.indices, key=lambda i: not i.headline)  # the findings speak of the first
    rows = [ScoreRow("index", i.code, i.name, _est(i.score),
                     adapt.change_between(_est(i.score), _est(idx[i.code].score) if i.code in idx else None))
            for i in headline_first]
    dims = {d.code: d for d in before.dimensions} if before else {}
    changes = adapt.changes([(_est(d.score), _est(dims[d.code].score) if d.code in dims else None)
                             for d in result.dimensions])
    rows += [ScoreRow("dimension", d.code, d.name, _est(d.score), ch, contrast=_contrast(d))
             for d, ch in zip(result.dimensions, changes, strict=True)]
    items = {i.code: i for i in before.items} if before else {}
    changes = adapt.changes([(_est(i.score), _est(items[i.code].score) if i.code in items else None)
                             for i in result.items])
    rows += [ScoreRow("item", i.code, i.label, _est(i.score), ch, i.dimension) for i, ch in zip(result.items, changes, strict=True)]
    return tuple(rows)


def _contrast(d: DimensionScore) -> Contrast | None:
    """The dimension against the others (paired test, Holm), when it could be tested."""
    if not math.isfinite(d.versus_others):
        return None
    p = d.versus_others_p if math.isfinite(d.versus_others_p) else None
    return Contrast(d.versus_others, p, d.standing in ("above", "below"))


def _segments(result: WaveResult, before: ScoredWave | None) -> tuple[SegmentRow, ...]:
    """Each segment's score against the rest, and its change since the same segment's score last wave
    (z test, Holm-corrected within each segment table, e.g. over the offices)."""
    earlier = {(t.segment, r.label): r.score for t in before.segments for r in t.rows} if before else {}
    rows = []
    for table in result.segments:
        changes = adapt.changes([(_est(r.score), _est(earlier.get((table.segment, r.label)))) for r in table.rows],
                                min_n=SMALL_N)
        rows += [SegmentRow(table.title, row.name, _est(row.score), row.difference, row.adjusted_pvalue,
                            row.significant, change=change) for row, change in zip(table.rows, changes, strict=True)]
    return tuple(rows)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _trend(result: WaveResult) -> Trend | None:
    """The headline and one line per dimension (this wave's first, then any only earlier waves had)."""
    points = [p for p in result.trend if p.score is not None]
    if len(points) < 2:
        return None
    names = {d.code: d.name or d.code for d in result.dimensions}
    for point in points:
        for code in point.dimensions:
            names.setdefault(code, code)
    series = [TrendSeries(_headline_label(result), tuple(_finite(p.score.value) for p in points))]
    series += [TrendSeries(name, tuple(_finite(p.dimensions.get(code)) for p in points)) for code, name in names.items()]
    return Trend(tuple(p.wave_name for p in points), tuple(series), tuple(p.score.n for p in points),
                 n_label="점수를 낸 응답 수",
                 note="응답 수는 차수마다 대표 지수를 낸 응답입니다 (완료 응답 가운데 선별 질문으로 평가 문항을 보지 않았거나 "
                      "평가 문항에 답하지 않은 응답은 뺐습니다).")


def _ipa(result: WaveResult):
    if result.drivers is None or not result.drivers.rows:
        return None
    items = [QuadrantItem(r.name, r.relative_share, r.performance, r.quadrant, r.high_importance, r.high_performance,
                          settled=r.settled, importance_ci=_interval(r.importance_low, r.importance_high),
                          performance_ci=_interval(r.performance_low, r.performance_high))
             for r in result.drivers.rows]
    cuts = result.drivers
    return adapt.ipa(items, _finite(cuts.importance_cut), _finite(cuts.performance_cut),
                     importance_label="상대 중요도 (%)")


def _item_drivers(result: WaveResult) -> tuple[ItemDriverRow, ...]:
    """Item-level drivers, with the dimension's name."""
    if result.drivers is None:
        return ()
    names = {d.code: d.name for d in result.dimensions}
    return tuple(ItemDriverRow(i.label, names.get(i.dimension, i.dimension), i.relative_share,
                               (i.importance_low, i.importance_high), i.performance, i.versus_others,
                               _finite(i.versus_others_p), i.priority) for i in result.drivers.items)


def _interval(low: float, high: float) -> tuple[float, float] | None:
    return (low, high) if math.isfinite(low) and math.isfinite(high) else None


def _stage_scores(unit: UnitRank, points: dict[str, float]) -> dict[str, float]:
    """A unit's mean stage percents (as the courtesy results page shows them) in points of each stage."""
    return {stage: percent * points[stage] / 100 if stage in points else percent
            for stage, percent in unit.stages.items()}


def _courtesy_rows(ranks: tuple[UnitRank, ...], points: dict[str, float], threshold: float | None):
    return tuple(CourtesyRow(u.name, u.n, _stage_scores(u, points), u.mean, u.se, (u.ci_low, u.ci_high), u.rank,
                             u.below_minimum, below_threshold=threshold is not None and u.mean < threshold,
                             rank_best=u.rank_best, rank_worst=u.rank_worst)
                 for u in ranks)


def _courtesy(result: WaveResult) -> tuple[CourtesyTable, ...]:
    """Per region, office/team and staff member: stage scores, total, rank, evaluations and flags."""
    threshold = float(current_app.config.get("COURTESY_THRESHOLD") or 0) or None
    tables = []
    for checklist in result.courtesy:
        for level in sorted(checklist.rankings, key=lambda lv: LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else 9):
            rows = _courtesy_rows(checklist.rankings[level], checklist.stage_points, threshold)
            if rows:
                tables.append(CourtesyTable(f"{checklist.name} · {LEVELS.get(level, level)}", rows,
                                            stage_points=dict(checklist.stage_points), threshold=threshold,
                                            min_evaluations=checklist.min_evaluations,
                                            evaluations_needed=checklist.evaluations_needed))
    return tuple(tables)


def _previous(wave: Wave, units: Collection[int] | None) -> tuple[Wave | None, WaveResult | None]:
    """The wave before ``wave`` in its survey and its full scores (None when there is none)."""
    waves = survey_waves(wave.survey_id)
    position = next((i for i, w in enumerate(waves) if w.id == wave.id), 0)
    if position == 0:
        return None, None
    previous = waves[position - 1]
    return previous, fresh_result(previous, units=units)  # stored once computed: history is not rescored


def _scale(result: WaveResult) -> str:
    """How answers became 100-point scores, for the scales this wave's items use."""
    scales = sorted({(i.points, i.low) for i in result.items})
    parts = [f"{k}점 척도를 100점으로 환산: (응답 − {low}) ÷ {k - 1} × 100" for k, low in scales if k > 1]
    if result.courtesy:
        parts.append("친절도: 항목 배점 × (등급 − 최저 등급) ÷ (최고 − 최저 등급), 평가하지 않은 항목은 빼고 100점으로 환산")
    return "; ".join(parts) or "점수로 환산한 문항 없음"


def _voc(entries: tuple[VocEntry, ...], result: WaveResult) -> tuple[VocEntry, ...]:
    """Open answers with their segments under the segment titles and shown names (가우체국, not P-A)."""
    shown = {t.segment: {r.label: r.name for r in t.rows} for t in result.segments}
    return tuple(replace(e, segments={SEGMENT_TITLES.get(k, (k,))[0]: shown.get(k, {}).get(v, v)
                                      for k, v in e.segments.items()}) for e in entries)


def weighting_note(wt: Weighting) -> str:
    """How the estimates were weighted, in one sentence (the workbook's 가중치 line)."""
    method = "레이킹" if wt.method == "rake" else "사후 층화"
    source = f" (출처: {wt.source})" if wt.source else ""
    return (f"가중치 적용 — 모집단 비율({', '.join(wt.variables)}){source}에 맞춘 {method} 가중치. 설계효과 "
            f"{wt.design_effect:.2f}, 유효 표본 수 {wt.effective_n:,.0f}건 (응답 {wt.n:,}건): 신뢰구간은 가중치를 "
            "반영한 테일러 선형화 표준오차로 계산해 그만큼 넓습니다.")


def _targets(checks: tuple[TargetCheck, ...]) -> tuple[TargetRow, ...]:
    """Targets with the score, its interval and the judgement, in Korean."""
    rows = []
    for c in checks:
        ci = _interval(c.score.ci_low, c.score.ci_high)
        rows.append(TargetRow(c.measure.name, c.target, _finite(c.score.value), ci,
                              STATUS_KO.get(c.status, "판단할 수 없음 (점수 없음)")))
    return tuple(rows)


def _representativeness(wt: Weighting | None) -> tuple[RepresentRow, ...]:
    if wt is None:
        return ()
    return tuple(RepresentRow(s.title, s.name, s.n, s.sample_share, s.population_share, s.weighted_share)
                 for s in wt.shares)


def _method(result: WaveResult, data: WaveData) -> MethodNote:
    weights = "응답 가중치 사용 (설계 기반 표준오차)" if data.weights is not None else "가중치 없음 (모든 응답 동일 가중)"
    if result.weighting is not None:
        weights = weighting_note(result.weighting)
    return MethodNote(weights=weights, confidence=result.confidence, scale=_scale(result),
                      tests=("차수 간 변화: 독립 표본 z 검정 (차원·문항은 각각 Holm 보정)",
                             "세그먼트 비교: 설계 기반 t 검정 (세그먼트 대 나머지 응답자)", CONTRAST_METHOD,
                             "중요도-만족도 사분면: 중요도의 부트스트랩 95% 구간이 평균을 벗어나고 만족도가 다른 차원과 "
                             "유의하게 다를 때만 정함 (아니면 '판단 보류')"),
                      notes=(coverage_note(result.coverage),) * bool(result.coverage) + tuple(result.warnings[:5]))


def local_zone() -> tzinfo:
    """The app's time zone (``SURVEY_TIMEZONE``), in which times are shown."""
    return ZoneInfo(current_app.config.get("TIMEZONE") or "Asia/Seoul")


def workbook_input(wave: Wave, *, units: Collection[int] | None = None, confidence: float = 0.95,
                   labels: bool = False, today: date | None = None,
                   personal: PersonalDataRelease | None = None, result: WaveResult | None = None) -> WorkbookInput:
    """Everything the workbook of ``wave`` shows (only ``units``' responses when given; personal data in
    open answers unmasked only with a ``personal`` release, which the caller has checked and logged).
    ``result``: the wave's result for these units and confidence, when the caller has it already."""
    questionnaire: Questionnaire = wave.version.questionnaire
    result = result or fresh_result(wave, units=units, confidence=confidence)
    data = load_for(wave, questionnaire, units)
    previous, before = _previous(wave, units)
    visible = None if units is None else set(data.response_ids.tolist())
    columns = raw_columns(questionnaire, present_codes(wave.id))
    checks = target_checks(result, wave.survey)  # compared now: a changed target needs no recomputation
    return WorkbookInput(
        survey=wave.survey.title, wave=wave.name, previous_wave=previous.name if previous else "",
        generated_on=today or date.today(), kpis=_kpis(result, before), scores=_scores(result, before),
        segments=_segments(result, before), segment_measure=_headline_label(result), trend=_trend(result),
        ipa=_ipa(result), item_drivers=_item_drivers(result), courtesy=_courtesy(result), frequencies=frequencies(wave.id, questionnaire, visible),
        voc=_voc(open_answers(wave.id, questionnaire, data), result), voc_topics=workbook_topics(wave, units),
        codebook=codebook(questionnaire, columns),
        raw=RawData(columns, raw_rows(wave.id, questionnaire, visible, local_zone(), columns)),
        raw_labels=labels, personal=personal,
        method=_method(result, data), cases=case_handling(units), targets=_targets(checks),
        representativeness=_representativeness(result.weighting),
        glossary=korean_terms(result, targets=bool(checks)))


def export_wave(wave: Wave, target: str | Path | IO[bytes], **options) -> WorkbookSummary:
    """Write the workbook of ``wave`` to a path or binary stream (options as :func:`workbook_input`)."""
    return write_workbook(workbook_input(wave, **options), target)
