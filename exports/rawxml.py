"""Stream the raw rows straight into the saved workbook as SpreadsheetML, many times faster than cell objects.

openpyxl's write-only sheet builds a cell object per value and serialises it
through an XML writer (about 6 µs a cell: 25 s for 100k responses x 40
columns). The raw sheet holds only plain values, so its rows are written here
as ``<row>``/``<c>`` text directly:

1. openpyxl writes the workbook with the raw sheet's header row only (styles,
   comments, print setup, page header, every other sheet and chart as usual);
2. the file is copied entry by entry into the target ZIP, and the raw sheet's
   rows are streamed into its entry just before ``</sheetData>``.

Cells follow ECMA-376 Part 1 §18.3.1.4 (``c``): numbers as ``<v>`` with
``repr`` (exact round trip), text as inline strings (``t="inlineStr"``, as
openpyxl writes them), booleans ``t="b"``, dates and times as serial numbers
with a date style. Values arrive already made safe by :mod:`exports.raw`.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from .safety import safe_text, safe_value

__all__ = ["PendingRows", "save_with_rows"]

_CHUNK_ROWS = 500
_DATE_FORMATS = {datetime: "yyyy-mm-dd hh:mm:ss", date: "yyyy-mm-dd", time: "hh:mm:ss"}


def _text(ref: str, text: str, attrs: str = "") -> str:
    """An inline-string cell; spaces at either end kept (xml:space), CR kept as a character reference."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return f'<c r="{ref}"{attrs} t="inlineStr"><is><t{space}>{text}</t></is></c>'


class PendingRows:
    """Rows waiting to be written into sheet ``ws`` (from row ``first_row``) when the workbook is saved.

    ``functions`` holds, per column, the masking/labelling function or None;
    every value then goes through the same rules as :func:`exports.safety.safe_value`.
    ``styles`` optionally gives each column's cell style index, ``height`` a row height
    (points, or None for the default) from a row's values.
    """

    def __init__(self, ws: Any, rows: Iterable[Sequence[Any]], functions: Sequence[Callable[[Any], Any] | None],
                 first_row: int = 2, *, styles: Sequence[int | None] | None = None,
                 height: Callable[[Sequence[Any]], float | None] | None = None) -> None:
        self.ws, self.rows, self.first_row, self.height = ws, rows, first_row, height
        self.letters = [get_column_letter(i) for i in range(1, len(functions) + 1)]
        self.functions = list(functions)
        self.attrs = [f' s="{sid}"' if sid else "" for sid in (styles or [None] * len(self.functions))]
        self.date_styles = {kind: self._style_id(ws, fmt) for kind, fmt in _DATE_FORMATS.items()}
        self.count = 0

    @staticmethod
    def _style_id(ws: Any, number_format: str) -> int:
        """Register a number format in the workbook's cell styles; return its style index."""
        cell = WriteOnlyCell(ws)
        cell.number_format = number_format
        return cell.style_id

    def _other(self, ref: str, value: Any, attrs: str) -> str:
        """A value that is not a plain int, float or str: made safe first, then written by type."""
        value = safe_value(value)
        kind = type(value)
        if value is None or value == "":
            return ""
        if kind is str:
            return _text(ref, value, attrs)
        if kind is bool:
            return f'<c r="{ref}"{attrs} t="b"><v>{int(value)}</v></c>'
        if kind is int or kind is float:
            return f'<c r="{ref}"{attrs}><v>{value!r}</v></c>'
        style = self.date_styles[datetime if isinstance(value, datetime) else date if isinstance(value, date) else time]
        return f'<c r="{ref}" s="{style}"><v>{to_excel(value)!r}</v></c>'

    def _start(self, number: int, row: Sequence[Any]) -> str:
        height = self.height(row) if self.height is not None else None
        return f'<row r="{number}">' if height is None else f'<row r="{number}" ht="{height:g}" customHeight="1">'

    def _row(self, number: int, row: Sequence[Any]) -> str:
        if len(row) != len(self.letters):
            raise ValueError(f"raw row has {len(row)} values but the header has {len(self.letters)} columns")
        n, parts = str(number), [self._start(number, row)]
        append = parts.append
        for letter, function, attrs, value in zip(self.letters, self.functions, self.attrs, row, strict=True):
            if function is not None:
                value = function(value)
            kind = type(value)
            # The common cases inline (this loop runs once per cell); the rest as safe_value says.
            if value is None:
                continue
            if kind is int:
                append(f'<c r="{letter}{n}"{attrs}><v>{value}</v></c>')
            elif kind is float:
                if value - value == 0:  # finite: NaN and infinities are left empty
                    append(f'<c r="{letter}{n}"{attrs}><v>{value!r}</v></c>')
            elif kind is str:
                if value:
                    append(_text(letter + n, safe_text(value), attrs))
            else:
                append(self._other(letter + n, value, attrs))
        append("</row>")
        return "".join(parts)

    def write(self, out: IO[bytes]) -> int:
        """Write every row as SpreadsheetML to ``out``; return the number of rows."""
        number, chunk = self.first_row, []
        for row in self.rows:
            chunk.append(self._row(number, row))
            number += 1
            if len(chunk) == _CHUNK_ROWS:
                out.write("".join(chunk).encode("utf-8"))
                chunk.clear()
        out.write("".join(chunk).encode("utf-8"))
        self.count = number - self.first_row
        return self.count


def _splice(source: IO[bytes], target: str | IO[bytes], pending: Sequence[PendingRows]) -> None:
    """Copy the saved workbook into ``target``, streaming each sheet's pending rows into it."""
    by_sheet = {p.ws.path.lstrip("/"): p for p in pending}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                                                         compresslevel=1) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            rows = by_sheet.get(info.filename)
            if rows is None:
                zout.writestr(info, data)
                continue
            data = data.replace(b"<sheetData/>", b"<sheetData></sheetData>")
            cut = data.rindex(b"</sheetData>")
            with zout.open(info.filename, "w", force_zip64=True) as out:
                out.write(data[:cut])
                rows.write(out)
                out.write(data[cut:])


def save_with_rows(wb: Any, target: str | os.PathLike | IO[bytes], pending: Sequence[PendingRows] = ()) -> None:
    """Save ``wb`` to ``target`` (path or binary stream), streaming the pending rows into their sheets."""
    if isinstance(target, os.PathLike):
        target = os.fspath(target)
    if not pending:
        wb.save(target)
        return
    with tempfile.TemporaryFile() as small:
        wb.save(small)
        small.seek(0)
        if not isinstance(target, str):
            _splice(small, target, pending)
            return
        part = tempfile.NamedTemporaryFile(dir=os.path.dirname(os.path.abspath(target)), suffix=".xlsx", delete=False)
        try:
            with part:
                _splice(small, part, pending)
            os.replace(part.name, target)  # a reader never sees a half-written file
        except BaseException:
            os.unlink(part.name)
            raise
