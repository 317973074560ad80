"""Edits of a draft questionnaire as a plain dict (the stored ``Survey.draft_definition``).

A draft may be incomplete or invalid while it is being designed, so edits work on the dict, never
on the validated model; each function returns a new dict and leaves its argument untouched.
Hidden fields live in the top-level ``hidden`` list, which the designer shows as a page of its own.
"""
from __future__ import annotations

import copy
import re
from typing import Any

HIDDEN = "hidden"  # the pseudo-section code of the hidden fields


class DraftError(ValueError):
    """An edit that cannot be applied (unknown question or section, duplicate code)."""


def blank_definition(code: str, title: str, kind: str) -> dict[str, Any]:
    """A new questionnaire with one empty page."""
    return {"format": 1, "code": code, "version": 1, "kind": kind, "title": {"ko": title},
            "sections": [{"code": "S1", "title": {"ko": "1쪽"}, "questions": []}]}


def sections(draft: dict) -> list[dict]:
    """The draft's sections (pages), as stored."""
    found = draft.get("sections")
    return [s for s in found if isinstance(s, dict)] if isinstance(found, list) else []


def _question_lists(draft: dict) -> list[tuple[str, list]]:
    """(section code, question list) pairs, hidden fields first."""
    lists = []
    if isinstance(draft.get(HIDDEN), list):
        lists.append((HIDDEN, draft[HIDDEN]))
    for section in sections(draft):
        if isinstance(section.get("questions"), list):
            lists.append((str(section.get("code", "")), section["questions"]))
    return lists


def find_question(draft: dict, code: str) -> tuple[str, int, dict] | None:
    """(section code, index, question) of the question or hidden field with ``code``."""
    for section_code, questions in _question_lists(draft):
        for index, question in enumerate(questions):
            if isinstance(question, dict) and question.get("code") == code:
                return section_code, index, question
    return None


def all_codes(draft: dict) -> set[str]:
    """Codes of every question, hidden field and matrix row."""
    codes = set()
    for _section, questions in _question_lists(draft):
        for question in questions:
            if isinstance(question, dict):
                codes.add(str(question.get("code")))
                codes.update(str(r.get("code")) for r in question.get("rows") or [] if isinstance(r, dict))
    return codes


