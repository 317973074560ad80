"""Look and page layout shared by every sheet: Korean font, cell styles, widths, print setup.

The workbook is write-only (streamed) as a whole, because openpyxl cannot mix
modes in one workbook and the raw-data sheet must stream. Small sheets are
first laid out in memory as a :class:`Sheet` (rows of values or :class:`S`
styled values, merges, charts) so that column widths can follow the content,
then written in one go by :func:`emit`; a long table at the end of a sheet
(the VOC answers) is given as a :class:`Stream` and written while saving.
"""
from __future__ import annotations

import unicodedata
import weakref
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties

from .rawxml import PendingRows
from .safety import safe_text, safe_value

__all__ = ["FONT_NAME", "S", "Sheet", "Stream", "style_id", "PageMeta", "new_workbook", "emit", "styled_cell", "text_width", "shown_text",
           "setup_page", "FORMATS"]

FONT_NAME = "맑은 고딕"
BASE_SIZE = 10
NAVY, GREEN, RED, GREY = "1F4E79", "006100", "9C0006", "7F7F7F"
_THIN = Side(style="thin", color="BFBFBF")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

#: Number formats: scores 0.0, shares 0.0%, means 0.00, counts #,##0, changes with a sign (shares in %p).
FORMATS = {"score": "0.0", "share": "0.0%", "mean": "0.00", "count": "#,##0", "se": "0.00",
           "p": '[<0.0005]"< 0.001";0.000', "change": "+0.0;-0.0;0.0", "share_change": '+0.0"%p";-0.0"%p";0.0"%p"', "weight": "0.000"}

