"""The questionnaire package's validation problems, placed where the designer shows them."""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from questionnaires import Problem, vocab
from questionnaires.validation import collect

from .question_form import TYPE_LABELS

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


#: Names of a question's or page's parts, for "1쪽 3번 문항(Q3) · 보기" instead of a dict path.
PART_NAMES = {
    "code": _l("코드"), "type": _l("문항 유형"), "text": _l("질문 문구"), "help": _l("도움말"), "required": _l("필수 여부"),
    "show_if": _l("표시 조건"), "skip_if": _l("건너뛰기 조건"), "choices": _l("보기"), "scale": _l("척도"),
    "rows": _l("행렬의 행"), "min": _l("최솟값"), "max": _l("최댓값"), "min_selected": _l("최소 선택 수"),
    "max_selected": _l("최대 선택 수"), "unit": _l("단위"), "value": _l("계산식"), "source": _l("값 출처"),
    "scoring": _l("채점"), "title": _l("제목"), "description": _l("안내 글"), "questions": _l("문항"),
}
SCORING_PARTS = {"dimensions": _l("차원"), "indices": _l("지수"), "checklists": _l("친절도 체크리스트")}
_INDEXED = re.compile(r"^(\w+)\[(\d+)\]")
_ITEM_KEY = re.compile(r"'({})'".format("|".join(PART_NAMES)))


def message(problem: Problem) -> str:
    """The problem's message in the page's language, with question types and item keys named, not coded."""
    if str(get_locale()) == "en":
        return problem.message_en
    text = _ITEM_KEY.sub(lambda m: f"'{PART_NAMES[m.group(1)]}'", problem.message_ko)
    text = re.sub(r"\b({})\b".format("|".join(vocab.QUESTION_TYPES)), lambda m: str(TYPE_LABELS[m.group(1)]), text)
    return text.replace("scoring.dimensions", _("채점 설정의 차원 목록"))


def _part(tail: str) -> str:
    head = re.split(r"[.\[]", tail.lstrip("."))[0] if tail else ""
    return f" · {PART_NAMES[head]}" if head in PART_NAMES else ""


def place_name(draft: dict[str, Any], path: str) -> str:
    """Where a problem is, as people find it on the page: ``2쪽 3번 문항(Q3) · 보기``, ``채점 설정 · 차원 1``."""
    path = path or ""
    found = _QUESTION.match(path)
    if found:
        code = _question_code(draft, found.group(1), int(found.group(2))) or ""
        number = int(found.group(2)) + 1
        where = (_("숨김 값 %(n)s번", n=number) if found.group(1) is None else
                 _("%(page)s쪽 %(n)s번 문항", page=int(found.group(1)) + 1, n=number))
        return where + (f"({code})" if code else "") + _part(found.group(3))
    section = _SECTION.match(path)
    if section:
        return _("%(page)s쪽", page=int(section.group(1)) + 1) + _part(section.group(2))
    if path.startswith("scoring."):
        part = _INDEXED.match(path[len("scoring."):])
        name = SCORING_PARTS.get(part.group(1)) if part else None
        return _("채점 설정") + (f" · {name} {int(part.group(2)) + 1}" if part and name else "")
    if path.startswith("choice_lists"):
        return _("공유 보기 목록")
    if path.startswith("scales"):
        return _("공유 척도")
    return _("설문 설정")


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
