"""One-item-per-line text areas of the designer (choices, scale labels, matrix rows, scoring lists).

A line holds cells separated by ``|``, or by tabs when pasted from a spreadsheet:
``1 | 매우 만족 | Very satisfied | na``. Each parser returns plain dicts in the questionnaire's
file shape, or raises :class:`LineError` naming the line, so the form can show where to look.
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from questionnaires import vocab
from questionnaires.korean import resolve_particles

CHOICE_FLAGS = {"na": "na", "모름": "na", "해당없음": "na", "exclusive": "exclusive", "단독": "exclusive",
                "other": "other", "기타입력": "other"}
SCORING_KEYS = ("dimension", "reverse", "weight", "kpi", "checklist", "stage", "points")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class LineError(ValueError):
    """A line that cannot be read; the message names the line number."""


def cells(line: str) -> list[str]:
    """The cells of one line (tab-separated when pasted from a spreadsheet, else ``|``)."""
    parts = line.split("\t") if "\t" in line else line.split("|")
    return [part.strip() for part in parts]


#: Extra cells of ``parse_named`` kept as text (a checklist's credit rule); the others are numbers.
TEXT_EXTRAS = ("credit",)


def _lines(text: str | None) -> list[tuple[int, list[str]]]:
    return [(number, cells(line)) for number, line in enumerate((text or "").splitlines(), start=1) if line.strip()]


def text_of(ko: str, en: str = "") -> dict[str, str]:
    """A bilingual text dict without empty languages."""
    return {lang: value for lang, value in (("ko", ko.strip()), ("en", en.strip())) if value}


def value_of(raw: str) -> int | str:
    """A choice value: a whole number when it looks like one, else the text."""
    return int(raw) if re.fullmatch(r"-?\d+", raw) else raw


def number_of(raw: str, number: int, what: str) -> float | int:
    """A number cell, or a LineError naming the line."""
    if not _NUMBER.match(raw):
        raise LineError(resolve_particles(_("%(n)s번째 줄: %(what)s은(는) 숫자로 적어 주십시오.", n=number, what=what)))
    value = float(raw)
    return int(value) if value.is_integer() else value


def parse_choices(text: str | None) -> list[dict[str, Any]]:
    """``value | 한국어 | English | na exclusive other`` per line → choice dicts."""
    choices, seen = [], set()
    for number, parts in _lines(text):
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise LineError(_("%(n)s번째 줄: '값 | 한국어 문구'처럼 값과 문구를 적어 주십시오.", n=number))
        value = value_of(parts[0])
        if str(value) in seen:
            raise LineError(resolve_particles(_("%(n)s번째 줄: 값 %(v)s이(가) 두 번 쓰였습니다.", n=number, v=value)))
        seen.add(str(value))
        choice: dict[str, Any] = {"value": value, "label": text_of(parts[1], parts[2] if len(parts) > 2 else "")}
        for flag in " ".join(parts[3:]).replace(",", " ").split():
            if flag.lower() not in CHOICE_FLAGS:
                raise LineError(resolve_particles(_("%(n)s번째 줄: '%(f)s'은(는) 알 수 없는 표시입니다 (na, exclusive, other).",
                                  n=number, f=flag)))
            choice[CHOICE_FLAGS[flag.lower()]] = True
        choices.append(choice)
    return choices


def choices_text(choices: Any) -> str:
    """Choice dicts back as lines."""
    if not isinstance(choices, list):
        return ""
    lines = []
    for c in choices:
        if isinstance(c, dict):
            label = c.get("label") or {}
            label = label if isinstance(label, dict) else {"ko": str(label)}
            flags = " ".join(f for f in ("na", "exclusive", "other") if c.get(f))
            lines.append(" | ".join(x for x in (str(c.get("value", "")), label.get("ko", ""), label.get("en", ""), flags))
                         .rstrip(" |"))
    return "\n".join(lines)


def parse_labels(text: str | None) -> list[dict[str, Any]]:
    """``value | 한국어 | English`` per line → scale anchor labels."""
    labels = []
    for number, parts in _lines(text):
        if len(parts) < 2 or not re.fullmatch(r"-?\d+", parts[0]) or not parts[1]:
            raise LineError(_("%(n)s번째 줄: '점수 | 한국어 문구'처럼 적어 주십시오.", n=number))
        labels.append({"value": int(parts[0]), "label": text_of(parts[1], parts[2] if len(parts) > 2 else "")})
    return labels


def labels_text(labels: Any) -> str:
    """Scale labels back as lines."""
    lines = []
    for item in labels if isinstance(labels, list) else []:
        if isinstance(item, dict):
            label = item.get("label") or {}
            label = label if isinstance(label, dict) else {"ko": str(label)}
            lines.append(" | ".join((str(item.get("value", "")), label.get("ko", ""), label.get("en", ""))).rstrip(" |"))
    return "\n".join(lines)


def parse_scoring_cells(parts: list[str], number: int) -> dict[str, Any]:
    """``points=15 stage=맞이 checklist=counter`` cells → a scoring dict."""
    scoring: dict[str, Any] = {}
    for pair in " ".join(parts).split():
        key, _sep, raw = pair.partition("=")
        if key not in SCORING_KEYS or not raw:
            raise LineError(_("%(n)s번째 줄: '%(p)s' 대신 points=10, stage=맞이 같은 채점 항목을 적어 주십시오.",
                              n=number, p=pair))
        if key in ("weight", "points"):
            scoring[key] = number_of(raw, number, key)
        elif key == "reverse":
            scoring[key] = raw.lower() in ("1", "true", "yes", "예")
        else:
            scoring[key] = raw
    return scoring


def parse_rows(text: str | None) -> list[dict[str, Any]]:
    """``code | 한국어 | English | points=10 stage=맞이`` per line → matrix rows."""
    rows = []
    for number, parts in _lines(text):
        if len(parts) < 2 or not vocab.CODE_PATTERN.match(parts[0]) or not parts[1]:
            raise LineError(_("%(n)s번째 줄: '코드 | 한국어 문구'처럼 적어 주십시오. 코드는 영문자로 시작합니다.", n=number))
        row: dict[str, Any] = {"code": parts[0], "text": text_of(parts[1], parts[2] if len(parts) > 2 else "")}
        scoring = parse_scoring_cells(parts[3:], number)
        if scoring:
            row["scoring"] = scoring
        rows.append(row)
    return rows


def scoring_cells(scoring: Any) -> str:
    """A scoring dict back as ``key=value`` cells."""
    if not isinstance(scoring, dict):
        return ""
    return " ".join(f"{k}={scoring[k]}" for k in SCORING_KEYS if k in scoring)


def rows_text(rows: Any) -> str:
    """Matrix rows back as lines."""
    lines = []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict):
            text = row.get("text") or {}
            text = text if isinstance(text, dict) else {"ko": str(text)}
            lines.append(" | ".join((str(row.get("code", "")), text.get("ko", ""), text.get("en", ""),
                                     scoring_cells(row.get("scoring")))).rstrip(" |"))
    return "\n".join(lines)


def parse_named(text: str | None, extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """``code | 한국어 | English | extra...`` per line → dicts (dimensions, checklists)."""
    items = []
    for number, parts in _lines(text):
        if not parts[0] or not vocab.CODE_PATTERN.match(parts[0]):
            raise LineError(_("%(n)s번째 줄: 영문자로 시작하는 코드를 먼저 적어 주십시오.", n=number))
        item: dict[str, Any] = {"code": parts[0]}
        name = text_of(parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")
        if name:
            item["name"] = name
        for key, raw in zip(extra, parts[3:], strict=False):  # a line may give fewer or more cells than named
            if raw:
                item[key] = raw if key in TEXT_EXTRAS else number_of(raw, number, key)
        items.append(item)
    return items


def named_text(items: Any, extra: tuple[str, ...] = ()) -> str:
    """Dimensions or checklists back as lines."""
    lines = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            name = item.get("name") or {}
            name = name if isinstance(name, dict) else {"ko": str(name)}
            cells_ = [str(item.get("code", "")), name.get("ko", ""), name.get("en", "")]
            cells_ += [str(item[k]) if k in item else "" for k in extra]
            lines.append(" | ".join(cells_).rstrip(" |"))
    return "\n".join(lines)


def parse_indices(text: str | None) -> list[dict[str, Any]]:
    """``code | 한국어 | English | method | total | dim=weight ...`` per line → index dicts."""
    indices = []
    for number, parts in _lines(text):
        named = parse_named(" | ".join(parts[:3]))
        if not named:
            raise LineError(_("%(n)s번째 줄: 영문자로 시작하는 코드를 먼저 적어 주십시오.", n=number))
        index = named[0]
        if len(parts) > 3 and parts[3]:
            index["method"] = parts[3]
        if len(parts) > 4 and parts[4]:
            index["total"] = number_of(parts[4], number, "total")
        weights = {}
        for pair in " ".join(parts[5:]).split():
            dim, _sep, raw = pair.partition("=")
            if not dim or not raw:
                raise LineError(_("%(n)s번째 줄: 가중치는 차원코드=0.3처럼 적어 주십시오.", n=number))
            weights[dim] = number_of(raw, number, dim)
        index["weights"] = weights
        indices.append(index)
    return indices


def indices_text(indices: Any) -> str:
    """Indices back as lines."""
    lines = []
    for item in indices if isinstance(indices, list) else []:
        if isinstance(item, dict):
            head = named_text([item]) .split(" | ")
            head += [""] * (3 - len(head))
            weights = " ".join(f"{k}={v}" for k, v in (item.get("weights") or {}).items())
            lines.append(" | ".join(head[:3] + [str(item.get("method", "")), str(item.get("total", "")), weights]))
    return "\n".join(lines)
