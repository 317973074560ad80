"""Scoring metadata in the form the analysis package needs: items, dimensions, KPIs, checklists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from . import vocab
from .model import ChoiceValue, MatrixRow, Question, Scoring, Text

if TYPE_CHECKING:
    from .model import Questionnaire


@dataclass(frozen=True)
class ScoredItem:
    """One scored answer code with everything needed to turn answers into points.

    Values run from `scale_min` to `scale_max`; `na_codes` are left out; with `reverse` the
    value x counts as scale_min + scale_max - x. Checklist items earn
    `points * (x - scale_min) / (scale_max - scale_min)`.
    """

    code: str
    question: str
    type: str
    label: Text
    dimension: str | None
    reverse: bool
    weight: float
    kpi: str | None
    checklist: str | None
    stage: str | None
    points: float | None
    scale_min: int | None
    scale_max: int | None
    na_codes: tuple[ChoiceValue, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        out = asdict(self)
        out["label"] = {"ko": self.label.ko, "en": self.label.en}
        out["na_codes"] = list(self.na_codes)
        return out


@dataclass(frozen=True)
class DimensionSpec:
    """A dimension's items, item weights and reverse flags (parallel tuples)."""

    code: str
    name: Text
    items: tuple[str, ...]
    weights: tuple[float, ...]
    reverse: tuple[bool, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {"code": self.code, "name": {"ko": self.name.ko, "en": self.name.en},
                "items": list(self.items), "weights": list(self.weights), "reverse": list(self.reverse)}


@dataclass(frozen=True)
class ChecklistSpec:
    """A courtesy checklist: its items (with stage and points) in questionnaire order."""

    code: str
    name: Text
    total: float
    items: tuple[ScoredItem, ...]
    credit: str = "linear"

    def stages(self) -> dict[str, tuple[str, ...]]:
        """Item codes per stage, stages in 맞이 → 응대 → 마무리 → 전체 order."""
        return {stage: tuple(i.code for i in self.items if i.stage == stage)
                for stage in vocab.STAGES if any(i.stage == stage for i in self.items)}


def _value_range(question: Question) -> tuple[int | None, int | None]:
    scale = question.effective_scale
    if scale is not None:
        return scale.low, scale.high
    values = [c.value for c in question.choices or () if not c.na and isinstance(c.value, int)]
    return (min(values), max(values)) if values else (None, None)


def _item(question: Question, row: MatrixRow | None, scoring: Scoring, checklist: str | None) -> ScoredItem:
    low, high = _value_range(question)
    return ScoredItem(
        code=row.code if row else question.code, question=question.code, type=question.type,
        label=row.text if row else question.text, dimension=scoring.dimension, reverse=scoring.reverse,
        weight=scoring.weight, kpi=scoring.kpi,
        checklist=(scoring.checklist or checklist) if scoring.points is not None else None,
        stage=scoring.stage, points=scoring.points, scale_min=low, scale_max=high,
        na_codes=question.na_codes,
    )


def _sites(q: Questionnaire) -> Iterator[tuple[Question, MatrixRow | None, Scoring]]:
    for question in q.all_questions():
        if question.scoring is not None:
            yield question, None, question.scoring
        for row in question.rows:
            if row.scoring is not None:
                yield question, row, row.scoring


def scored_items(q: Questionnaire) -> list[ScoredItem]:
    """Every item with scoring metadata, in questionnaire order."""
    only = q.scoring.checklists[0].code if len(q.scoring.checklists) == 1 else None
    return [_item(question, row, scoring, only) for question, row, scoring in _sites(q)]


def dimension_specs(q: Questionnaire) -> list[DimensionSpec]:
    """Each declared dimension with its item codes, weights and reverse flags."""
    items = scored_items(q)
    specs = []
    for dimension in q.scoring.dimensions:
        members = [i for i in items if i.dimension == dimension.code]
        specs.append(DimensionSpec(dimension.code, dimension.name, tuple(i.code for i in members),
                                   tuple(i.weight for i in members), tuple(i.reverse for i in members)))
    return specs


def kpi_items(q: Questionnaire) -> dict[str, ScoredItem]:
    """The item playing each KPI role (nps, csat, ces, overall, repurchase, resolution)."""
    return {item.kpi: item for item in scored_items(q) if item.kpi}


def checklist_specs(q: Questionnaire) -> list[ChecklistSpec]:
    """Each courtesy checklist with its items."""
    items = scored_items(q)
    return [ChecklistSpec(c.code, c.name, c.total, tuple(i for i in items if i.checklist == c.code), c.credit)
            for c in q.scoring.checklists]


def scoring_plan(q: Questionnaire) -> dict[str, Any]:
    """Everything about scoring as one JSON-serialisable dict (items, dimensions, indices, KPIs, checklists)."""
    return {
        "items": [i.to_dict() for i in scored_items(q)],
        "dimensions": [d.to_dict() for d in dimension_specs(q)],
        "indices": [{"code": i.code, "name": {"ko": i.name.ko, "en": i.name.en}, "method": i.method,
                     "total": i.total, "weights": dict(i.weights)} for i in q.scoring.indices],
        "kpis": {role: item.code for role, item in kpi_items(q).items()},
        "checklists": [{"code": c.code, "name": {"ko": c.name.ko, "en": c.name.en}, "total": c.total,
                        "credit": c.credit, "stages": {s: list(codes) for s, codes in c.stages().items()},
                        "points": {i.code: i.points for i in c.items}} for c in checklist_specs(q)],
    }
