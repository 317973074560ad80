"""The VOC case list as an Excel sheet: a header and rows streamed in a write-only workbook, every text
formula-safe (:func:`exports.safety.safe_value`)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .safety import safe_value

__all__ = ["write_case_list"]


def write_case_list(header: Sequence[str], rows: Iterable[Sequence[Any]], target: str | Path | IO[bytes]) -> int:
    """Write "VOC 사건 목록" with ``header`` and ``rows``; returns the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("VOC 사건 목록")
    sheet.freeze_panes = "B2"
    bold = Font(bold=True)
    heading = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_value(value))
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    workbook.save(target)
    return count