_STYLES: dict[str, dict[str, Any]] = {
    "title": {"font": Font(name=FONT_NAME, size=16, bold=True, color=NAVY)},
    "subtitle": {"font": Font(name=FONT_NAME, size=12, bold=True, color=NAVY)},
    "header": {"font": Font(name=FONT_NAME, size=BASE_SIZE, bold=True, color="FFFFFF"),
               "fill": PatternFill("solid", fgColor=NAVY), "border": _BOX,
               "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)},
    "cell": {"border": _BOX},
    "bold": {"font": Font(name=FONT_NAME, size=BASE_SIZE, bold=True)},
    "total": {"font": Font(name=FONT_NAME, size=BASE_SIZE, bold=True), "fill": PatternFill("solid", fgColor="DDEBF7")},
    "wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
    "wrap_middle": {"alignment": Alignment(wrap_text=True, vertical="center")},
    "middle": {"alignment": Alignment(vertical="center")},
    "center": {"alignment": Alignment(horizontal="center", vertical="center")},
    "note": {"font": Font(name=FONT_NAME, size=9, italic=True, color=GREY)},
    "up": {"font": Font(name=FONT_NAME, size=BASE_SIZE, bold=True, color=GREEN),
           "fill": PatternFill("solid", fgColor="C6EFCE")},
    "down": {"font": Font(name=FONT_NAME, size=BASE_SIZE, bold=True, color=RED),
             "fill": PatternFill("solid", fgColor="FFC7CE")},
    "grey": {"font": Font(name=FONT_NAME, size=BASE_SIZE, color=GREY), "fill": PatternFill("solid", fgColor="EDEDED")},
    "kpi": {"font": Font(name=FONT_NAME, size=14, bold=True, color=NAVY)},
}
#: Heat-map fills for retention tables (cohort sheet): heat1 = lowest … heat5 = highest, light to dark blue.
HEAT_FILLS = ("F7FBFF", "DEEBF7", "9ECAE1", "4292C6", "08519C")
for _i, _colour in enumerate(HEAT_FILLS, start=1):
    _STYLES[f"heat{_i}"] = {"fill": PatternFill("solid", fgColor=_colour),
                            **({"font": Font(name=FONT_NAME, size=BASE_SIZE, color="FFFFFF")} if _i >= 4 else {})}
for _name, _fmt in FORMATS.items():
    _STYLES[_name] = {"number_format": _fmt}


class S:
    """A value with style names, e.g. ``S(82.3, "cell score up")``."""

    __slots__ = ("value", "styles")

    def __init__(self, value: Any, styles: str = "cell") -> None:
        self.value = value
        self.styles = styles


# Registering a style hashes every font/fill/border object (~100 µs); a workbook sees a few dozen
# combinations, so each combination's style array is made once per workbook and copied to new cells.
_STYLE_ARRAYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def styled_cell(ws: Any, value: Any, styles: str) -> Any:
    """A write-only cell holding a safe ``value`` with the named styles applied in order."""
    cell = WriteOnlyCell(ws, value=safe_value(value))
    cache = _STYLE_ARRAYS.setdefault(ws.parent, {})
    array = cache.get(styles)
    if array is None:
        for name in styles.split():
            for attr, obj in _STYLES[name].items():
                setattr(cell, attr, obj)
        cache[styles] = copy(cell._style)
    else:
        cell._style = copy(array)
    return cell


#: How much wider than 10-point regular text a style's font is (size ratio, bold about a tenth more).
_FONT_SCALE = {"title": 1.6 * 1.1, "subtitle": 1.2 * 1.1, "kpi": 1.4 * 1.1, "bold": 1.1, "total": 1.1, "up": 1.1,
               "down": 1.1, "note": 0.9}
#: ASCII signs wider than a digit in the fonts LibreOffice and Excel fall back to (DejaVu Sans, Arial).
_WIDE_ASCII = set("<>+=%#@MWmw~")


def shown_text(value: Any, styles: str = "") -> str:
    """The text a cell shows: ``value`` formatted with the number format its style names carry."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    fmt = next((name for name in reversed(styles.split()) if name in FORMATS), None)
    v = float(value)
    if fmt in ("score", "change"):
        return f"{v:+.1f}" if fmt == "change" else f"{v:.1f}"
    if fmt in ("mean", "se"):
        return f"{v:.2f}"
    if fmt == "share":
        return f"{v * 100:.1f}%"
    if fmt == "share_change":
        return f"{v:+.1f}%p"
    if fmt == "count":
        return f"{v:,.0f}"
    if fmt == "p":
        return "< 0.001" if v < 0.0005 else f"{v:.3f}"
    if fmt == "weight":
        return f"{v:.3f}"
    return f"{value:,}" if isinstance(value, int) else f"{v:,.1f}"


def _char_width(c: str) -> float:
    if unicodedata.east_asian_width(c) in "WF":
        return 1.8
    return 1.35 if c in _WIDE_ASCII else 1.0


def text_width(value: Any, styles: str = "") -> float:
    """Column width a value needs as shown (number format applied) in its style's font (맑은 고딕 10pt = 1).

    Wide Hangul counts about two digits; the font scale follows the style (bold, 14pt KPI);
    1.5 is the cell's padding.
    """
    if value is None:
        return 0.0
    text = shown_text(value, styles)
    longest = max(text.split("\n"), key=len)
    scale = 1.0
    for name in styles.split():
        scale = max(scale, _FONT_SCALE.get(name, 1.0))
    return sum(_char_width(c) for c in longest) * scale + 1.5


@dataclass
class PageMeta:
    """Header/footer text: survey name, wave and report date."""

    survey: str
    wave: str
    generated_on: date


@dataclass
class Stream:
    """Rows appended at the end of a sheet while the file is saved (for long tables), with column styles."""

    rows: Iterable[Sequence[Any]]
    styles: Sequence[str]
    height: Callable[[Sequence[Any]], float | None] | None = None


@dataclass
class Sheet:
    """A small sheet laid out in memory before it is written."""

    title: str
    rows: list[list[Any]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    charts: list[tuple[Callable[[Any], Any], str]] = field(default_factory=list)
    freeze: str | None = None
    title_rows: str | None = None
    auto_width_skip: set[int] = field(default_factory=set)
    stream: Stream | None = None
    #: Print the whole sheet on one page (the summary: an executive's first page).
    one_page: bool = False

    def add(self, *cells: Any) -> int:
        """Append a row; return its 1-based row number."""
        self.rows.append(list(cells))
        return len(self.rows)

    def blank(self) -> int:
        """Append an empty row; return its row number."""
        return self.add()

    @property
    def next_row(self) -> int:
        """Row number the next :meth:`add` will use."""
        return len(self.rows) + 1

    def chart(self, factory: Callable[[Any], Any], anchor: str) -> None:
        """Place a chart made by ``factory(worksheet)`` at ``anchor`` (e.g. "H3")."""
        self.charts.append((factory, anchor))


def new_workbook() -> Workbook:
    """A write-only workbook whose default font is 맑은 고딕 10pt, as Korean Excel users expect."""
    wb = Workbook(write_only=True)
    base = Font(name=FONT_NAME, sz=BASE_SIZE, family=3, charset=129)
    # openpyxl has no public switch for the default (index 0) font; every unstyled cell uses it.
    wb._fonts = IndexedList([base])
    wb._named_styles["Normal"].font = base
    return wb


def _hf(text: str) -> str:
    """Escape header/footer codes (a literal '&' is '&&') and keep within Excel's 255 characters."""
    return safe_text(text).replace("&", "&&")[:80]


def setup_page(ws: Any, meta: PageMeta, *, title_rows: str | None = None, fit_width: bool = True,
               one_page: bool = False) -> None:
    """A4 landscape, fit to page width (or, with ``one_page``, to a single page), header with survey/wave/date,
    footer with sheet and page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    if fit_width or one_page:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if one_page else 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_options.horizontalCentered = True
    # &A = sheet name, &P / &N = page of pages (Excel header codes, not user text).
    for part, text in ((ws.oddHeader.left, _hf(meta.survey)), (ws.oddHeader.center, _hf(meta.wave)),
                       (ws.oddHeader.right, _hf(f"작성일 {meta.generated_on.isoformat()}")),
                       (ws.oddFooter.left, "&A"), (ws.oddFooter.right, "&P / &N")):
        part.text = text
        part.size = 9
        part.font = f"{FONT_NAME},Regular"
    if title_rows:
        ws.print_title_rows = title_rows


def _auto_widths(sheet: Sheet) -> dict[int, float]:
    """Column widths from the content (between 6 and 60), explicit widths winning over text;
    a number always gets the width its formatted text needs (else Excel and LibreOffice show "###")."""
    widths: dict[int, float] = {}
    numbers: dict[int, float] = {}
    for row in sheet.rows:
        if len(row) == 1:  # titles and notes overflow to the right on purpose
            continue
        for col, value in enumerate(row, 1):
            raw, styles = (value.value, value.styles) if isinstance(value, S) else (value, "")
            need = text_width(raw, styles)
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                numbers[col] = max(numbers.get(col, 0.0), need)
            if col not in sheet.auto_width_skip:
                widths[col] = max(widths.get(col, 6.0), min(need, 60.0))
    widths.update(sheet.widths)
    for col, need in numbers.items():
        widths[col] = max(widths.get(col, 8.43), need)
    return widths


def style_id(ws: Any, styles: str) -> int:
    """Index of the cell style made of the named styles (registered in the workbook)."""
    return styled_cell(ws, None, styles).style_id


def emit(wb: Workbook, sheet: Sheet, meta: PageMeta) -> PendingRows | None:
    """Write a laid-out :class:`Sheet` into the write-only workbook; return its streamed rows, if any.

    Pass the returned rows to :func:`exports.rawxml.save_with_rows` when saving.
    """
    ws = wb.create_sheet(safe_text(sheet.title)[:31])
    for col, width in _auto_widths(sheet).items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, height in sheet.heights.items():
        ws.row_dimensions[row].height = height
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    setup_page(ws, meta, title_rows=sheet.title_rows, one_page=sheet.one_page)
    for ref in sheet.merges:
        ws.merged_cells.add(ref)
    for row in sheet.rows:
        ws.append([styled_cell(ws, v.value, v.styles) if isinstance(v, S) else safe_value(v) for v in row])
    for factory, anchor in sheet.charts:
        ws.add_chart(factory(ws), anchor)
    if sheet.stream is None:
        return None
    stream = sheet.stream
    return PendingRows(ws, stream.rows, [None] * len(stream.styles), sheet.next_row,
                       styles=[style_id(ws, s) for s in stream.styles], height=stream.height)
