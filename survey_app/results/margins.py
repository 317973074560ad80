"""Population margins as staff type or upload them: one row per category, ``변수, 범주, 비율(%)``.

:func:`read_table` splits the rows (a pasted table or an uploaded CSV, UTF-8 or CP949, commas or tabs);
:func:`check_margins` checks them against the categories found in the survey's answers and returns the
margins to keep (variable code → category label → percent) or a Korean message for every bad row, so a
person fixes the table once. Nothing is saved unless every row is right.
"""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass

from .segments import TITLES

#: Every share of a margin must add up to 100 within this many percentage points (rounded figures).
SUM_TOLERANCE = 0.5
#: Extra names staff use for the variables, besides the segment titles and codes.
EXTRA_NAMES = {"지역": "region", "지방우정청": "region", "우체국": "office_code", "채널": "channel",
               "고객 유형": "customer_type", "고객유형": "customer_type", "나이": "age_band", "연령": "age_band"}


@dataclass(frozen=True)
class MarginRow:
    """One typed row: its line number and its three cells as text."""

    line: int
    cells: tuple[str, ...]


def variable_codes() -> dict[str, str]:
    """Every accepted name of a margin variable → its segment code."""
    names = {code: code for code in TITLES}
    for code, (title, english) in TITLES.items():
        names[title] = code
        names[title.split("(")[0].strip()] = code
        names[english.lower()] = code
    return {**names, **EXTRA_NAMES}


def decode_upload(raw: bytes) -> str:
    """An uploaded file's text (UTF-8 with or without BOM, else CP949 as Excel saves Korean CSV)."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("파일을 읽을 수 없습니다. UTF-8이나 CP949로 저장한 CSV 파일을 올려 주십시오.")


def read_table(text: str) -> list[MarginRow]:
    """Non-blank rows of a pasted table or CSV text; a first row whose third cell is not a number is a header."""
    dialect = "excel-tab" if "\t" in text else "excel"
    rows = []
    for line, cells in enumerate(csv.reader(io.StringIO(text), dialect=dialect), 1):
        cells = tuple(c.strip() for c in cells)
        if not any(cells):
            continue
        if not rows and line == 1 and len(cells) >= 3 and _number(cells[2]) is None:
            continue
        rows.append(MarginRow(line, cells))
    return rows


def _number(text: str) -> float | None:
    try:
        value = float(text.replace("%", "").replace(",", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _category(variable: str, text: str, known: Mapping[str, Mapping[str, str]]) -> str | None:
    """The stored label of a category typed as its label or its shown name."""
    levels = known.get(variable, {})
    if text in levels:
        return text
    return next((label for label, name in levels.items() if name == text), None)


def _row(row: MarginRow, known: Mapping[str, Mapping[str, str]], found: dict, errors: list[str]) -> None:
    """Check one row and add it to ``found`` (variable → label → percent) or its problems to ``errors``."""
    where = f"{row.line}행"
    if len(row.cells) != 3:
        errors.append(f"{where}: 칸이 세 개(변수, 범주, 비율)여야 하는데 {len(row.cells)}개입니다.")
        return
    name, category, share_text = row.cells
    variable = variable_codes().get(name) or variable_codes().get(name.lower())
    if variable is None or variable not in known:
        usable = ", ".join(TITLES[v][0] for v in known if v in TITLES) or "없음"
        errors.append(f"{where}: 응답 자료에 없는 변수입니다 — '{name}' (쓸 수 있는 변수: {usable})")
        return
    label = _category(variable, category, known)
    share = _number(share_text)
    if label is None:
        names = ", ".join(list(known[variable].values())[:12])
        errors.append(f"{where}: 응답 자료에 없는 범주입니다 — {TITLES[variable][0]} '{category}' (있는 범주: {names})")
    if share is None:
        errors.append(f"{where}: 비율이 숫자가 아닙니다 — '{share_text}'")
    elif not 0 <= share <= 100:
        errors.append(f"{where}: 비율은 0에서 100 사이여야 합니다 — {share_text}")
    if label is None or share is None:
        return
    if label in found.setdefault(variable, {}):
        errors.append(f"{where}: 앞에서 이미 적은 범주입니다 — {TITLES[variable][0]} '{category}'")
        return
    found[variable][label] = share


def check_margins(rows: list[MarginRow], known: Mapping[str, Mapping[str, str]]) -> tuple[dict, list[str]]:
    """Margins (variable code → category label → percent) from ``rows``, checked against ``known`` (variable
    code → category label → shown name, as found in the answers); and every problem, in Korean."""
    if not rows:
        return {}, ["표가 비어 있습니다. 한 줄에 변수, 범주, 비율(%)을 하나씩 적어 주십시오."]
    found: dict[str, dict[str, float]] = {}
    errors: list[str] = []
    for row in rows:
        _row(row, known, found, errors)
    for variable, shares in found.items():
        title = TITLES[variable][0]
        total = sum(shares.values())
        if abs(total - 100) > SUM_TOLERANCE:
            errors.append(f"{title}: 비율의 합계가 {total:g}%입니다. 합계가 100%가 되도록 고쳐 주십시오.")
        missing = [name for label, name in known[variable].items() if label not in shares]
        if missing:
            errors.append(f"{title}: 응답 자료에 있는 범주의 비율이 빠졌습니다 — " + ", ".join(f"'{m}'" for m in missing))
    return (found if not errors else {}), errors


def margins_table(margins: Mapping[str, Mapping[str, float]], known: Mapping[str, Mapping[str, str]]) -> str:
    """Stored margins as the table staff edit (shown names where known)."""
    lines = ["변수,범주,비율(%)"]
    for variable, shares in margins.items():
        title = TITLES.get(variable, (variable,))[0]
        for label, share in shares.items():
            lines.append(f"{title},{known.get(variable, {}).get(label, label)},{share:g}")
    return "\n".join(lines)
