"""Piping: put earlier answers or hidden values into texts with {Q1} placeholders."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .parser import ExpressionError
from .values import normalize

if TYPE_CHECKING:
    from ..answers import AnswerField
    from ..model import Questionnaire

# {{ and }} are literal braces; {CODE} or {CODE|fallback} is a placeholder.
_PIECE = re.compile(r"\{\{|\}\}|\{([A-Za-z][A-Za-z0-9_]*)(?:\|([^{}|]*))?\}|[{}]")


def placeholders(text: str) -> list[str]:
    """Return the codes piped into a text; raises ExpressionError on a stray brace."""
    codes: list[str] = []
    for match in _PIECE.finditer(text or ""):
        piece = match.group()
        if piece in ("{", "}"):
            raise ExpressionError(
                "중괄호가 짝이 맞지 않습니다. 글자 그대로 쓰려면 {{ 또는 }}로 적어 주세요",
                "unmatched brace; write {{ or }} for a literal brace", match.start())
        if match.group(1) and match.group(1) not in codes:
            codes.append(match.group(1))
    return codes


def pipe(text: str, answers: Mapping[str, Any], questionnaire: Questionnaire | None = None, lang: str = "ko") -> str:
    """Replace {Q1} / {Q1|fallback} with answers (choice labels when a questionnaire is given)."""
    fields = _fields(questionnaire)

    def replace(match: re.Match) -> str:
        piece = match.group()
        if piece in ("{{", "}}"):
            return piece[0]
        if match.group(1) is None:
            return piece
        value = normalize(answers.get(match.group(1))) if isinstance(answers, Mapping) else None
        if value is None:
            return match.group(2) or ""
        return _display(value, fields.get(match.group(1)), lang)

    return _PIECE.sub(replace, text or "")


def _fields(questionnaire: Questionnaire | None) -> dict[str, AnswerField]:
    if questionnaire is None:
        return {}
    from ..answers import field_map
    return field_map(questionnaire)


def _display(value: Any, field: AnswerField | None, lang: str) -> str:
    if isinstance(value, list):
        return ", ".join(_display(item, field, lang) for item in value)
    if field is not None and (field.choices is not None or field.scale is not None):
        return field.label_of(value, lang)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, bool):
        return ("예" if value else "아니요") if lang == "ko" else ("yes" if value else "no")
    return str(value)
