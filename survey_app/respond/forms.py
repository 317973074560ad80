"""WTForms built from one page (section) of a published questionnaire.

Each answer field becomes a form field named ``a_<code>``. Validation runs per field and only
for questions that logic shows, given the earlier answers and this page's own answers, so a
page works the same with scripts on or off.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import DateField, Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from questionnaires import AnswerField, vocab
from questionnaires.answers import question_fields
from questionnaires.logic import display_choices, display_rows, pipe
from questionnaires.model import Question, Questionnaire, Section

REQUIRED = "이 문항에 답해 주십시오."
TOO_LONG = "{max}자 이내로 적어 주십시오."


def field_name(code: str) -> str:
    """Form field name of an answer code (prefixed so codes never clash with form attributes)."""
    return f"a_{code}"


class RankingField(Field):
    """Ranks given with one select per item; every select posts ``item=rank``."""

    def process_formdata(self, valuelist: list[str]) -> None:
        ranks: dict[str, int] = {}
        for raw in valuelist:
            item, _, rank = raw.partition("=")
            if item and rank.isdecimal():
                ranks[item] = int(rank)
        self.ranks = ranks
        self.data = [item for item, _ in sorted(ranks.items(), key=lambda pair: pair[1])] or None

    def rank_of(self, item) -> int | None:
        """The rank given to ``item`` (posted, or from the stored order)."""
        ranks = getattr(self, "ranks", None)
        if ranks is not None:
            return ranks.get(str(item))
        order = [str(v) for v in (self.data or [])]
        return order.index(str(item)) + 1 if str(item) in order else None

    def _value(self) -> str:
        return ""


class BlankableDateField(DateField):
    """A date input where an empty box means 'no answer' rather than an invalid date."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata(valuelist)


@dataclass(frozen=True)
class PageItem:
    """A question on the page with its (piped) text, display order and form fields (shared between
    respondents when the same for all: never changed once made)."""

    question: Question
    text: str
    help: str
    fields: list[AnswerField]
    choices: list = field(default_factory=list)
    rows: list = field(default_factory=list)


class PageForm(FlaskForm):
    """Base of every page form; CSRF lasts as long as a long survey needs."""

    class Meta:
        csrf_time_limit = None  # replaced per app in build_page_form


def _choice_pairs(answer: AnswerField, ordered: list | None = None) -> list[SelectChoice]:
    if answer.choices is not None:
        options = ordered if ordered is not None else list(answer.choices)
        return [SelectChoice(str(c.value), c.label.get("ko"), render_kw=_marks(c)) for c in options]
    scale = answer.scale
    pairs = [SelectChoice(str(v), scale.label_for(v).get("ko") or str(v)) for v in scale.values()]
    if scale.na is not None:
        pairs.append(SelectChoice(str(scale.na.value), scale.na.label.get("ko"), render_kw={"na": True}))
    return pairs


def _marks(choice) -> dict:
    """Template hints: 모름/해당없음 options show no number; '기타' options open a text box."""
    return {"na": choice.na, "other": choice.other}


def _make_field(answer: AnswerField, question: Question, ordered: list | None) -> Field:
    kind, label = answer.kind, answer.label.get("ko")
    if kind == "choice":
        return RadioField(label, choices=_choice_pairs(answer, ordered), validate_choice=False)
    if kind == "choices":
        return SelectMultipleField(label, choices=_choice_pairs(answer, ordered), validate_choice=False)
    if kind == "ranking":
        return RankingField(label)
    if kind == "date":
        return BlankableDateField(label, format="%Y-%m-%d")
    if question.type == vocab.LONG_TEXT:
        return TextAreaField(label)
    return StringField(label)


#: A section's items when they are the same for every respondent (no piped text, no random order), by
#: section; the section is kept beside them so that an entry is only trusted for that very object.
_SHARED_ITEMS: dict[int, tuple[Section, tuple[PageItem, ...]]] = {}
_MAX_SHARED_ITEMS = 4096


