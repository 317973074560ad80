"""CSV downloads for staff: UTF-8 with BOM (Excel opens Korean correctly), cells that cannot become formulas."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response

#: Leading characters a spreadsheet may read as a formula, in ASCII and full-width forms.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: object) -> str:
    """The cell text, prefixed with an apostrophe if a spreadsheet could take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> Response:
    """A CSV attachment built from ``header`` and ``rows``."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
