"""A headline index offered from the question types, for a survey built by hand without scoring.

Without dimensions or an index the results have no 대표 지표. The scale questions (리커트, 평점 and matrix rows) that are
not already a KPI become one dimension, ``scale_items``, beside any dimensions the survey has, and the
index weighs the dimensions equally (100-point mean, the questionnaire's default method).
"""
from __future__ import annotations

from typing import Any

from questionnaires import vocab

from .drafts import sections

DIMENSION = "scale_items"
INDEX = "headline"
SCALE_ITEM_TYPES = (vocab.LIKERT, vocab.RATING)


def _scoring(item: dict) -> dict:
    return item.get("scoring") if isinstance(item.get("scoring"), dict) else {}


def scale_items(draft: dict[str, Any]) -> list[dict[str, Any]]:
    """Scale questions and matrix rows (dicts of the draft itself), in order."""
    items: list[dict[str, Any]] = []
    for page in sections(draft):
        for question in page.get("questions") or []:
            if not isinstance(question, dict):
                continue
            if question.get("type") in SCALE_ITEM_TYPES:
                items.append(question)
            elif question.get("type") == vocab.MATRIX:
                items += [row for row in question.get("rows") or [] if isinstance(row, dict)]
    return items


def _candidates(draft: dict[str, Any]) -> list[dict[str, Any]]:
    """Scale items the index would use: in a dimension already, or free (not a KPI, not a checklist item)."""
    return [i for i in scale_items(draft) if _scoring(i).get("dimension")
            or not (_scoring(i).get("kpi") or _scoring(i).get("checklist"))]


def headline_offer(draft: dict[str, Any]) -> int:
    """How many scale items a headline index would be made of; 0 when the survey has scoring (its dimensions
    already make a headline: their mean) or nothing to use."""
    scoring = draft.get("scoring") if isinstance(draft.get("scoring"), dict) else {}
    if scoring.get("indices") or scoring.get("dimensions") or scoring.get("checklists"):
        return 0
    return len(_candidates(draft))


def _equal_weights(codes: list[str]) -> dict[str, float]:
    share = round(1 / len(codes), 4)
    weights = {code: share for code in codes[:-1]}
    weights[codes[-1]] = round(1 - share * (len(codes) - 1), 4)
    return weights


def with_headline_index(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft with the offered index (and the ``scale_items`` dimension for the free scale items)."""
    if not headline_offer(draft):
        raise ValueError("draft: nothing to make a headline index of, or it has one")
    scoring = draft.setdefault("scoring", {})
    dimensions = scoring.setdefault("dimensions", [])
    free = [i for i in _candidates(draft) if not _scoring(i).get("dimension")]
    if free:
        if not any(isinstance(d, dict) and d.get("code") == DIMENSION for d in dimensions):
            dimensions.append({"code": DIMENSION, "name": {"ko": "척도 문항 전체", "en": "All scale items"}})
        for item in free:
            item["scoring"] = {**_scoring(item), "dimension": DIMENSION}
    used = {_scoring(i).get("dimension") for i in _candidates(draft)}
    codes = [d["code"] for d in dimensions if isinstance(d, dict) and d.get("code") in used]
    scoring["indices"] = [{"code": INDEX, "name": {"ko": "대표 지표", "en": "Headline index"},
                           "weights": _equal_weights(codes)}]
    return draft
