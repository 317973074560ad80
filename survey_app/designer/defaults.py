"""Sensible starting content for a question added with only its type and wording."""
from __future__ import annotations

from typing import Any

from questionnaires import vocab

AGREE5 = [(1, "전혀 그렇지 않다", "Strongly disagree"), (2, "그렇지 않다", "Disagree"), (3, "보통이다", "Neutral"),
          (4, "그렇다", "Agree"), (5, "매우 그렇다", "Strongly agree")]
SATISFIED5 = [(1, "매우 불만족", "Very dissatisfied"), (5, "매우 만족", "Very satisfied")]


def _labels(points: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
    return [{"value": v, "label": {"ko": ko, "en": en}} for v, ko, en in points]


def new_question(code: str, qtype: str, text: str) -> dict[str, Any]:
    """A question of ``qtype`` that is valid as it stands, ready to be edited."""
    question: dict[str, Any] = {"code": code, "type": qtype}
    if qtype not in (vocab.HIDDEN, vocab.COMPUTED) or text:
        question["text"] = {"ko": text or "새 문항"}
    if qtype in vocab.CHOICE_TYPES:
        question["choices"] = [{"value": 1, "label": {"ko": "보기 1"}}, {"value": 2, "label": {"ko": "보기 2"}}]
    elif qtype == vocab.LIKERT:
        question["scale"] = {"points": 5, "labels": _labels(AGREE5)}
    elif qtype == vocab.RATING:
        question["scale"] = {"points": 5, "labels": _labels(SATISFIED5)}
    elif qtype == vocab.MATRIX:
        question["scale"] = {"points": 5, "labels": _labels(AGREE5)}
        question["rows"] = [{"code": f"{code}_1", "text": {"ko": "항목 1"}}]
    elif qtype == vocab.COMPUTED:
        question["value"] = "0"
    elif qtype == vocab.HIDDEN:
        question["source"] = code if code in vocab.HIDDEN_SOURCES else f"{vocab.CUSTOM_SOURCE_PREFIX}{code.lower()}"
    return question
