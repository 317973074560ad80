"""What the workbook is made from: small frozen dataclasses the app fills from its results.

Scores come as :class:`analysis.results.Estimate` (value, SE, CI, n) wherever
the analysis package produces one; the builders in :mod:`exports.adapt` turn
the other analysis results (``IndexResult``, ``SegmentComparisons``,
``QuadrantItem``, courtesy ``UnitScore``) into these rows. Units: scores and
indices on 0-100 points, NPS in points, shares as *percent* (CSAT 85.3 means
85.3 %; the workbook shows them with a percent format).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from analysis.contrasts import CONTRAST_METHOD
from analysis.drivers import QuadrantItem
from analysis.results import Estimate

__all__ = ["Change", "Contrast", "Kpi", "ScoreRow", "SegmentRow", "TrendSeries", "Trend", "Ipa", "CourtesyRow",
           "CourtesyTable", "FrequencyRow", "FrequencyTable", "ItemDriverRow", "VocEntry", "VocTopic", "CodebookEntry", "RawColumn",
           "RawData", "MethodNote", "PersonalDataRelease", "WorkbookInput", "KPI_KINDS", "RAW_KINDS",
           "CaseUnitRow", "CaseHandling", "TargetRow", "RepresentRow"]

#: How a KPI is shown: score/points "0.0", share (percent) "0.0%", mean "0.00", count "#,##0".
KPI_KINDS = ("score", "share", "mean", "count")
#: Kinds of raw-data columns; name/phone/email/text are personal data and masked by default.
RAW_KINDS = ("value", "id", "weight", "date", "label", "name", "phone", "email", "text")


@dataclass(frozen=True)
class Change:
    """Change since the previous wave: previous value, difference, p-value and significance."""

    previous: float
    difference: float
    pvalue: float | None = None
    significant: bool = False


@dataclass(frozen=True)
class Kpi:
    """One headline figure of the summary sheet (overall index, NPS, CSAT, CES, response rate, n)."""

    label: str
    value: float | None
    kind: str = "score"
    ci: tuple[float, float] | None = None
    n: int | None = None
    change: Change | None = None
    higher_is_better: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KPI_KINDS:
            raise ValueError(f"kind must be one of {KPI_KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class Contrast:
    """A dimension against the other dimensions: mean paired difference, adjusted p and significance
    (:func:`analysis.contrasts.dimension_contrasts`)."""

    difference: float
    pvalue: float | None = None
    significant: bool = False


@dataclass(frozen=True)
class ScoreRow:
    """The index, a dimension or an item on the 100-point scale, with its change since last wave.

    ``level`` is ``"index"``, ``"dimension"`` or ``"item"``; ``parent`` is the
    dimension code of an item. The first index row is the headline: the key findings and the
    segments sheet's total speak of it.
    """

    level: str
    code: str
    label: str
    estimate: Estimate
    change: Change | None = None
    parent: str = ""
    contrast: Contrast | None = None

    def __post_init__(self) -> None:
        if self.level not in ("index", "dimension", "item"):
            raise ValueError(f"level must be index, dimension or item, got {self.level!r}")


@dataclass(frozen=True)
class SegmentRow:
    """One segment (e.g. 지역=강원) against the organisation: its score and the tested difference.

    ``difference`` is the segment minus the rest (or minus the total), ``pvalue``
    the multiplicity-adjusted p-value (Holm unless the method note says otherwise).
    """

    variable: str
    segment: str
    estimate: Estimate
    difference: float | None = None
    pvalue: float | None = None
    significant: bool = False
    change: Change | None = None


@dataclass(frozen=True)
class TrendSeries:
    """One line of the trend chart: a value per wave (``None`` where the wave has none)."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Trend:
    """Index and dimensions across waves (oldest first); ``n`` responses per wave, optional."""

    waves: tuple[str, ...]
    series: tuple[TrendSeries, ...]
    n: tuple[int | None, ...] | None = None
    n_label: str = "응답 수"
    note: str = ""

    def __post_init__(self) -> None:
        for s in self.series:
            if len(s.values) != len(self.waves):
                raise ValueError(f"trend series {s.name!r} has {len(s.values)} values for {len(self.waves)} waves")


@dataclass(frozen=True)
class Ipa:
    """Importance-performance grid: items from :func:`analysis.drivers.importance_performance`."""

    items: tuple[QuadrantItem, ...]
    importance_cut: float
    performance_cut: float
    importance_label: str = "도출 중요도"
    performance_label: str = "만족도 (100점)"


@dataclass(frozen=True)
class ItemDriverRow:
    """One item's importance for overall satisfaction (with its interval), its score and its difference from
    the other items (adjusted p); ``priority`` when clearly more important than average and clearly lower."""

    label: str
    dimension: str
    importance: float
    importance_ci: tuple[float, float]
    performance: float
    difference: float
    pvalue: float | None
    priority: bool


@dataclass(frozen=True)
class CourtesyRow:
    """A staff member, team or office: stage scores, total, rank and flags."""

    unit: str
    n: int
    stages: Mapping[str, float]
    total: float
    se: float | None = None
    ci: tuple[float, float] | None = None
    rank: int | None = None
    below_minimum: bool = False
    below_threshold: bool = False
    rank_best: int | None = None
    rank_worst: int | None = None


@dataclass(frozen=True)
class CourtesyTable:
    """Courtesy ranking at one level (``level`` e.g. "우체국", "팀", "직원")."""

    level: str
    rows: tuple[CourtesyRow, ...]
    stage_points: Mapping[str, float] = field(default_factory=dict)
    threshold: float | None = None
    min_evaluations: int = 3
    evaluations_needed: int | None = None


