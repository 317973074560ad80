"""Native Excel charts (bar, line, importance-performance scatter) over cells already written.

Each function takes the worksheet and the cell positions of its data and
returns an openpyxl chart; charts reference the cells, so numbers in the chart
and in the table are the same numbers.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.data_source import NumDataSource, NumRef
from openpyxl.chart.error_bar import ErrorBars
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.text import CharacterProperties, Font, Paragraph, ParagraphProperties
from openpyxl.utils import get_column_letter, quote_sheetname

from .style import FONT_NAME

__all__ = ["wrap_title", "bar_chart", "bar_height", "chart_rows", "line_chart", "ipa_chart", "PointSpec", "QUADRANT_COLOURS",
           "UNSETTLED_COLOUR"]

#: Marker colour per quadrant key (high importance, high performance).
QUADRANT_COLOURS = {(True, True): "2E75B6", (True, False): "C00000", (False, False): "BF9000",
                    (False, True): "70AD47"}
#: Marker colour of an item whose quadrant is withheld (판단 보류).
UNSETTLED_COLOUR = "A6A6A6"
ROW_CM = 0.53  # default row height (15 pt) in centimetres
PALETTE = ("1F4E79", "C55A11", "548235", "7030A0", "BF9000", "2E75B6", "C00000", "00B0F0")


def _text(size: int = 900) -> RichText:
    """Chart text in 맑은 고딕 (Latin and East Asian typefaces) at ``size``/100 pt."""
    props = CharacterProperties(latin=Font(typeface=FONT_NAME), ea=Font(typeface=FONT_NAME), sz=size)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _labels(**shown: Any) -> DataLabelList:
    """Data labels showing only what is asked (LibreOffice shows every part not explicitly switched off)."""
    flags = {f: False for f in ("showLegendKey", "showVal", "showCatName", "showSerName", "showPercent",
                                "showBubbleSize", "showLeaderLines")}
    return DataLabelList(**{**flags, **shown})


def _axes(chart: Any) -> None:
    """Show both axes (newer Excel hides openpyxl axes unless told) in the Korean font."""
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False
        axis.txPr = _text()


def wrap_title(text: str, width: float = 46.0) -> str:
    """``text`` broken into lines of at most ``width`` (Hangul counts two) at spaces — whole, never cut with "…"."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and _width(candidate) > width:
            lines.append(line)
            candidate = word
        line = candidate
    return "\n".join(lines + [line])


def _width(text: str) -> float:
    return sum(2.0 if unicodedata.east_asian_width(c) in "WF" else 1.0 for c in text)


def _title(chart: Any, text: str, size: int = 1100) -> None:
    """The chart's whole title, wrapped, in the Korean font at ``size``/100 pt."""
    chart.title = wrap_title(text)
    for paragraph in chart.title.tx.rich.p:
        props = CharacterProperties(latin=Font(typeface=FONT_NAME), ea=Font(typeface=FONT_NAME), sz=size, b=True)
        paragraph.pPr = ParagraphProperties(defRPr=props)
        for run in paragraph.r or ():
            run.rPr = props


def bar_chart(ws: Any, title: str, *, label_col: int, value_col: int, first_row: int, last_row: int,
              number_format: str = "0.0", max_value: float | None = 100.0) -> BarChart:
    """Horizontal bar chart of one column of values with category labels, first row on top."""
    chart = BarChart()
    chart.type = "bar"
    _title(chart, title)
    chart.add_data(Reference(ws, min_col=value_col, min_row=first_row, max_row=last_row), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=label_col, min_row=first_row, max_row=last_row))
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.scaling.min = 0
    if max_value is not None:
        chart.y_axis.scaling.max = max_value
    chart.y_axis.numFmt = number_format
    chart.y_axis.majorGridlines = None
    chart.dataLabels = _labels(showVal=True, numFmt=number_format)
    chart.series[0].graphicalProperties = GraphicalProperties(solidFill=PALETTE[0])
    chart.gapWidth = 60
    _axes(chart)
    chart.width, chart.height = 16, bar_height(last_row - first_row + 1)
    return chart


def bar_height(bars: int) -> float:
    """Height in cm of a horizontal bar chart with ``bars`` bars."""
    return max(5.0, 0.65 * bars + 2.5)


def chart_rows(bars: int) -> int:
    """Worksheet rows (15 pt each) a bar chart with ``bars`` bars covers, plus one spare."""
    return math.ceil(bar_height(bars) / ROW_CM) + 1


