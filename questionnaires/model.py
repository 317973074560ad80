"""Immutable model of a questionnaire: sections, questions, choices, scales, scoring."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import vocab

if TYPE_CHECKING:
    from .answers import AnswerField
    from .scoring import DimensionSpec, ScoredItem

ChoiceValue = int | str


@dataclass(frozen=True)
class Text:
    """A text in Korean (primary) and English."""

    ko: str = ""
    en: str = ""

    def __bool__(self) -> bool:
        return bool(self.ko or self.en)

    def get(self, lang: str = "ko") -> str:
        """Return the text in `lang`, falling back to Korean."""
        return (self.en or self.ko) if lang == "en" else (self.ko or self.en)


@dataclass(frozen=True)
class Choice:
    """One answer option; `na` marks 모름/해당없음, excluded from scoring."""

    value: ChoiceValue
    label: Text
    na: bool = False
    exclusive: bool = False
    other: bool = False


@dataclass(frozen=True)
class ChoiceList:
    """Answer options, either named and shared (`name`) or inline in one question (`name=None`)."""

    name: str | None
    choices: tuple[Choice, ...]

    def __iter__(self) -> Iterator[Choice]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def values(self) -> tuple[ChoiceValue, ...]:
        """Return every choice value in order."""
        return tuple(c.value for c in self.choices)

    def na_values(self) -> tuple[ChoiceValue, ...]:
        """Return the values excluded from scoring."""
        return tuple(c.value for c in self.choices if c.na)

    def get(self, value: Any) -> Choice | None:
        """Return the choice with this value (numeric strings match numbers)."""
        for choice in self.choices:
            if choice.value == value or str(choice.value) == str(value):
                return choice
        return None


@dataclass(frozen=True)
class ScaleLabel:
    """An anchor label on one point of a scale."""

    value: int
    label: Text


@dataclass(frozen=True)
class Scale:
    """A numeric scale `start .. start+points-1` with anchor labels and an optional N/A option."""

    points: int
    start: int = 1
    labels: tuple[ScaleLabel, ...] = ()
    na: Choice | None = None
    name: str | None = None

    @property
    def low(self) -> int:
        """The lowest scored value."""
        return self.start

    @property
    def high(self) -> int:
        """The highest scored value."""
        return self.start + self.points - 1

    def values(self) -> tuple[int, ...]:
        """Return the scored values, lowest first."""
        return tuple(range(self.low, self.high + 1))

    def label_for(self, value: int) -> Text:
        """Return the anchor label of a point (empty Text when unlabelled)."""
        for item in self.labels:
            if item.value == value:
                return item.label
        return self.na.label if self.na and self.na.value == value else Text()


NPS_SCALE = Scale(points=vocab.NPS_POINTS, start=0)


@dataclass(frozen=True)
class Scoring:
    """How a question counts: dimension, reverse coding, KPI role, checklist stage and points."""

    dimension: str | None = None
    reverse: bool = False
    weight: float = 1
    kpi: str | None = None
    checklist: str | None = None
    stage: str | None = None
    points: float | None = None


@dataclass(frozen=True)
class MatrixRow:
    """One row of a matrix question; it is answered and scored as an item of its own."""

    code: str
    text: Text
    scoring: Scoring | None = None


@dataclass(frozen=True)
class Question:
    """One question (or hidden field, computed value or note) with a stable code."""

    code: str
    type: str
    text: Text = Text()
    help: Text = Text()
    required: bool = True
    show_if: str | None = None
    skip_if: str | None = None
    choices: ChoiceList | None = None
    scale: Scale | None = None
    rows: tuple[MatrixRow, ...] = ()
    min_selected: int | None = None
    max_selected: int | None = None
    min: float | None = None
    max: float | None = None
    unit: Text = Text()
    integer: bool = False
    randomize: bool = False
    value: str | None = None
    source: str | None = None
    scoring: Scoring | None = None

    @property
    def na_codes(self) -> tuple[ChoiceValue, ...]:
        """Values that mean 모름/해당없음 and are left out of scoring."""
        if self.choices is not None:
            return self.choices.na_values()
        scale = self.effective_scale
        return (scale.na.value,) if scale and scale.na else ()

    @property
    def effective_scale(self) -> Scale | None:
        """The scale answers are given on (NPS questions default to 0-10)."""
        if self.scale is None and self.type == vocab.NPS:
            return NPS_SCALE
        return self.scale

    @property
    def distribution_source(self) -> str:
        """For a hidden field: the distribution value that fills it."""
        return self.source or self.code


@dataclass(frozen=True)
class Section:
    """A page of questions, shown or skipped as a whole."""

    code: str
    title: Text = Text()
    description: Text = Text()
    show_if: str | None = None
    skip_if: str | None = None
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Dimension:
    """A scoring dimension such as 과정품질 (process quality)."""

    code: str
    name: Text


@dataclass(frozen=True)
class Index:
    """A weighted index over dimensions, e.g. a PCSI- or KCSI-style score."""

    code: str
    name: Text
    weights: tuple[tuple[str, float], ...]
    total: float = 1
    method: str = "mean100"

    @property
    def weight_map(self) -> dict[str, float]:
        """Weights by dimension code."""
        return dict(self.weights)


@dataclass(frozen=True)
class Checklist:
    """A courtesy (친절도) checklist whose item points sum to `total`.

    `credit` names the rule that turns an item's level into a share of its points (``linear``: the
    lowest level earns none, the highest all; ``proportional``: level / highest level).
    """

    code: str
    name: Text
    total: float = 100
    credit: str = "linear"


@dataclass(frozen=True)
class ScoringConfig:
    """Questionnaire-wide scoring declarations."""

    dimensions: tuple[Dimension, ...] = ()
    indices: tuple[Index, ...] = ()
    checklists: tuple[Checklist, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    """A complete, versioned questionnaire definition."""

    code: str
    title: Text
    kind: str
    version: int = 1
    description: Text = Text()
    closing: Text = Text()
    hidden: tuple[Question, ...] = ()
    sections: tuple[Section, ...] = ()
    choice_lists: tuple[ChoiceList, ...] = ()
    scales: tuple[Scale, ...] = ()
    scoring: ScoringConfig = field(default_factory=ScoringConfig)

    def questions(self) -> Iterator[Question]:
        """Yield the questions of every section in order (hidden fields excluded)."""
        for section in self.sections:
            yield from section.questions

    def all_questions(self) -> Iterator[Question]:
        """Yield hidden fields first, then every section question."""
        yield from self.hidden
        yield from self.questions()

    def question(self, code: str) -> Question | None:
        """Return the question or hidden field with this code, or None."""
        return next((q for q in self.all_questions() if q.code == code), None)

    def section_of(self, code: str) -> Section | None:
        """Return the section holding the question with this code."""
        return next((s for s in self.sections if any(q.code == code for q in s.questions)), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the canonical plain dict (JSON-serialisable; the YAML file has the same shape)."""
        from .serialize import questionnaire_to_dict
        return questionnaire_to_dict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Questionnaire:
        """Build and validate a questionnaire from its dict form; raises QuestionnaireError."""
        from .validation import build
        return build(data)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON: equal definitions give equal fingerprints."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def answer_fields(self) -> list[AnswerField]:
        """Every stored answer (one per code: matrix rows, 'other' texts, hidden and computed)."""
        from .answers import answer_fields
        return answer_fields(self)

    def answer_codes(self) -> list[str]:
        """Codes of every stored answer, in questionnaire order."""
        return [f.code for f in self.answer_fields()]

    def scored_items(self) -> list[ScoredItem]:
        """Every item with scoring metadata, ready for the analysis package."""
        from .scoring import scored_items
        return scored_items(self)

    def dimensions(self) -> list[DimensionSpec]:
        """Each declared dimension with its item codes, weights and reverse flags."""
        from .scoring import dimension_specs
        return dimension_specs(self)
