"""Answer fields: one stored value per code, so answers can be kept in long form."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import vocab
from .model import ChoiceList, ChoiceValue, Question, Scale, Text

if TYPE_CHECKING:
    from .model import Questionnaire

KIND_BY_TYPE = {
    vocab.SINGLE_CHOICE: "choice", vocab.LIKERT: "choice", vocab.RATING: "choice", vocab.NPS: "choice",
    vocab.MULTIPLE_CHOICE: "choices", vocab.RANKING: "ranking", vocab.NUMBER: "number",
    vocab.DATE: "date", vocab.SHORT_TEXT: "text", vocab.LONG_TEXT: "text",
    vocab.HIDDEN: "hidden", vocab.COMPUTED: "computed",
}


@dataclass(frozen=True)
class AnswerField:
    """One answerable code: a question, a matrix row, an 'other' text box, a hidden or computed value.

    `kind` says what the stored value looks like: choice (one value), choices (a list),
    ranking (an ordered list), number, date (ISO text), text, hidden, computed, other (text).
    """

    code: str
    question: str
    type: str
    kind: str
    label: Text
    choices: ChoiceList | None = None
    scale: Scale | None = None

    @property
    def na_codes(self) -> tuple[ChoiceValue, ...]:
        """Values stored for 모름/해당없음 on this field."""
        if self.choices is not None:
            return self.choices.na_values()
        return (self.scale.na.value,) if self.scale is not None and self.scale.na else ()

    def allowed_values(self) -> tuple[ChoiceValue, ...] | None:
        """Every value a respondent may give (None when free-form)."""
        if self.choices is not None:
            return self.choices.values() or None
        if self.scale is not None:
            return self.scale.values() + self.na_codes
        return None

    def value_of(self, text: str) -> ChoiceValue | None:
        """The allowed value written as ``text`` (as a form posts it), or None when none is
        (looked up in a table made once per field; free-form fields allow none)."""
        table = self.__dict__.get("_values_by_text")
        if table is None:
            table = self.__dict__["_values_by_text"] = {}
            for value in self.allowed_values() or ():
                table.setdefault(str(value), value)  # the first of equal texts, as a scan in order finds
        return table.get(text)

    def label_of(self, value: Any, lang: str = "ko") -> str:
        """Display label of a stored value (the value itself when it has no label)."""
        if self.choices is not None:
            choice = self.choices.get(value)
            if choice is not None:
                return choice.label.get(lang)
        if self.scale is not None and isinstance(value, int) and not isinstance(value, bool):
            return self.scale.label_for(value).get(lang) or str(value)
        return str(value)


def question_fields(question: Question) -> Iterator[AnswerField]:
    """The answer fields of one question (none for notes), made once per (immutable) question object:
    respondent pages ask for them many times a request."""
    fields = question.__dict__.get("_answer_fields")
    if fields is None:  # kept outside the dataclass fields, as _memo keeps a questionnaire's derived values
        fields = question.__dict__["_answer_fields"] = tuple(_make_fields(question))
    return iter(fields)


def _make_fields(question: Question) -> Iterator[AnswerField]:
    if question.type == vocab.NOTE:
        return
    if question.type == vocab.MATRIX:
        for row in question.rows:
            yield AnswerField(row.code, question.code, question.type, "choice", row.text,
                              question.choices, question.scale)
        return
    kind = KIND_BY_TYPE.get(question.type, "text")
    yield AnswerField(question.code, question.code, question.type, kind, question.text,
                      question.choices, question.effective_scale)
    yield from _other_fields(question)


def _other_fields(question: Question) -> Iterator[AnswerField]:
    if question.choices is not None and any(c.other for c in question.choices):
        yield AnswerField(other_code(question.code), question.code, question.type, "other", question.text)


def missing_answers(question: Question, answers: Mapping[str, Any]) -> list[str]:
    """Answer codes of a shown ``question`` still to be given: every field of a required question
    (each row of a matrix), and the '기타' text box once a '기타' choice is chosen."""
    missing = []
    for answer in question_fields(question):
        if answer.code in answers or answer.kind in ("hidden", "computed"):
            continue
        if answer.kind == "other" and _other_chosen(question, answers):
            missing.append(answer.code)
        elif answer.kind != "other" and question.required:
            missing.append(answer.code)
    return missing


def _other_chosen(question: Question, answers: Mapping[str, Any]) -> bool:
    others = {c.value for c in (question.choices or ()) if c.other}
    chosen = answers.get(question.code)
    return bool(others & set(chosen if isinstance(chosen, list) else [chosen]))


def other_code(code: str) -> str:
    """Code of the free-text box that goes with a '기타(직접 입력)' choice."""
    return f"{code}_other"


def _memo(questionnaire: Questionnaire, name: str, make: Any) -> Any:
    """A value derived once per (immutable) questionnaire object and kept on it.

    Respondent pages ask for these on every request; a frozen questionnaire never changes,
    so the derived value never goes stale. It lives outside the dataclass fields, so
    equality, hashing and serialisation are unaffected.
    """
    cache = questionnaire.__dict__.setdefault("_derived", {})
    if name not in cache:
        cache[name] = make()
    return cache[name]


def answer_fields(questionnaire: Questionnaire) -> list[AnswerField]:
    """Every answer field of a questionnaire: hidden fields first, then in page order."""
    fields = _memo(questionnaire, "answer_fields",
                   lambda: tuple(f for q in questionnaire.all_questions() for f in question_fields(q)))
    return list(fields)


def field_map(questionnaire: Questionnaire) -> dict[str, AnswerField]:
    """Answer fields by code."""
    return dict(_memo(questionnaire, "field_map", lambda: {f.code: f for f in answer_fields(questionnaire)}))


def na_code_map(questionnaire: Questionnaire) -> dict[str, tuple[ChoiceValue, ...]]:
    """모름/해당없음 values per answer code (only codes that have some)."""
    return dict(_memo(questionnaire, "na_codes",
                      lambda: {f.code: f.na_codes for f in answer_fields(questionnaire) if f.na_codes}))


def hidden_answers(questionnaire: Questionnaire, values: Mapping[str, Any]) -> dict[str, Any]:
    """Hidden-field answers from distribution values (link parameters, call data) by source name."""
    return {h.code: values[h.distribution_source] for h in questionnaire.hidden
            if values.get(h.distribution_source) not in (None, "")}