def page_items(questionnaire: Questionnaire, section: Section, answers: dict, respondent_key: str) -> list[PageItem]:
    """The page's questions in order, with piped texts and stable-random choice and row order (made once
    per section when nothing in them depends on the respondent)."""
    hit = _SHARED_ITEMS.get(id(section))
    if hit is not None and hit[0] is section:
        return list(hit[1])
    items = _make_items(questionnaire, section, answers, respondent_key)
    if _same_for_everyone(section):
        if len(_SHARED_ITEMS) >= _MAX_SHARED_ITEMS:
            _SHARED_ITEMS.clear()
        _SHARED_ITEMS[id(section)] = (section, tuple(items))
    return items


def _same_for_everyone(section: Section) -> bool:
    """No question of the section pipes an answer into its text or help, or shuffles its choices or rows."""
    return not any(question.randomize or _has_placeholder(question.text.get("ko"))
                   or _has_placeholder(question.help.get("ko")) for question in section.questions)


def _has_placeholder(text: str) -> bool:
    return "{" in text or "}" in text


def _make_items(questionnaire: Questionnaire, section: Section, answers: dict, respondent_key: str) -> list[PageItem]:
    items = []
    for question in section.questions:
        if question.type in (vocab.HIDDEN, vocab.COMPUTED):
            continue
        choices = display_choices(question, respondent_key) if question.choices is not None else []
        rows = display_rows(question, respondent_key) if question.type == vocab.MATRIX else []
        items.append(PageItem(question, _piped(question.text.get("ko"), answers, questionnaire),
                              _piped(question.help.get("ko"), answers, questionnaire),
                              list(question_fields(question)), choices, rows))
    return items


def question_numbers(items: list[PageItem], start: int = 0) -> dict[str, int]:
    """The numbers a respondent sees beside this page's questions, going on from ``start`` (notes have none)."""
    asked = [item.question.code for item in items if item.question.type not in vocab.SILENT_TYPES]
    return {code: number for number, code in enumerate(asked, start=start + 1)}


def _piped(text: str, answers: dict, questionnaire: Questionnaire) -> str:
    """The text with earlier answers piped in (texts without placeholders are returned as they are)."""
    return pipe(text, answers, questionnaire) if _has_placeholder(text) else text


def build_page_form(items: list[PageItem], csrf_seconds: int, formdata=None, data: dict | None = None) -> PageForm:
    """A form for ``items``, instantiated with the posted data or the stored answers."""
    return _form_class(items, csrf_seconds)(formdata=formdata, data=_form_data(items, data or {}))


class TokenForm:
    """What a page reads of its form when it renders none of its fields (every question block cached):
    the CSRF token field, with the markup and token the page's form would give it, without building one."""

    def __init__(self) -> None:
        config = current_app.config
        if config.get("WTF_CSRF_ENABLED", True):  # as FlaskForm.Meta decides (no token field otherwise)
            name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
            setattr(self, name, Markup('<input id="{0}" name="{0}" type="hidden" value="{1}">').format(
                name, generate_csrf()))


#: Form classes by page and display order; a class is made once and reused (questionnaires are
#: immutable). The questions are kept beside each class so that a key is only trusted while its
#: questions are the very objects the class was made from.
_FORM_CLASSES: dict[tuple, tuple[tuple[Question, ...], type[PageForm]]] = {}
_MAX_FORM_CLASSES = 4096


def _form_class(items: list[PageItem], csrf_seconds: int) -> type[PageForm]:
    questions = tuple(item.question for item in items)
    key = (csrf_seconds, tuple((id(item.question), tuple(str(c.value) for c in item.choices)) for item in items))
    hit = _FORM_CLASSES.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], questions, strict=True)):
        return hit[1]
    if len(_FORM_CLASSES) >= _MAX_FORM_CLASSES:
        _FORM_CLASSES.clear()
    form_class = _make_form_class(items, csrf_seconds)
    _FORM_CLASSES[key] = (questions, form_class)
    return form_class


