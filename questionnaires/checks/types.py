"""Per-type rules: which fields a question type takes, and sane choices and scales."""

from __future__ import annotations

from typing import Any

from .. import vocab
from ..model import ChoiceList, Question, Questionnaire, Scale
from ..reader import Reader, join

_CHOICE_FIELDS = {"choices", "randomize"}
ALLOWED_FIELDS: dict[str, set[str]] = {
    vocab.SINGLE_CHOICE: _CHOICE_FIELDS | {"scoring"},
    vocab.MULTIPLE_CHOICE: _CHOICE_FIELDS | {"min_selected", "max_selected"},
    vocab.RANKING: _CHOICE_FIELDS | {"min_selected", "max_selected"},
    vocab.LIKERT: {"scale", "scoring"},
    vocab.RATING: {"scale", "scoring"},
    vocab.NPS: {"scale", "scoring"},
    vocab.MATRIX: {"rows", "scale", "choices", "randomize"},
    vocab.NUMBER: {"min", "max", "unit", "integer"},
    vocab.DATE: set(),
    vocab.SHORT_TEXT: set(),
    vocab.LONG_TEXT: set(),
    vocab.HIDDEN: {"source"},
    vocab.COMPUTED: {"value"},
    vocab.NOTE: set(),
}
REQUIRED_FIELDS: dict[str, set[str]] = {
    vocab.SINGLE_CHOICE: {"choices"}, vocab.MULTIPLE_CHOICE: {"choices"}, vocab.RANKING: {"choices"},
    vocab.LIKERT: {"scale"}, vocab.RATING: {"scale"}, vocab.MATRIX: {"rows"}, vocab.COMPUTED: {"value"},
}
_NO_CONDITIONS = {vocab.HIDDEN}
_NO_HELP = {vocab.HIDDEN, vocab.COMPUTED}


def present_fields(question: Question) -> set[str]:
    """Names of the optional fields a question actually uses."""
    checks: dict[str, Any] = {
        "choices": question.choices is not None, "scale": question.scale is not None,
        "rows": bool(question.rows), "min_selected": question.min_selected is not None,
        "max_selected": question.max_selected is not None, "min": question.min is not None,
        "max": question.max is not None, "unit": bool(question.unit), "integer": question.integer,
        "randomize": question.randomize, "value": question.value is not None,
        "source": question.source is not None, "scoring": question.scoring is not None,
        "show_if": question.show_if is not None, "skip_if": question.skip_if is not None,
        "help": bool(question.help),
    }
    return {name for name, used in checks.items() if used}


def check_question_fields(question: Question, r: Reader) -> None:
    """Report fields a type does not take and fields it needs but lacks."""
    if question.type not in ALLOWED_FIELDS:
        return
    path = r.path_of(question)
    allowed = ALLOWED_FIELDS[question.type] | {"show_if", "skip_if", "help"}
    if question.type in _NO_CONDITIONS:
        allowed -= {"show_if", "skip_if"}
    if question.type in _NO_HELP:
        allowed -= {"help"}
    for name in sorted(present_fields(question) - allowed):
        r.add("field_not_allowed", join(path, name), type=question.type, field=name)
    for name in sorted(REQUIRED_FIELDS.get(question.type, set()) - present_fields(question)):
        r.add("field_required", join(path, name), type=question.type, field=name)
    if question.type in vocab.SILENT_TYPES and question.required:
        r.add("required_silent", join(path, "required"), type=question.type)


def check_choice_list(choices: ChoiceList, path: str, r: Reader) -> None:
    """At least two choices, with distinct values."""
    if len(choices) < 2:
        r.add("few_choices", path)
    seen: set[str] = set()
    for i, choice in enumerate(choices):
        key = str(choice.value).lower()
        if key in seen:
            r.add("duplicate_value", join(join(path, i), "value"), value=choice.value)
        seen.add(key)