def line_chart(ws: Any, title: str, *, header_row: int, first_row: int, last_row: int, first_col: int,
               last_col: int) -> LineChart:
    """Line chart with one line per table row (name in column ``first_col - 1``) across wave columns;
    a single line has no legend (the title names it)."""
    chart = LineChart()
    _title(chart, title)
    data = Reference(ws, min_col=first_col - 1, max_col=last_col, min_row=first_row, max_row=last_row)
    chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=first_col, max_col=last_col, min_row=header_row))
    for i, series in enumerate(chart.series):
        colour = PALETTE[i % len(PALETTE)]
        series.marker.symbol = "circle"
        series.marker.size = 7
        series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.graphicalProperties = GraphicalProperties(ln=LineProperties(solidFill=colour, w=28575 if i == 0 else 19050))
        series.smooth = False
    chart.y_axis.numFmt = "0.0"
    chart.y_axis.title = "점수 (100점)"
    if len(chart.series) == 1:
        chart.legend = None
        chart.dataLabels = _labels(showVal=True, numFmt="0.0")
    else:
        chart.legend.position = "b"
        chart.legend.txPr = _text()
    _axes(chart)
    chart.width, chart.height = 20, 10
    return chart


@dataclass(frozen=True)
class PointSpec:
    """One labelled point of the IPA chart: its name, table row, error-bar row, colour and which bars it has."""

    name: str
    row: int
    bar_row: int
    colour: str
    x_bars: bool
    y_bars: bool


def _line(ws: Any, x: tuple[int, int, int], y: tuple[int, int, int]) -> Series:
    """A dashed grey cut line between two helper points."""
    series = Series(Reference(ws, min_col=y[0], min_row=y[1], max_row=y[2]),
                    Reference(ws, min_col=x[0], min_row=x[1], max_row=x[2]), title="기준선")
    series.marker.symbol = "none"
    series.graphicalProperties = GraphicalProperties(ln=LineProperties(solidFill="A6A6A6", prstDash="dash", w=12700))
    return series


def _error_bars(ws: Any, direction: str, col: int, row: int) -> ErrorBars:
    """Custom error bars whose minus and plus lengths are the cells (col, row) and (col + 1, row)."""
    def ref(c: int) -> NumDataSource:
        return NumDataSource(numRef=NumRef(f=f"{quote_sheetname(ws.title)}!${get_column_letter(c)}${row}"))
    return ErrorBars(errDir=direction, errBarType="both", errValType="cust", minus=ref(col), plus=ref(col + 1),
                     spPr=GraphicalProperties(ln=LineProperties(solidFill="595959", w=12700)))


def _point(ws: Any, p: PointSpec, cols: tuple[int, int], bar_cols: int, *, direction: str) -> Series:
    """The point of one item (marker, name label, y error bars) or its x error bars alone (``direction="x"``)."""
    xs = Reference(ws, min_col=cols[0], min_row=p.row, max_row=p.row)
    ys = Reference(ws, min_col=cols[1], min_row=p.row, max_row=p.row)
    series = Series(ys, xs, title=p.name)
    series.graphicalProperties = GraphicalProperties(ln=LineProperties(noFill=True))
    if direction == "x":
        series.marker.symbol = "none"
        if p.x_bars:
            series.errBars = _error_bars(ws, "x", bar_cols, p.bar_row)
        return series
    series.marker.symbol = "circle"
    series.marker.size = 8
    series.marker.graphicalProperties = GraphicalProperties(solidFill=p.colour, ln=LineProperties(solidFill=p.colour))
    series.dLbls = _labels(showSerName=True, dLblPos="r")
    series.dLbls.txPr = _text(900)
    if p.y_bars:
        series.errBars = _error_bars(ws, "y", bar_cols + 2, p.bar_row)
    return series


def ipa_chart(ws: Any, *, points: list[PointSpec], cols: tuple[int, int], bar_cols: int, lines: list,
              axis_titles: tuple[str, str], bounds: tuple[float, float, float, float]) -> ScatterChart:
    """Importance (x) vs performance (y): each item a labelled point with 95% error bars both ways, dashed cuts.

    Points are coloured by quadrant (grey when withheld); their names are written beside them, so
    the chart needs no legend. An OOXML series holds error bars of one direction, so each item's
    horizontal bars ride on a second, invisible series over the same point.
    """
    chart = ScatterChart()
    _title(chart, "중요도-만족도 분석 (IPA)")
    chart.style = 13
    for p in points:
        chart.series.append(_point(ws, p, cols, bar_cols, direction="y"))
        if p.x_bars:
            chart.series.append(_point(ws, p, cols, bar_cols, direction="x"))
    for x, y in lines:
        chart.series.append(_line(ws, x, y))
    chart.legend = None
    xmin, xmax, ymin, ymax = bounds
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = xmin, xmax
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = ymin, ymax
    chart.x_axis.title, chart.y_axis.title = axis_titles
    chart.x_axis.numFmt = chart.y_axis.numFmt = "0.0"
    chart.x_axis.majorGridlines = None
    _axes(chart)
    chart.width, chart.height = 22, 14
    return chart
