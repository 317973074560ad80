"""Reading org-tree and staff-directory files (CSV or Excel) into rows keyed by column name.

Korean headers (코드, 이름, 구분, 상위 코드, 직원번호, 소속 코드, 직위, 사용) are mapped to the column
names :mod:`.operations` takes.
"""
from __future__ import annotations

import csv
import io
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from questionnaires.xlsx.limits import check_declared_cells, check_unpacked_size, limited_rows

HEADERS = {"코드": "code", "이름": "name", "영문 이름": "name_en", "구분": "level", "상위 코드": "parent_code",
           "사용": "active", "직원번호": "employee_no", "소속 코드": "unit_code", "직위": "position"}
MAX_COLUMNS = 50


def read_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV (UTF-8, with or without BOM) or the first sheet of an Excel file, keyed by header."""
    if filename.lower().endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04"):
        values = _excel_values(data)
    else:
        values = _csv_values(data)
    if not values:
        return []
    header = [HEADERS.get(h, h.lower()) for h in values[0]]
    return [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]  # ragged rows: cells past the header are ignored


def _csv_values(data: bytes) -> list[list[str]]:
    """Cell texts of a UTF-8 CSV; a cell beyond the csv module's 128 KB is a ValueError naming the line."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    try:
        return [[c.strip() for c in row] for row in reader]
    except csv.Error as exc:
        raise ValueError(f"line {reader.line_num}: {exc}") from None


def _excel_values(data: bytes) -> list[list[str]]:
    """Cell texts of the first sheet; a file that is not a readable workbook is a ValueError."""


    check_unpacked_size(data)  # WorkbookTooLarge is a ValueError: the caller's "cannot read" answer
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        check_declared_cells(sheet)
        rows = limited_rows(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
        return [["" if v is None else str(v).strip() for v in row] for row in rows]
    except (BadZipFile, InvalidFileException, IndexError) as exc:
        raise ValueError(f"not a readable workbook: {exc}") from None
