"""Read an .xlsx workbook into plain tables, reporting bad sheets, columns and cells."""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass, field, replace
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..problems import Problem, make_problem, suggest
from . import layout
from .limits import WorkbookTooLarge, check_unpacked_size

MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_BYTES = 20_000_000

Source = str | bytes | os.PathLike | IO[bytes]


@dataclass
class SheetRow:
    """One non-empty data row: cell values by column name."""

    number: int
    values: dict[str, Any]


@dataclass
class Table:
    """A known sheet: its columns (name -> letter) and data rows."""

    sheet: str
    columns: dict[str, str]
    rows: list[SheetRow] = field(default_factory=list)


def at_cell(problem: Problem, sheet: str, row: int | None, column: str | None = None, letter: str | None = None) -> Problem:
    """Give a problem its workbook location, e.g. survey!C12 (label::ko)."""
    if row is None:
        where = sheet
    else:
        where = f"{sheet}!{letter or ''}{row}" + (f" ({column})" if column else "")
    return replace(problem, location=where, sheet=sheet, row=row, column=column)


def _open(source: Source) -> list[tuple[str, list[list[tuple[Any, str]]]]]:
    """Every worksheet as (name, rows of (value, data_type)); any failure is an unreadable file."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(bytes(source))
    book = load_workbook(source, read_only=True, data_only=False)
    try:
        return [(sheet.title, _grab(sheet)) for sheet in book.worksheets]
    finally:
        book.close()


def _grab(sheet: Any) -> list[list[tuple[Any, str]]]:
    rows = []
    for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS:
            break
        rows.append([(getattr(cell, "value", None), getattr(cell, "data_type", "n")) for cell in row])
    return rows


def read_tables(source: Source) -> tuple[dict[str, Table], list[Problem]]:
    """Return the known sheets as tables and every sheet/column/cell problem."""
    try:
        _check_size(source)
        check_unpacked_size(source)
        raw_sheets = _open(source)
    except WorkbookTooLarge as error:
        return {}, [make_problem("xlsx_too_large", "", limit=error.limit // 1_000_000)]
    except Exception as error:  # openpyxl/zipfile/XML raise many types on a damaged file
        return {}, [make_problem("xlsx_unreadable", "", detail=type(error).__name__)]
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    for title, rows in raw_sheets:
        name = _sheet_name(title, tables, problems)
        if name is not None:
            tables[name] = _table(name, title, rows, problems)
    for name in layout.REQUIRED_SHEETS:
        if name not in tables:
            problems.append(at_cell(make_problem("sheet_missing", "", sheet=name), name, None))
    return tables, problems


def _check_size(source: Source) -> None:
    if isinstance(source, (str, os.PathLike)) and os.path.getsize(source) > MAX_BYTES:
        raise ValueError("file too large")
    if isinstance(source, (bytes, bytearray)) and len(source) > MAX_BYTES:
        raise ValueError("file too large")


def _sheet_name(title: str, tables: dict[str, Table], problems: list[Problem]) -> str | None:
    name = title.strip().lower()
    if layout.is_ignored_name(name):
        return None
    if name not in layout.SHEETS:
        problem = make_problem("sheet_unknown", "", sheet=title, allowed=", ".join(layout.SHEETS))
        problems.append(at_cell(problem, title, None))
        return None
    if name in tables:
        problems.append(at_cell(make_problem("sheet_duplicate", "", sheet=title), title, None))
        return None
    return name


def _table(name: str, title: str, rows: list[list[tuple[Any, str]]], problems: list[Problem]) -> Table:
    header = rows[0] if rows else []
    table = Table(name, _columns(name, title, header, problems))
    for number, row in enumerate(rows[1:], start=2):
        values = _row_values(table, title, number, row, problems)
        key = values.get(layout.KEY_COLUMN[name])
        if values and not (isinstance(key, str) and key.startswith("#")):
            table.rows.append(SheetRow(number, values))
    return table


def _columns(name: str, title: str, header: list[tuple[Any, str]], problems: list[Problem]) -> dict[str, str]:
    known = layout.COLUMNS[name]
    columns: dict[str, str] = {}
    for index, (value, _) in enumerate(header, start=1):
        letter = get_column_letter(index)
        column = str(value).strip().lower() if value is not None else ""
        if not column or layout.is_ignored_name(column):
            continue
        if column not in known:
            hint = suggest(column, known)
            problems.append(at_cell(make_problem("column_unknown", "", column=value, suggestion=hint), title, 1, column, letter))
        elif column in columns:
            problems.append(at_cell(make_problem("column_duplicate", "", column=column), title, 1, column, letter))
        else:
            columns[column] = letter
    key = layout.KEY_COLUMN[name]
    if key not in columns:
        problems.append(at_cell(make_problem("column_missing", "", column=key), title, 1))
    return columns


def _row_values(table: Table, title: str, number: int, row: list[tuple[Any, str]], problems: list[Problem]) -> dict[str, Any]:
    letters = {letter: column for column, letter in table.columns.items()}
    values: dict[str, Any] = {}
    for index, (value, data_type) in enumerate(row, start=1):
        column = letters.get(get_column_letter(index))
        value = _clean(value)
        if column is None or value is None:
            continue
        if data_type == "f" or (isinstance(value, str) and value.startswith("=") and data_type != "s"):
            problems.append(at_cell(make_problem("cell_formula", ""), title, number, column, get_column_letter(index)))
            continue
        values[column] = value
    return values


def _clean(value: Any) -> Any:
    """Blank strings are empty cells; dates become ISO text; other text is trimmed."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return str(value)
    return value
