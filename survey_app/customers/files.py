"""Reading tables from CSV or XLSX files as a stream of rows, never the whole file in memory.

CSV: UTF-8 with or without BOM, or CP949 (what Korean office software writes); the encoding is decided
by the first line that is not plain ASCII, and a later line that does not decode in it is an error naming
its row. XLSX: openpyxl in read-only mode from a path or file object, after the zip-bomb and cell-count
checks of :mod:`questionnaires.xlsx.limits`. Used by the customer import and the contact list import.
Pure: no Flask app or database (messages go through flask_babel, which falls back to the Korean text).
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _

from questionnaires.korean import resolve_particles
from questionnaires.xlsx.limits import (
    MAX_CELLS,
    MAX_UNCOMPRESSED_BYTES,
    WorkbookTooLarge,
    check_declared_cells,
    check_unpacked_size,
    limited_rows,
)

#: Columns read from a sheet; cells further right are never looked at.
MAX_COLUMNS = 100
#: The longest CSV line read (the csv module refuses a cell over 128 KB anyway).
MAX_LINE_BYTES = 1_000_000
BOM = b"\xef\xbb\xbf"

Source = str | os.PathLike | BinaryIO | bytes


class TableFileError(ValueError):
    """A file that cannot be read as a table at all (format, encoding, size), with a message for the user."""


class _Undecodable(Exception):
    def __init__(self, encoding: str):
        super().__init__(encoding)
        self.encoding = encoding


def is_xlsx(source: Source, filename: str = "") -> bool:
    """Whether the file is an Excel workbook (by its name, or a zip signature at its start)."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return True
    if isinstance(source, (bytes, bytearray)):
        return bytes(source[:2]) == b"PK"
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            return stream.read(2) == b"PK"
    position = source.tell()
    start = source.read(2)
    source.seek(position)
    return start == b"PK"


def _encoding_of(line: bytes) -> str:
    for encoding in ("utf-8", "cp949"):
        try:
            line.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    raise _Undecodable("")


def _text_lines(stream: BinaryIO) -> Iterator[str]:
    """Decoded lines of a CSV stream; the encoding is fixed by the first line that is not plain ASCII."""
    encoding = None
    first = True
    while True:
        raw = stream.readline(MAX_LINE_BYTES)
        if not raw:
            return
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise csv.Error("line too long")
        if first and raw.startswith(BOM):
            raw, encoding = raw[len(BOM):], "utf-8"
        first = False
        if encoding is None:
            if raw.isascii():
                yield raw.decode("ascii")
                continue
            encoding = _encoding_of(raw)
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError:
            raise _Undecodable(encoding) from None


def _csv_rows(stream: BinaryIO) -> Iterator[list[object]]:
    reader = csv.reader(_text_lines(stream))
    number = 0  # rows read so far: an error is in the next one
    try:
        for row in reader:
            number += 1
            yield row
    except _Undecodable as exc:
        if not exc.encoding:
            raise TableFileError(_("글자 인코딩을 읽을 수 없습니다. UTF-8 또는 CP949(EUC-KR) CSV로 저장해 "
                                   "주십시오.")) from None
        raise TableFileError(resolve_particles(_("%(row)s행에 %(encoding)s(으)로 읽을 수 없는 글자가 있습니다. 파일 전체를 한 가지 "
                               "인코딩(UTF-8 또는 CP949)으로 저장해 주십시오.", row=number + 1,
                               encoding=exc.encoding.upper()))) from None
    except csv.Error:  # a cell over the csv module's 128 KB, usually after an unmatched quote
        raise TableFileError(_("%(row)s행을 읽을 수 없습니다. 한 칸의 내용이 너무 깁니다. 따옴표(\")가 짝이 맞는지 "
                               "확인해 주십시오.", row=number + 1)) from None


def too_large(exc: WorkbookTooLarge) -> TableFileError:
    """The user's message for a workbook over the cell or unpacked-size limit."""
    if exc.what == "cells":
        return TableFileError(_("엑셀 파일에 칸이 너무 많습니다(%(n)s칸 초과). 파일을 나누어 올려 주십시오.",
                                n=f"{exc.limit or MAX_CELLS:,}"))
    return TableFileError(_("엑셀 파일의 압축을 푼 크기가 너무 큽니다(%(mb)s MB 초과). 파일을 나누어 올려 주십시오.",
                            mb=(exc.limit or MAX_UNCOMPRESSED_BYTES) // 1_000_000))


def _xlsx_rows(source, *, max_cells: int = MAX_CELLS) -> Iterator[list[object]]:
    from openpyxl import load_workbook  # heavy; only an .xlsx file needs it

    try:
        check_unpacked_size(source)
        book = load_workbook(source, read_only=True, data_only=True)
    except WorkbookTooLarge as exc:
        raise too_large(exc) from None
    except Exception:  # openpyxl raises many kinds for a broken file; all mean the same to the user
        raise TableFileError(_("엑셀(XLSX) 파일을 열 수 없습니다.")) from None
    try:
        sheet = book.worksheets[0]
        check_declared_cells(sheet, max_cells)
        for row in limited_rows(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), max_cells):
            yield list(row)
    except WorkbookTooLarge as exc:
        raise too_large(exc) from None
    finally:
        book.close()


def table_rows(source: Source, filename: str = "", *, max_cells: int = MAX_CELLS) -> Iterator[list[object]]:
    """Every row of the file's first table (header first), as cell values: text from a CSV; text, numbers
    and datetimes from a workbook. Raises :class:`TableFileError` when the file cannot be read."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(bytes(source))
    if is_xlsx(source, filename):
        yield from _xlsx_rows(Path(source) if isinstance(source, (str, os.PathLike)) else source, max_cells=max_cells)
        return
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            yield from _csv_rows(stream)
        return
    yield from _csv_rows(source)


def cell_text(value: object) -> str:
    """A cell as trimmed text (a whole float from a workbook loses its ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
