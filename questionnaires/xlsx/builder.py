"""Shared state while turning sheets into the questionnaire dict: cell readers and locations."""

from __future__ import annotations

import math
from typing import Any

from ..problems import Problem, longest_prefix, make_problem
from . import layout
from .tables import SheetRow, Table, at_cell

Place = tuple[str, int | None, str | None, str | None]  # sheet, row, column name, column letter

_EXPECTED = {
    "bool": ("예/아니오(yes/no)", "yes or no"),
    "number": ("숫자", "a number"),
    "int": ("정수", "a whole number"),
}


class Builder:
    """Collects the raw dict's locations and cell problems for one workbook."""

    def __init__(self, tables: dict[str, Table]):
        self.tables = tables
        self.problems: list[Problem] = []
        self.places: dict[str, Place] = {}

    def note(self, path: str, table: Table, row: SheetRow | None, column: str | None = None) -> None:
        """Remember that the data at `path` came from this row (and column)."""
        letter = table.columns.get(column) if column else None
        self.places.setdefault(path, (table.sheet, row.number if row else None, column, letter))

    def problem(self, code: str, table: Table, row: SheetRow | None, column: str | None = None, /, **params: Any) -> None:
        """Record a problem at a cell."""
        letter = table.columns.get(column) if column else None
        number = row.number if row else None
        self.problems.append(at_cell(make_problem(code, "", **params), table.sheet, number, column, letter))

    def value(self, path: str, table: Table, row: SheetRow, column: str) -> Any:
        """Return a cell's value as is, noting where it came from."""
        self.note(path, table, row, column)
        return row.values.get(column)

    def text(self, path: str, table: Table, row: SheetRow, prefix: str) -> dict[str, Any] | None:
        """Return {ko, en} from `prefix::ko` / `prefix::en` columns (None when both are blank)."""
        out = {}
        for lang in ("ko", "en"):
            column = f"{prefix}::{lang}"
            self.note(f"{path}.{lang}", table, row, column)
            if row.values.get(column) is not None:
                out[lang] = row.values[column]
        self.note(path, table, row, f"{prefix}::ko")
        return out or None

    def flag(self, path: str, table: Table, row: SheetRow, column: str) -> bool | None:
        """Return a yes/no cell as bool (None when blank)."""
        raw = self.value(path, table, row, column)
        if raw is None:
            return None
        result = layout.cell_bool(raw)
        if result is None:
            self._bad(table, row, column, "bool", raw)
        return result

    def number(self, path: str, table: Table, row: SheetRow, column: str, whole: bool = False) -> Any:
        """Return a numeric cell (numeric text is accepted), or None."""
        raw = self.value(path, table, row, column)
        if raw is None:
            return None
        number = _as_number(raw)
        if number is None or (whole and not float(number).is_integer()):
            self._bad(table, row, column, "int" if whole else "number", raw)
            return None
        return int(number) if whole else number

    def _bad(self, table: Table, row: SheetRow, column: str, kind: str, raw: Any) -> None:
        ko, en = _EXPECTED[kind]
        self.problem("cell_type", table, row, column, expected=ko, expected_en=en, value=raw)

    def locate(self, path: str) -> dict[str, Any]:
        """Workbook location fields for a problem path (empty when unknown)."""
        place = longest_prefix(path, self.places)
        if place is None:
            return {}
        sheet, row, column, letter = place
        where = sheet if row is None else f"{sheet}!{letter or ''}{row}" + (f" ({column})" if column else "")
        return {"location": where, "sheet": sheet, "row": row, "column": column}


def _as_number(raw: Any) -> float | int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return raw if math.isfinite(raw) else None
    if isinstance(raw, str):
        try:
            number = float(raw.replace(",", ""))
        except ValueError:
            return None
        return (int(number) if number.is_integer() else number) if math.isfinite(number) else None
    return None
