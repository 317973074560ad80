"""Reading contact lists from CSV or XLSX into plain rows with our field names. Pure (no Flask, no database)."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from flask_babel import gettext as _

from ..customers.files import TableFileError, cell_text, is_xlsx, table_rows

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


#: A file that cannot be read as a contact list at all (format, encoding, no header).
ContactFileError = TableFileError


def _key(heading: object) -> str:
    return unicodedata.normalize("NFKC", str(heading or "")).strip().lower().replace(" ", "").replace("_", "")


_LOOKUP = {_key(alias): field for field, aliases in COLUMNS.items() for alias in aliases}


def header_fields(header: list[object]) -> list[str | None]:
    """Our field name for each column heading (None for columns we do not use)."""
    fields = [_LOOKUP.get(_key(h)) for h in header]
    if "mobile" not in fields and "email" not in fields:
        raise ContactFileError(_("첫 줄에 '휴대전화' 또는 '전자우편' 열 제목이 있어야 합니다."))
    return fields


def read_contact_rows(data: bytes, filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as the user sees it, {field: text}) for each non-empty row of a CSV or XLSX file."""
    rows = table_rows(data, filename)
    header = next(rows, None)
    if header is None:
        raise ContactFileError(_("빈 파일입니다."))
    used = [(i, f) for i, f in enumerate(header_fields(header)) if f]
    cell = cell_text if is_xlsx(data, filename) else str.strip  # CSV cells are already text
    for number, row in enumerate(rows, start=2):
        width = len(row)
        values = {f: cell(row[i]) for i, f in used if i < width}
        if any(values.values()):
            yield number, values