def _make_form_class(items: list[PageItem], csrf_seconds: int) -> type[PageForm]:
    attrs: dict[str, Any] = {}
    for item in items:
        for answer in item.fields:
            ordered = item.choices if answer.kind != "other" and item.choices else None
            attrs[field_name(answer.code)] = _make_field(answer, item.question, ordered)
    form_class = type("SurveyPageForm", (PageForm,), attrs)
    form_class.Meta = type("Meta", (PageForm.Meta,), {"csrf_time_limit": csrf_seconds})  # Flask-WTF wants seconds
    return form_class


def _form_data(items: list[PageItem], answers: dict) -> dict:
    """Stored answers as form data (choice values as the strings the radios carry)."""
    data = {}
    for item in items:
        for answer in item.fields:
            value = answers.get(answer.code)
            if value is None:
                continue
            if answer.kind == "choice":
                value = str(value)
            elif answer.kind in ("choices", "ranking"):
                value = [str(v) for v in value]
            elif answer.kind == "date":
                value = date.fromisoformat(value) if isinstance(value, str) else value
            data[field_name(answer.code)] = value
    return data


def parse_value(answer: AnswerField, question: Question, form_field: Field) -> Any:
    """The typed answer in ``form_field``; raises ValidationError with a Korean message when invalid."""
    raw = form_field.data
    if raw in (None, "", []):
        return None
    if answer.kind == "choice":
        return _allowed(answer, raw)
    if answer.kind == "choices":
        values = [_allowed(answer, v) for v in raw]
        _check_selection_count(question, values)
        return values
    if answer.kind == "ranking":
        return _ranking(answer, question, form_field)
    if answer.kind == "number":
        return _number(question, raw)
    if answer.kind == "date":
        return raw.isoformat()
    return _text(question, str(raw).strip())


def _allowed(answer: AnswerField, raw: str) -> Any:
    value = answer.value_of(str(raw))
    if value is None:
        raise ValidationError("보기 중에서 골라 주십시오.")
    return value


def _check_selection_count(question: Question, values: list) -> None:
    if question.min_selected and len(values) < question.min_selected:
        raise ValidationError(f"{question.min_selected}개 이상 골라 주십시오.")
    if question.max_selected and len(values) > question.max_selected:
        raise ValidationError(f"{question.max_selected}개까지 고를 수 있습니다.")
    exclusive = [c.value for c in (question.choices or ()) if c.exclusive]
    if len(values) > 1 and any(v in exclusive for v in values):
        raise ValidationError("'해당 없음' 같은 보기는 다른 보기와 함께 고를 수 없습니다.")


def _ranking(answer: AnswerField, question: Question, form_field: RankingField) -> list:
    ranks = form_field.ranks
    if len(set(ranks.values())) != len(ranks):
        raise ValidationError("같은 순위를 두 번 쓸 수 없습니다. 순위를 다시 확인해 주십시오.")
    items = [_allowed(answer, item) for item in form_field.data]
    if question.required and len(items) != len(answer.choices or ()):
        raise ValidationError("모든 항목에 순위를 매겨 주십시오.")
    return items


def _number(question: Question, raw: str) -> int | float:
    try:
        number = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError("숫자로 적어 주십시오.") from None
    if not number.is_finite() or (question.integer and number != number.to_integral_value()):
        raise ValidationError("정수로 적어 주십시오." if question.integer else "숫자로 적어 주십시오.")
    if question.min is not None and number < Decimal(str(question.min)):
        raise ValidationError(f"{question.min:g} 이상으로 적어 주십시오.")
    if question.max is not None and number > Decimal(str(question.max)):
        raise ValidationError(f"{question.max:g} 이하로 적어 주십시오.")
    return int(number) if number == number.to_integral_value() else float(number)


def _text(question: Question, text: str) -> str | None:
    limit = 500 if question.type == vocab.SHORT_TEXT else vocab.MAX_TEXT_LENGTH
    if len(text) > limit:
        raise ValidationError(TOO_LONG.format(max=limit))
    return text or None
