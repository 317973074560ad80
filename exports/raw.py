"""원자료 (Raw data): one row per response, streamed from a row iterator in constant memory.

Rows go straight from the app's iterator (e.g. a server-side cursor) into the
saved file (:mod:`exports.rawxml`); nothing keeps more than a chunk of rows. Each value passes through a per-column
function chosen once: personal data masked (unless released), value codes
optionally replaced by labels, strings made formula-safe.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from .inputs import PersonalDataRelease, RawColumn, RawData
from .masking import MASKERS
from .rawxml import PendingRows, save_with_rows
from .safety import safe_text, safe_value
from .style import PageMeta, new_workbook, setup_page, styled_cell, text_width

__all__ = ["column_functions", "row_converter", "write_raw_sheet", "write_raw_xlsx", "RAW_SHEET"]

RAW_SHEET = "원자료"


def _masker(mask: Callable[[str], str]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None or value == "":
            return None
        return safe_text(mask(str(value)))
    return convert


def _labeller(labels: Mapping[Any, str]) -> Callable[[Any], Any]:
    def label_of(value: Any) -> Any:
        found = labels.get(value)
        if found is None and isinstance(value, float) and value.is_integer():
            found = labels.get(int(value))
        return value if found is None else found

    def convert(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return safe_text(";".join(str(label_of(v)) for v in value))
        return safe_value(label_of(value))
    return convert


def _column_function(column: RawColumn, personal: PersonalDataRelease | None, labels: bool
                     ) -> Callable[[Any], Any] | None:
    """The special conversion of a column (masking or labels), None for a plain column."""
    if column.kind in MASKERS and personal is None:
        return _masker(MASKERS[column.kind])
    if labels and column.value_labels:
        return _labeller(column.value_labels)
    return None


def column_functions(columns: Sequence[RawColumn], personal: PersonalDataRelease | None = None,
                     labels: bool = False) -> list[Callable[[Any], Any] | None]:
    """Per column: the masking or labelling function, or None where the value is written as it is (made safe)."""
    return [_column_function(c, personal, labels) for c in columns]


def row_converter(columns: Sequence[RawColumn], personal: PersonalDataRelease | None = None,
                  labels: bool = False) -> Callable[[Sequence[Any]], list[Any]]:
    """A function turning one raw row into safe, masked cell values (same order as ``columns``)."""
    functions = [f or safe_value for f in column_functions(columns, personal, labels)]
    width = len(functions)

    def convert(row: Sequence[Any]) -> list[Any]:
        if len(row) != width:
            raise ValueError(f"raw row has {len(row)} values but the header has {width} columns")
        return [f(v) for f, v in zip(functions, row, strict=True)]
    return convert


def headers(columns: Sequence[RawColumn]) -> list[str]:
    """The raw sheet's header: each column's Korean label, its code added where two labels are the same."""
    labels = [c.label or c.code for c in columns]
    return [f"{label} ({c.code})" if labels.count(label) > 1 and label != c.code else label
            for label, c in zip(labels, columns, strict=True)]


def _widths(columns: Sequence[RawColumn], names: Sequence[str]) -> list[float]:
    wide = {"text": 40.0, "date": 18.0, "email": 24.0, "phone": 15.0, "name": 9.0}
    # A long question wording wraps in the header row (at most 30 wide) instead of widening the column.
    return [max(8.0, min(text_width(name), 30.0), wide.get(c.kind, 0.0)) for c, name in zip(columns, names, strict=True)]


def write_raw_sheet(wb: Any, raw: RawData, meta: PageMeta, *, personal: PersonalDataRelease | None = None,
                    labels: bool = False) -> PendingRows:
    """Add the raw sheet (header, widths, print setup) to ``wb``; its rows stream in when saved.

    Save with :func:`exports.rawxml.save_with_rows` so the rows are written.
    """
    ws = wb.create_sheet(RAW_SHEET)
    names = headers(raw.columns)
    for i, width in enumerate(_widths(raw.columns, names), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2"
    setup_page(ws, meta, title_rows="1:1", one_page=True)
    # Thousands of rows would make the printed workbook hundreds of pages: only the header row is in the print
    # area (the summary's contents list says how to print everything).
    ws.print_area = f"A1:{get_column_letter(max(len(raw.columns), 1))}1"
    header = []
    for c, name in zip(raw.columns, names, strict=True):
        cell = styled_cell(ws, name, "header")
        if name != c.code:  # the code, as in the codebook and the CSV header
            cell.comment = Comment(safe_text(f"변수 코드: {c.code}"), "survey_app", width=240, height=60)
        header.append(cell)
    ws.row_dimensions[1].height = 45  # three lines of a wrapped question wording
    ws.append(header)
    return PendingRows(ws, raw.rows, column_functions(raw.columns, personal, labels))


def write_raw_xlsx(target: str | IO[bytes], raw: RawData, meta: PageMeta, *,
                   personal: PersonalDataRelease | None = None, labels: bool = False) -> int:
    """A workbook holding only the raw-data sheet (streamed); return the number of rows."""
    wb = new_workbook()
    pending = write_raw_sheet(wb, raw, meta, personal=personal, labels=labels)
    save_with_rows(wb, target, [pending])
    return pending.count
