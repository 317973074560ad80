"""Reading a submitted page: typed answers, errors, and which questions logic shows."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from wtforms.validators import ValidationError

from questionnaires import Questionnaire, vocab
from questionnaires.answers import field_map, missing_answers, other_code
from questionnaires.logic import Shown, is_visible, parse, references, shown

from .forms import REQUIRED, PageForm, PageItem, field_name, parse_value

BAD_DATE = "날짜를 2026-11-24처럼 적어 주십시오."


@dataclass
class PageRead:
    """What a submitted page said: answers to shown questions, and errors by answer code."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)


def _parse_all(items: list[PageItem], form: PageForm) -> PageRead:
    read = PageRead()
    for item in items:
        for answer in item.fields:
            read.codes.append(answer.code)
            form_field = form[field_name(answer.code)]
            if form_field.process_errors:
                read.errors[answer.code] = BAD_DATE if answer.kind == "date" else "입력한 값을 확인해 주십시오."
                continue
            try:
                value = parse_value(answer, item.question, form_field)
            except ValidationError as exc:
                read.errors[answer.code] = str(exc)
                continue
            if value is not None:
                read.answers[answer.code] = value
    return read


OTHER_TEXT = "'기타'를 고르셨으면 내용을 적어 주십시오."


def missing_messages(questionnaire: Questionnaire, codes: list[str]) -> dict[str, str]:
    """What a respondent is told about each missing answer (the '기타' text box, or any other)."""
    fields = field_map(questionnaire)
    return {code: OTHER_TEXT if fields[code].kind == "other" else REQUIRED for code in codes}


def _require(item: PageItem, read: PageRead) -> None:
    for code in missing_answers(item.question, read.answers):
        read.errors.setdefault(code, OTHER_TEXT if code == other_code(item.question.code) else REQUIRED)


class _Posted:
    """A field's one posted value, as WTForms' single-value fields hold it (``None`` when not posted)."""

    __slots__ = ("data",)

    def __init__(self, data: str | None) -> None:
        self.data = data


#: Answer kinds read straight from the posted field map: one value each, parsed exactly as from the
#: WTForms field (``RadioField``/``StringField``/``TextAreaField`` keep the first posted value as it is).
QUICK_KINDS = frozenset({"choice", "number", "text", "other"})


def read_posted(questionnaire: Questionnaire, items: list[PageItem], formdata, prior: dict) -> PageRead | None:
    """The page read from the posted values through the questionnaire's fields, without building a form;
    None when a field needs its WTForms field (several values, a ranking, a date). A page with errors is
    shown again through WTForms (:func:`read_page` and the page's form), so nothing typed is lost."""
    if any(answer.kind not in QUICK_KINDS for item in items for answer in item.fields):
        return None
    read = PageRead()
    for item in items:
        for answer in item.fields:
            read.codes.append(answer.code)
            values = formdata.getlist(field_name(answer.code))
            try:
                value = parse_value(answer, item.question, _Posted(values[0] if values else None))
            except ValidationError as exc:
                read.errors[answer.code] = str(exc)
                continue
            if value is not None:
                read.answers[answer.code] = value
    return _keep_shown(questionnaire, items, read, prior, check_required=True)


def read_page(questionnaire: Questionnaire, items: list[PageItem], form: PageForm, prior: dict,
              *, check_required: bool = True) -> PageRead:
    """Parse the page, then keep only questions logic shows given the earlier and new answers."""
    return _keep_shown(questionnaire, items, _parse_all(items, form), prior, check_required=check_required)


def _keep_shown(questionnaire: Questionnaire, items: list[PageItem], read: PageRead, prior: dict,
                *, check_required: bool) -> PageRead:
    merged = {**{k: v for k, v in prior.items() if k not in read.codes}, **read.answers}
    visible = {q.code for q in shown(questionnaire, merged).questions}
    for item in items:
        codes = [a.code for a in item.fields]
        if item.question.code not in visible:
            for code in codes:
                read.answers.pop(code, None)
                read.errors.pop(code, None)
        elif check_required:
            _require(item, read)
    return read


def first_error_anchor(read: PageRead) -> str | None:
    """The id of the first field with an error (the error summary links there)."""
    return next(iter(read.errors), None)


def section_numbers(questionnaire: Questionnaire, answers: dict, seen: Shown | None = None) -> list[int]:
    """1-based numbers of the sections logic shows for these answers, in order (``seen``: logic's
    view of ``answers`` when the caller has it already)."""
    codes = {s.code for s in (seen or shown(questionnaire, answers)).sections}
    return [i for i, s in enumerate(questionnaire.sections, start=1) if s.code in codes]


def expected_sections(questionnaire: Questionnaire, answers: dict, seen: Shown | None = None) -> list[int]:
    """Section numbers to count in the progress indicator: the shown ones, plus those whose
    condition still waits on an unanswered question (they will probably be shown)."""
    kept = (seen or shown(questionnaire, answers)).answers
    numbers = []
    for number, section in enumerate(questionnaire.sections, start=1):
        refs = [code for expr in (section.show_if, section.skip_if) if expr for code in references(parse(expr))]
        if is_visible(section, kept) or any(code not in kept for code in refs):
            numbers.append(number)
    return numbers


#: Seconds a respondent typically takes: a closed question, each row of a matrix, an open answer.
SECONDS_CLOSED, SECONDS_PER_ROW, SECONDS_OPEN = 10, 6, 40
#: A time already stated in the survey's own introduction ("5분 정도 걸리며"): the welcome page then
#: does not add an estimate of its own that could contradict it.
_STATED_TIME = re.compile(r"\d+\s*분(?!기)")  # "5분", not "4분기" (a quarter)


@dataclass(frozen=True)
class Outline:
    """What the welcome page says of the survey ahead: pages, questions, minutes (None: the
    introduction states the time itself), and whether answers may skip some of it."""

    pages: int
    questions: int
    minutes: int | None
    branches: bool = False
    use_stated: bool = False  # the introduction already says what the answers are used for


def outline(questionnaire: Questionnaire, numbers: list[int]) -> Outline:
    """The survey ahead over the section ``numbers`` a respondent may see (the progress indicator's)."""
    asked = [q for n in numbers for q in questionnaire.sections[n - 1].questions if q.type not in vocab.SILENT_TYPES]
    seconds = sum(SECONDS_PER_ROW * len(q.rows or ()) if q.type == vocab.MATRIX
                  else SECONDS_OPEN if q.type in (vocab.SHORT_TEXT, vocab.LONG_TEXT) else SECONDS_CLOSED
                  for q in asked)
    introduction = questionnaire.description.get("ko") or ""
    stated = _STATED_TIME.search(introduction)
    sections = [questionnaire.sections[n - 1] for n in numbers]
    branches = any(x.show_if or x.skip_if for x in [*sections, *asked])
    questions = sum(len(q.rows or ()) if q.type == vocab.MATRIX else 1 for q in asked)  # a matrix row reads as one
    return Outline(len(numbers), questions, None if stated else max(1, math.ceil(seconds / 60)), branches,
                   "통계 목적" in introduction)


def allowed_hidden_sources(questionnaire: Questionnaire) -> set[str]:
    """Query-string keys an open link may fill (the declared hidden fields' sources)."""
    return {q.distribution_source for q in questionnaire.hidden if q.type == vocab.HIDDEN}


def answer_fields(questionnaire: Questionnaire):
    """Answer fields by code (cached on the questionnaire object)."""
    return field_map(questionnaire)


__all__ = ["Outline", "PageRead", "other_code", "outline", "read_page"]
