"""The questionnaire package's validation problems, placed where the designer shows them."""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from flask_babel import get_locale

from questionnaires import Problem
from questionnaires.validation import collect

_QUESTION = re.compile(r"^(?:sections\[(\d+)\]\.questions|hidden)\[(\d+)\](.*)$")
_SECTION = re.compile(r"^sections\[(\d+)\](.*)$")
FIELD_OF = {
    "code": "code", "type": "type", "text": "text_ko", "help": "help_ko", "required": "required",
    "show_if": "show_if", "skip_if": "skip_if", "choices": "choices", "scale": "scale_points", "rows": "rows",
    "min": "min", "max": "max", "min_selected": "min_selected", "max_selected": "max_selected",
    "unit": "unit_ko", "value": "value", "source": "source", "randomize": "randomize", "integer": "integer",
}
SCORING_FIELD = {"dimension": "s_dimension", "kpi": "s_kpi", "checklist": "s_checklist", "stage": "s_stage",
                 "points": "s_points", "weight": "s_weight", "reverse": "s_reverse"}
SECTION_FIELD = {"code": "code", "title": "title_ko", "description": "description_ko", "show_if": "show_if",
                 "skip_if": "skip_if"}


def message(problem: Problem) -> str:
    """The problem's message in the page's language."""
    return problem.message_en if str(get_locale()) == "en" else problem.message_ko


def draft_problems(draft: dict[str, Any]) -> list[Problem]:
    """Every problem the questionnaire package finds in the draft (empty: it can be published)."""
    return collect(draft)[1]


def _question_code(draft: dict, section: str | None, index: int) -> str | None:
    try:
        items = draft["hidden"] if section is None else draft["sections"][int(section)]["questions"]
        return str(items[index]["code"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _section_code(draft: dict, index: int) -> str | None:
    try:
        return str(draft["sections"][index]["code"])
    except (KeyError, IndexError, TypeError):
        return None


def placed(draft: dict[str, Any], problems: list[Problem]) -> dict[str, list[Problem]]:
    """Problems by place: ``q:<code>`` for a question, ``s:<code>`` for a page, ``survey`` for the rest."""
    by_place: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        path = problem.path or ""
        found = _QUESTION.match(path)
        if found and (code := _question_code(draft, found.group(1), int(found.group(2)))):
            by_place[f"q:{code}"].append(problem)
            continue
        section = _SECTION.match(path)
        if section and (code := _section_code(draft, int(section.group(1)))):
            by_place[f"s:{code}"].append(problem)
            continue
        by_place["survey"].append(problem)
    return dict(by_place)


def field_of(path: str, section: bool = False) -> str | None:
    """The editor field a problem inside a question (or page) belongs to."""
    rest = (_SECTION if section else _QUESTION).match(path or "")
    if not rest:
        return None
    tail = rest.groups()[-1].lstrip(".")
    head = re.split(r"[.\[]", tail)[0] if tail else ""
    if section:
        return SECTION_FIELD.get(head)
    if head == "scoring":
        key = re.split(r"[.\[]", tail[len("scoring."):])[0] if tail.startswith("scoring.") else ""
        return SCORING_FIELD.get(key, "s_points")
    return FIELD_OF.get(head)


def field_messages(problems: list[Problem], section: bool = False) -> tuple[dict[str, list[str]], list[str]]:
    """(messages by form field, messages that belong to no single field)."""
    fields: dict[str, list[str]] = defaultdict(list)
    loose = []
    for problem in problems:
        name = field_of(problem.path, section)
        (fields[name] if name else loose).append(message(problem))
    return dict(fields), loose
