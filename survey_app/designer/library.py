"""Shared choice lists and scales as text: a ``[name]`` header line, then one item per line.

Lists::

    [visit_channel]
    1 | 창구 방문 | Counter visit
    2 | 전화 문의 | Phone call

Scales (a label line whose value is the ``na`` value is the 모름/해당없음 option)::

    [level5_na] points=5 start=1 na=9
    1 | 부진 | Poor
    5 | 탁월 | Excellent
    9 | 해당 없음 | Not applicable
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from questionnaires import vocab
from questionnaires.korean import resolve_particles

from .lines import LineError, choices_text, labels_text, parse_choices, parse_labels

_HEADER = re.compile(r"^\[([A-Za-z][A-Za-z0-9_]{0,39})\]\s*(.*)$")


def _blocks(text: str | None) -> list[tuple[int, str, str, list[tuple[int, str]]]]:
    """(header line number, name, header options, body lines) of each ``[name]`` block."""
    blocks: list[tuple[int, str, str, list[tuple[int, str]]]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        header = _HEADER.match(line.strip())
        if header:
            if any(b[1] == header.group(1) for b in blocks):
                raise LineError(resolve_particles(_("%(n)s번째 줄: 이름 %(name)s이(가) 두 번 쓰였습니다.", n=number, name=header.group(1))))
            blocks.append((number, header.group(1), header.group(2), []))
        elif line.strip():
            if not blocks:
                raise LineError(_("%(n)s번째 줄: 먼저 [이름] 줄로 목록 이름을 적어 주십시오.", n=number))
            blocks[-1][3].append((number, line))
    return blocks


def _in_place(body: list[tuple[int, str]]) -> str:
    """Body lines at their original line numbers, so errors name the line the user sees."""
    lines = [""] * (body[-1][0] if body else 0)
    for number, line in body:
        lines[number - 1] = line
    return "\n".join(lines)


def parse_lists(text: str | None) -> dict[str, list]:
    """The text as ``{name: [choice, ...]}``."""
    lists = {}
    for _number, name, _options, body in _blocks(text):
        lists[name] = parse_choices(_in_place(body))
    return lists


def _options(raw: str, number: int) -> dict[str, int]:
    options = {}
    for pair in raw.split():
        key, _sep, value = pair.partition("=")
        if key not in ("points", "start", "na") or not re.fullmatch(r"-?\d+", value):
            raise LineError(_("%(n)s번째 줄: points=5 start=1 na=9 처럼 적어 주십시오.", n=number))
        options[key] = int(value)
    if "points" not in options:
        raise LineError(_("%(n)s번째 줄: 척도 점 수(points=5)를 적어 주십시오.", n=number))
    return options


def parse_scales(text: str | None) -> dict[str, dict]:
    """The text as ``{name: scale}``."""
    scales = {}
    for number, name, raw, body in _blocks(text):
        options = _options(raw, number)
        labels = parse_labels(_in_place(body))
        scale: dict[str, Any] = {"points": options["points"]}
        if options.get("start", 1) != 1:
            scale["start"] = options["start"]
        na = [item for item in labels if item["value"] == options.get("na")]
        rest = [item for item in labels if item["value"] != options.get("na")]
        if rest:
            scale["labels"] = rest
        if "na" in options:
            scale["na"] = na[0] if na else {"value": options["na"], "label": {"ko": "모름/해당없음"}}
        scales[name] = scale
    return scales


def lists_text(lists: Any) -> str:
    """Shared lists back as text."""
    if not isinstance(lists, dict):
        return ""
    return "\n\n".join(f"[{name}]\n{choices_text(items)}" for name, items in lists.items())


def scales_text(scales: Any) -> str:
    """Shared scales back as text."""
    if not isinstance(scales, dict):
        return ""
    blocks = []
    for name, scale in scales.items():
        if not isinstance(scale, dict):
            continue
        head = f"[{name}] points={scale.get('points', '')}"
        head += f" start={scale['start']}" if "start" in scale else ""
        na = scale.get("na") if isinstance(scale.get("na"), dict) else None
        head += f" na={na.get('value')}" if na else ""
        body = labels_text(list(scale.get("labels") or []) + ([na] if na else []))
        blocks.append(f"{head}\n{body}".rstrip())
    return "\n\n".join(blocks)


def names_in_use(draft: dict) -> set[str]:
    """Names of shared lists and scales that questions refer to."""
    used = set()
    for question in _all_questions(draft):
        for key in ("choices", "scale"):
            if isinstance(question.get(key), str):
                used.add(question[key])
    return used


def _all_questions(draft: dict):
    for question in draft.get("hidden") or []:
        if isinstance(question, dict):
            yield question
    for section in draft.get("sections") or []:
        for question in (section.get("questions") or []) if isinstance(section, dict) else []:
            if isinstance(question, dict):
                yield question


__all__ = ["lists_text", "names_in_use", "parse_lists", "parse_scales", "scales_text", "vocab"]