def next_code(draft: dict, prefix: str = "Q") -> str:
    """The first free code ``Q<n>`` after the highest one in use."""
    numbers = [int(m.group(1)) for code in all_codes(draft) if (m := re.fullmatch(rf"{prefix}(\d+)", code))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def next_section_code(draft: dict) -> str:
    """The first free section code ``S<n>``."""
    used = {str(s.get("code")) for s in sections(draft)}
    n = len(used) + 1
    while f"S{n}" in used:
        n += 1
    return f"S{n}"


def _list_for(draft: dict, section_code: str) -> list:
    if section_code == HIDDEN:
        return draft.setdefault(HIDDEN, [])
    for section in sections(draft):
        if section.get("code") == section_code:
            return section.setdefault("questions", [])
    raise DraftError(f"unknown section {section_code}")


def _check_unique(draft: dict, code: str, ignore: str | None = None) -> None:
    taken = all_codes(draft) - ({ignore} if ignore else set())
    if code in taken:
        raise DraftError(f"duplicate code {code}")


def _row_codes(question: dict) -> set[str]:
    return {str(r.get("code")) for r in question.get("rows") or [] if isinstance(r, dict)}


def add_question(draft: dict, section_code: str, question: dict, position: int | None = None) -> dict:
    """The draft with ``question`` added to a section (at its end unless ``position`` is given)."""
    new = copy.deepcopy(draft)
    for code in {question["code"]} | _row_codes(question):
        _check_unique(new, code)
    target = _list_for(new, section_code)
    target.insert(len(target) if position is None else position, copy.deepcopy(question))
    return new


def replace_question(draft: dict, code: str, question: dict) -> dict:
    """The draft with question ``code`` replaced (its code may change if the new one is free)."""
    new = copy.deepcopy(draft)
    found = find_question(new, code)
    if found is None:
        raise DraftError(f"unknown question {code}")
    section_code, index, old = found
    for new_code in {question["code"]} | _row_codes(question):
        _check_unique(new, new_code, ignore=new_code if new_code in ({code} | _row_codes(old)) else None)
    _list_for(new, section_code)[index] = copy.deepcopy(question)
    return new


def delete_question(draft: dict, code: str) -> dict:
    """The draft without question ``code``."""
    new = copy.deepcopy(draft)
    found = find_question(new, code)
    if found is None:
        raise DraftError(f"unknown question {code}")
    del _list_for(new, found[0])[found[1]]
    return new


def move_question(draft: dict, code: str, step: int) -> dict:
    """Move a question one place up (-1) or down (+1); past a page's edge it moves to the next page."""
    new = copy.deepcopy(draft)
    found = find_question(new, code)
    if found is None:
        raise DraftError(f"unknown question {code}")
    section_code, index, question = found
    questions = _list_for(new, section_code)
    target = index + step
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        return new
    if section_code == HIDDEN:
        return new
    codes = [str(s.get("code")) for s in sections(new)]
    neighbour = codes.index(section_code) + step
    if 0 <= neighbour < len(codes):
        del questions[index]
        other = _list_for(new, codes[neighbour])
        other.insert(len(other) if step < 0 else 0, question)
    return new


def place_question(draft: dict, code: str, section_code: str, position: int) -> dict:
    """Move a question to ``position`` in ``section_code`` (drag and drop)."""
    new = copy.deepcopy(draft)
    found = find_question(new, code)
    if found is None:
        raise DraftError(f"unknown question {code}")
    if (found[0] == HIDDEN) != (section_code == HIDDEN):
        raise DraftError("hidden fields stay hidden")
    del _list_for(new, found[0])[found[1]]
    target = _list_for(new, section_code)
    target.insert(max(0, min(position, len(target))), found[2])
    return new


def find_section(draft: dict, code: str) -> tuple[int, dict] | None:
    """(index, section) of the section with ``code``."""
    for index, section in enumerate(sections(draft)):
        if section.get("code") == code:
            return index, section
    return None


def add_section(draft: dict, section: dict) -> dict:
    """The draft with a new page at the end."""
    new = copy.deepcopy(draft)
    if find_section(new, section["code"]) is not None or section["code"] == HIDDEN:
        raise DraftError(f"duplicate section {section['code']}")
    new.setdefault("sections", []).append({**section, "questions": []})
    return new


def update_section(draft: dict, code: str, fields: dict) -> dict:
    """The draft with a page's code, title, description and conditions replaced (questions kept)."""
    new = copy.deepcopy(draft)
    found = find_section(new, code)
    if found is None:
        raise DraftError(f"unknown section {code}")
    if fields["code"] != code and (find_section(new, fields["code"]) is not None or fields["code"] == HIDDEN):
        raise DraftError(f"duplicate section {fields['code']}")
    questions = found[1].get("questions", [])
    new["sections"][found[0]] = {**fields, "questions": questions}
    return new


def delete_section(draft: dict, code: str) -> dict:
    """The draft without a page (and its questions)."""
    new = copy.deepcopy(draft)
    found = find_section(new, code)
    if found is None:
        raise DraftError(f"unknown section {code}")
    del new["sections"][found[0]]
    return new


def move_section(draft: dict, code: str, step: int) -> dict:
    """Move a page one place up (-1) or down (+1)."""
    new = copy.deepcopy(draft)
    found = find_section(new, code)
    if found is None:
        raise DraftError(f"unknown section {code}")
    index, target = found[0], found[0] + step
    if 0 <= target < len(new["sections"]):
        new["sections"][index], new["sections"][target] = new["sections"][target], new["sections"][index]
    return new


def update_settings(draft: dict, fields: dict) -> dict:
    """The draft with questionnaire-level fields (code, kind, title, description, closing) replaced."""
    new = copy.deepcopy(draft)
    for key in ("description", "closing"):
        new.pop(key, None)
    new.update({k: v for k, v in fields.items() if v not in (None, {}, "")})
    return new


def replace_part(draft: dict, key: str, value: Any) -> dict:
    """The draft with a top-level part (``choice_lists``, ``scales``, ``scoring``) replaced or removed."""
    new = copy.deepcopy(draft)
    if value in (None, {}, []):
        new.pop(key, None)
    else:
        new[key] = value
    return new
