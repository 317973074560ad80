"""Native Excel charts (bar, line, importance-performance scatter) over cells already written.

Each function takes the worksheet and the cell positions of its data and
returns an openpyxl chart; charts reference the cells, so numbers in the chart
and in the table are the same numbers.
"""
from __future__ import annotations

import math
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import Legend, LegendEntry
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.text import CharacterProperties, Font, Paragraph, ParagraphProperties

from .style import FONT_NAME

__all__ = ["bar_chart", "bar_height", "chart_rows", "line_chart", "ipa_chart", "QUADRANT_COLOURS"]

#: Marker colour per quadrant key (high importance, high performance).
QUADRANT_COLOURS = {(True, True): "2E75B6", (True, False): "C00000", (False, False): "7F7F7F",
                    (False, True): "70AD47"}
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


def bar_chart(ws: Any, title: str, *, label_col: int, value_col: int, first_row: int, last_row: int,
              number_format: str = "0.0", max_value: float | None = 100.0) -> BarChart:
    """Horizontal bar chart of one column of values with category labels, first row on top."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
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
    """Line chart with one line per table row (name in column ``first_col - 1``) across wave columns."""
    chart = LineChart()
    chart.title = title
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
    chart.legend.position = "b"
    chart.legend.txPr = _text()
    _axes(chart)
    chart.width, chart.height = 20, 10
    return chart


def _points(ws: Any, title: str, x: tuple[int, int, int], y: tuple[int, int, int], *, colour: str | None,
            label: bool = False, line: bool = False) -> Series:
    """A scatter series over (col, first_row, last_row) x and y ranges."""
    xs = Reference(ws, min_col=x[0], min_row=x[1], max_row=x[2])
    ys = Reference(ws, min_col=y[0], min_row=y[1], max_row=y[2])
    series = Series(ys, xs, title=title)
    if line:
        series.marker.symbol = "none"
        series.graphicalProperties = GraphicalProperties(ln=LineProperties(solidFill="A6A6A6", prstDash="dash", w=12700))
    else:
        series.marker.symbol = "none" if label else "circle"
        series.marker.size = 8
        if colour:
            series.marker.graphicalProperties = GraphicalProperties(solidFill=colour, ln=LineProperties(solidFill=colour))
        series.graphicalProperties = GraphicalProperties(ln=LineProperties(noFill=True))
    if label:
        series.dLbls = _labels(showSerName=True, dLblPos="ctr")
        series.dLbls.txPr = _text(1000)
    return series


def ipa_chart(ws: Any, *, quadrant_blocks: list[tuple[str, tuple[bool, bool], int, int]], cols: tuple[int, int],
              helper: dict[str, Any], axis_titles: tuple[str, str], bounds: tuple[float, float, float, float]
              ) -> ScatterChart:
    """Importance (x) vs performance (y): a coloured series per quadrant, dashed cut lines, quadrant names.

    ``quadrant_blocks`` are (name, key, first_row, last_row) of each quadrant's table rows;
    ``helper`` gives the cells of the cut lines and the corner labels.
    """
    chart = ScatterChart()
    chart.title = "중요도-만족도 분석 (IPA)"
    chart.style = 13
    x_col, y_col = cols
    for name, key, first, last in quadrant_blocks:
        chart.series.append(_points(ws, name, (x_col, first, last), (y_col, first, last),
                                    colour=QUADRANT_COLOURS[key]))
    shown = len(chart.series)
    for x, y in helper["lines"]:
        chart.series.append(_points(ws, "기준선", x, y, colour=None, line=True))
    for title, x, y in helper["labels"]:
        chart.series.append(_points(ws, title, x, y, colour=None, label=True))
    chart.legend = Legend(legendPos="b")
    chart.legend.legendEntry = [LegendEntry(idx=i, delete=True) for i in range(shown, len(chart.series))]
    chart.legend.txPr = _text()
    xmin, xmax, ymin, ymax = bounds
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = xmin, xmax
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = ymin, ymax
    chart.x_axis.title, chart.y_axis.title = axis_titles
    chart.x_axis.numFmt = chart.y_axis.numFmt = "0.0"
    chart.x_axis.majorGridlines = None
    _axes(chart)
    chart.width, chart.height = 20, 13
    return chart
