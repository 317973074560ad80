"""What the condition builder may offer: the questions before one, with their options, as plain data.

The builder (``static/designer_editor.js``) only writes the expression text; the questionnaire package's
validation of that text stays the one judge of what is valid.
"""
from __future__ import annotations

from typing import Any

from questionnaires import vocab

MAX_LABEL = 40


def _ko(text: Any) -> str:
    value = text.get("ko", "") if isinstance(text, dict) else str(text or "")
    return value if len(value) <= MAX_LABEL else value[:MAX_LABEL - 1] + "…"


def _choice_options(choices: Any, draft: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(choices, str):
        lists = draft.get("choice_lists") if isinstance(draft.get("choice_lists"), dict) else {}
        choices = lists.get(choices)
        choices = choices.get("choices") if isinstance(choices, dict) else choices
    return [{"value": c.get("value"), "label": _ko(c.get("label"))} for c in choices or []
            if isinstance(c, dict) and c.get("value") is not None]


def _scale_options(scale: Any, qtype: str, draft: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(scale, str):
        scales = draft.get("scales") if isinstance(draft.get("scales"), dict) else {}
        scale = scales.get(scale)
    scale = scale if isinstance(scale, dict) else {}
    start = scale.get("start", 0 if qtype == vocab.NPS else 1)
    points = scale.get("points", 11 if qtype == vocab.NPS else 5)
    if not isinstance(start, int) or not isinstance(points, int) or not 1 < points <= 11:
        return []
    labels = {item.get("value"): _ko(item.get("label")) for item in scale.get("labels") or [] if isinstance(item, dict)}
    return [{"value": v, "label": f"{v} {labels[v]}" if v in labels else str(v)} for v in range(start, start + points)]


def condition_question(question: dict[str, Any], draft: dict[str, Any]) -> dict[str, Any]:
    """One earlier question as the builder shows it: code, wording, type and the values it can take."""
    qtype = question.get("type", "")
    if qtype in vocab.CHOICE_TYPES:
        options = _choice_options(question.get("choices"), draft)
    elif qtype in vocab.SCALE_TYPES:
        options = _scale_options(question.get("scale"), qtype, draft)
    else:
        options = []
    return {"code": str(question.get("code", "")), "label": _ko(question.get("text")), "type": qtype,
            "options": options}


def _matrix_rows(question: dict[str, Any], draft: dict[str, Any]) -> list[dict[str, Any]]:
    options = _scale_options(question.get("scale"), vocab.LIKERT, draft)
    return [{"code": str(row["code"]), "label": _ko(row.get("text")), "type": vocab.LIKERT, "options": options}
            for row in question.get("rows") or [] if isinstance(row, dict) and row.get("code")]


def condition_questions(earlier: list[dict[str, Any]], draft: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers a condition may refer to: each earlier question, a matrix by its rows, notes left out."""
    out: list[dict[str, Any]] = []
    for question in earlier:
        if question.get("type") == vocab.MATRIX:
            out += _matrix_rows(question, draft)
        elif question.get("code") and question.get("type") != vocab.NOTE:
            out.append(condition_question(question, draft))
    return out