def check_scale(scale: Scale, path: str, r: Reader) -> None:
    """A scale starts at 0 or 1, labels fall on its points, and N/A lies outside it."""
    if scale.points < 2:
        r.add("rating_points", join(path, "points"), value=scale.points)
        return
    if scale.start not in (0, 1):
        r.add("scale_start", join(path, "start"))
    seen: set[int] = set()
    for i, item in enumerate(scale.labels):
        where = join(join(path, "labels"), i)
        if not scale.low <= item.value <= scale.high:
            r.add("label_outside_scale", where, value=item.value, low=scale.low, high=scale.high)
        elif item.value in seen:
            r.add("duplicate_label", where, value=item.value)
        seen.add(item.value)
    _check_na(scale, path, r)


def _check_na(scale: Scale, path: str, r: Reader) -> None:
    na = scale.na
    if na is None:
        return
    if isinstance(na.value, int) and scale.low <= na.value <= scale.high:
        r.add("na_inside_scale", join(join(path, "na"), "value"), value=na.value, low=scale.low, high=scale.high)


def check_scale_for_type(question: Question, r: Reader) -> None:
    """Likert scales have 5/7/10 points from 1, NPS 0-10, ratings 2-11 points."""
    scale = question.scale
    if scale is None or scale.points < 2:
        return  # a missing or too-short scale is reported by check_scale
    path = join(r.path_of(question), "scale")
    if question.type == vocab.LIKERT and (scale.points not in vocab.LIKERT_POINTS or scale.start != 1):
        r.add("likert_points", path, value=scale.points)
    elif question.type == vocab.NPS and (scale.points != vocab.NPS_POINTS or scale.start != 0):
        r.add("nps_scale", path)
    elif question.type in (vocab.RATING, vocab.MATRIX) and scale.points not in vocab.RATING_POINTS:
        r.add("rating_points", path, value=scale.points)


def check_limits(question: Question, r: Reader) -> None:
    """min <= max for numbers; selection counts fit the number of choices."""
    path = r.path_of(question)
    if question.min is not None and question.max is not None and question.min > question.max:
        r.add("min_max", join(path, "min"), low=question.min, high=question.max)
    low, high = question.min_selected, question.max_selected
    if low is None and high is None:
        return
    count = len(question.choices or ())
    bad_low = low is not None and not 0 <= low <= count
    bad_high = high is not None and not 1 <= high <= count
    if bad_low or bad_high or (low is not None and high is not None and low > high):
        r.add("selection_range", join(path, "min_selected" if bad_low else "max_selected"), count=count)


def check_matrix(question: Question, r: Reader) -> None:
    """A matrix has rows and exactly one of a scale or choices."""
    if question.type != vocab.MATRIX:
        return
    if (question.scale is None) == (question.choices is None):
        r.add("matrix_scale_or_choices", r.path_of(question))


def check_source(question: Question, r: Reader) -> None:
    """A hidden field is filled from a known distribution value (or an x_ custom one)."""
    if question.type != vocab.HIDDEN:
        return
    source = question.distribution_source
    if source not in vocab.HIDDEN_SOURCES and not source.startswith(vocab.CUSTOM_SOURCE_PREFIX):
        where = "source" if question.source is not None else "code"
        r.add("bad_source", join(r.path_of(question), where), value=source, allowed=", ".join(vocab.HIDDEN_SOURCES))


def check_types(q: Questionnaire, r: Reader) -> None:
    """Run every per-type rule over hidden fields, questions, named lists and scales."""
    for choices in q.choice_lists:
        check_choice_list(choices, r.path_of(choices), r)
    for scale in q.scales:
        check_scale(scale, r.path_of(scale), r)
    for question in q.all_questions():
        check_question(question, r)
    for question in q.hidden:
        if question.type != vocab.HIDDEN:
            r.add("only_hidden", join(r.path_of(question), "type"))
    for question in q.questions():
        if question.type == vocab.HIDDEN:
            r.add("hidden_in_section", join(r.path_of(question), "type"))


def check_question(question: Question, r: Reader) -> None:
    """All per-type rules for one question."""
    check_question_fields(question, r)
    if question.choices is not None and question.choices.name is None:
        check_choice_list(question.choices, join(r.path_of(question), "choices"), r)
    if question.scale is not None and question.scale.name is None:
        check_scale(question.scale, join(r.path_of(question), "scale"), r)
    check_scale_for_type(question, r)
    check_limits(question, r)
    check_matrix(question, r)
    check_source(question, r)
