"""Reading contact lists from CSV or XLSX into plain rows with our field names. Pure (no Flask, no database)."""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator

from flask_babel import gettext as _

from questionnaires.xlsx.limits import (
    MAX_CELLS,
    MAX_UNCOMPRESSED_BYTES,
    WorkbookTooLarge,
    check_declared_cells,
    check_unpacked_size,
    limited_rows,
)

#: Columns read from a contact sheet; cells further right are never looked at.
MAX_COLUMNS = 100

#: Our field → the column headings accepted for it (Korean first; case and spaces ignored).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("이름", "성명", "고객명", "name"),
    "mobile": ("휴대전화", "휴대폰", "휴대전화번호", "전화번호", "mobile", "phone"),
    "email": ("전자우편", "이메일", "email", "e-mail"),
    "region": ("지역", "지방우정청", "region"),
    "office_code": ("우체국코드", "관서코드", "우체국 코드", "office_code", "office"),
    "service_type": ("서비스", "서비스유형", "서비스 유형", "service_type", "service"),
    "customer_type": ("고객유형", "고객 유형", "customer_type"),
    "age_band": ("연령대", "age_band", "age"),
    "consent": ("수신동의", "수신 동의", "동의", "consent"),
}
SEGMENT_FIELDS = ("region", "office_code", "service_type", "customer_type", "age_band")


class ContactFileError(ValueError):
    """A file that cannot be read as a contact list at all (format, encoding, no header)."""


def _key(heading: object) -> str:
    return unicodedata.normalize("NFKC", str(heading or "")).strip().lower().replace(" ", "").replace("_", "")


_LOOKUP = {_key(alias): field for field, aliases in COLUMNS.items() for alias in aliases}


def header_fields(header: list[object]) -> list[str | None]:
    """Our field name for each column heading (None for columns we do not use)."""
    fields = [_LOOKUP.get(_key(h)) for h in header]
    if "mobile" not in fields and "email" not in fields:
        raise ContactFileError(_("첫 줄에 '휴대전화' 또는 '전자우편' 열 제목이 있어야 합니다."))
    return fields


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ContactFileError(_("글자 인코딩을 읽을 수 없습니다. UTF-8 또는 CP949(EUC-KR) CSV로 저장해 주십시오."))


def _csv_rows(data: bytes) -> Iterator[list[object]]:
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        yield from reader
    except csv.Error:  # a cell over the csv module's 128 KB, usually after an unmatched quote
        raise ContactFileError(_("%(row)s행을 읽을 수 없습니다. 한 칸의 내용이 너무 깁니다. 따옴표(\")가 짝이 맞는지 "
                                 "확인해 주십시오.", row=reader.line_num)) from None


def _too_large(exc: WorkbookTooLarge) -> ContactFileError:
    if exc.what == "cells":
        return ContactFileError(_("엑셀 파일에 칸이 너무 많습니다(%(n)s칸 초과). 파일을 나누어 올려 주십시오.",
                                  n=f"{MAX_CELLS:,}"))
    return ContactFileError(_("엑셀 파일의 압축을 푼 크기가 너무 큽니다(%(mb)s MB 초과). 파일을 나누어 올려 주십시오.",
                              mb=MAX_UNCOMPRESSED_BYTES // 1_000_000))


def _xlsx_rows(data: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook  # heavy; only an .xlsx contact file needs it

    try:
        check_unpacked_size(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except WorkbookTooLarge as exc:
        raise _too_large(exc) from None
    except Exception:  # openpyxl raises many kinds for a broken file; all mean the same to the user
        raise ContactFileError(_("엑셀(XLSX) 파일을 열 수 없습니다.")) from None
    try:
        sheet = book.worksheets[0]
        check_declared_cells(sheet)
        for row in limited_rows(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)):
            yield list(row)
    except WorkbookTooLarge as exc:
        raise _too_large(exc) from None
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_contact_rows(data: bytes, filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as the user sees it, {field: text}) for each non-empty row of a CSV or XLSX file."""
    is_xlsx = filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
    rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    header = next(rows, None)
    if header is None:
        raise ContactFileError(_("빈 파일입니다."))
    used = [(i, f) for i, f in enumerate(header_fields(header)) if f]
    cell = _cell if is_xlsx else str.strip  # CSV cells are already text
    for number, row in enumerate(rows, start=2):
        width = len(row)
        values = {f: cell(row[i]) for i, f in used if i < width}
        if any(values.values()):
            yield number, values