@dataclass(frozen=True)
class FrequencyRow:
    """One choice of a question: its label, count and share in percent."""

    label: str
    count: float
    percent: float


@dataclass(frozen=True)
class FrequencyTable:
    """Answers to one question; ``multiple`` when a respondent may pick several choices."""

    code: str
    label: str
    rows: tuple[FrequencyRow, ...]
    n: int
    block: str = ""
    multiple: bool = False


@dataclass(frozen=True)
class VocEntry:
    """One open-ended answer with the segments of its respondent (e.g. {"지역": "서울"})."""

    question: str
    text: str
    segments: Mapping[str, str] = field(default_factory=dict)
    response_id: str = ""


@dataclass(frozen=True)
class VocTopic:
    """One topic (주제) of the open answers: name, number of answers, share and negative share (percent), an example."""

    name: str
    count: int
    share: float
    negative: float = 0.0
    example: str = ""


@dataclass(frozen=True)
class CodebookEntry:
    """One variable of the raw data: code, label, type and value labels (and the 모름/해당없음 codes)."""

    code: str
    label: str
    type: str = ""
    values: tuple[tuple[Any, str], ...] = ()
    missing: tuple[Any, ...] = ()
    dimension: str = ""
    note: str = ""


@dataclass(frozen=True)
class RawColumn:
    """A column of the raw data: its code, header label, kind (see :data:`RAW_KINDS`) and value labels."""

    code: str
    label: str = ""
    kind: str = "value"
    value_labels: Mapping[Any, str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in RAW_KINDS:
            raise ValueError(f"kind must be one of {RAW_KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class RawData:
    """Raw responses: the columns and an iterable of rows (one sequence per response, consumed once)."""

    columns: tuple[RawColumn, ...]
    rows: Iterable[Sequence[Any]]


@dataclass(frozen=True)
class MethodNote:
    """How the numbers were made, for the cover note (weights, CI level, tests, corrections)."""

    weights: str = "가중치 없음 (모든 응답 동일 가중)"
    confidence: float = 0.95
    tests: tuple[str, ...] = ("차수 간 변화: 독립 표본 z 검정 (차원·문항은 각각 Holm 보정)",
                              "세그먼트 비교: 설계 기반 t 검정 (세그먼트 대 나머지)", CONTRAST_METHOD)
    correction: str = "Holm 보정 (유의수준 5%)"
    alpha: float = 0.05
    scale: str = "척도를 100점으로 환산: (응답 − 최저점) ÷ (최고점 − 최저점) × 100"  # callers name the survey's scales
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonalDataRelease:
    """Permission to show personal data unmasked: who asked and for what stated purpose."""

    purpose: str
    requested_by: str

    def __post_init__(self) -> None:
        if not (self.purpose or "").strip():
            raise ValueError("purpose: state why the personal data is needed")
        if not (self.requested_by or "").strip():
            raise ValueError("requested_by: name the person who asked for the personal data")


@dataclass(frozen=True)
class CaseUnitRow:
    """One unit's VOC handling: counts, and shares as fractions 0–1 (None: nothing to divide)."""

    unit: str
    total: int
    backlog: int
    overdue: int
    closed: int
    within_deadline: float | None
    hours_to_first_contact: float | None
    days_to_close: float | None
    recovery: float | None


@dataclass(frozen=True)
class CaseHandling:
    """VOC 처리 현황: the whole (first row) and each unit, and the top root causes with their counts."""

    rows: tuple[CaseUnitRow, ...]
    root_causes: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class TargetRow:
    """An index or dimension against the target staff set: ``status`` is the judgement in words
    (달성 / 미달 / 판단 보류), made from the interval ``ci``, not from ``value`` alone."""

    label: str
    target: float
    value: float | None
    ci: tuple[float, float] | None
    status: str


@dataclass(frozen=True)
class RepresentRow:
    """One category of a weighting margin: responses, and its share (percent) of the sample, of the
    population and of the weighted sample."""

    variable: str
    category: str
    n: int
    sample_share: float
    population_share: float
    weighted_share: float


@dataclass(frozen=True)
class WorkbookInput:
    """Everything the executive workbook shows; any part left empty drops its sheet.

    See the :mod:`exports` package docstring for the meaning of each field.
    """

    survey: str
    wave: str
    generated_on: date
    kpis: tuple[Kpi, ...] = ()
    scores: tuple[ScoreRow, ...] = ()
    segments: tuple[SegmentRow, ...] = ()
    segment_measure: str = "종합지수"
    segment_total: Estimate | None = None
    trend: Trend | None = None
    ipa: Ipa | None = None
    item_drivers: tuple[ItemDriverRow, ...] = ()
    courtesy: tuple[CourtesyTable, ...] = ()
    frequencies: tuple[FrequencyTable, ...] = ()
    voc: Sequence[VocEntry] = ()
    voc_topics: tuple[VocTopic, ...] = ()
    codebook: tuple[CodebookEntry, ...] = ()
    raw: RawData | None = None
    raw_labels: bool = False
    method: MethodNote = field(default_factory=MethodNote)
    personal: PersonalDataRelease | None = None
    previous_wave: str = ""
    findings: tuple[str, ...] | None = None
    organisation: str = "우정사업본부 우편고객센터"
    cases: CaseHandling | None = None
    targets: tuple[TargetRow, ...] = ()
    representativeness: tuple[RepresentRow, ...] = ()
    glossary: tuple[tuple[str, str], ...] = ()
