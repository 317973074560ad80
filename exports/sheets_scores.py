"""차원별 점수 (Dimensions), 세그먼트 (Segments) and 추이 (Trend) sheets."""
from __future__ import annotations

import math
from collections.abc import Sequence

from analysis.results import SMALL_N, Estimate

from .charts import bar_chart, chart_rows, line_chart
from .findings import CONTRAST_NOTE
from .inputs import ScoreRow, SegmentRow, Trend, WorkbookInput
from .sheets_summary import change_cells
from .style import S, Sheet, text_width

__all__ = ["dimensions_sheet", "segments_sheet", "trend_sheet"]

_LEVELS = {"index": "지수", "dimension": "차원", "item": "문항"}
#: Width of the 차원별 점수 sheet's name column: a question's wording wraps within it.
LABEL_WIDTH = 40


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def estimate_cells(est: Estimate, extra: str = "") -> list[S]:
    """Score, SE, CI low, CI high and n of an estimate."""
    return [S(_num(est.value), f"cell score bold {extra}"), S(_num(est.se), f"cell se {extra}"),
            S(_num(est.ci[0]), f"cell score {extra}"), S(_num(est.ci[1]), f"cell score {extra}"),
            S(est.n, f"cell count {extra}")]


def _score_header(sheet: Sheet, confidence: float, contrast: bool = False) -> int:
    level = f"{confidence * 100:g}%"
    names = ["구분", "코드", "이름", "점수 (100점)", "표준오차", f"{level} 신뢰구간 하한", f"{level} 신뢰구간 상한",
             "응답 수", "지난 차수", "변화", "p값", "유의성"]
    if contrast:
        names += ["다른 차원과 차이", "보정 p값 (차원 간)", "다른 차원과 비교"]
    row = sheet.add(*[S(h, "header") for h in names])
    sheet.heights[row] = 30
    return row


def _score_row(r: ScoreRow, contrast: bool = False) -> list[S]:
    extra = "total" if r.level == "index" else ""
    cells = ([S(_LEVELS[r.level], f"cell center {extra}"), S(r.code, f"cell {extra}"), S(r.label, f"cell {extra}")]
             + estimate_cells(r.estimate, extra) + change_cells(r.change))
    return cells + contrast_cells(r, extra) if contrast else cells


def contrast_cells(r: ScoreRow, extra: str = "") -> list[S]:
    """Difference from the other dimensions, its adjusted p and the verdict (blank for the index)."""
    c = r.contrast
    if c is None:
        return [S(None, f"cell {extra}"), S(None, f"cell {extra}"), S("", f"cell {extra}")]
    verdict, style = "차이 없음", "cell center"
    if c.significant:
        verdict, style = ("▲ 유의하게 높음", "cell center up") if c.difference > 0 else ("▼ 유의하게 낮음", "cell center down")
    return [S(_num(c.difference), "cell change"), S(_num(c.pvalue), "cell p"), S(verdict, style)]


def _items_by_dimension(rows: Sequence[ScoreRow]) -> list[ScoreRow]:
    order = {r.code: i for i, r in enumerate(rows) if r.level == "dimension"}
    items = [r for r in rows if r.level == "item"]
    return sorted(items, key=lambda r: order.get(r.parent, len(order)))


def dimensions_sheet(inp: WorkbookInput) -> Sheet:
    """Index, dimension and item scores with SE, CI, n and change; a bar chart of the dimensions."""
    sheet = Sheet("차원별 점수", freeze="D5", title_rows="4:4", widths={3: LABEL_WIDTH})
    sheet.add(S("차원별 점수", "title"))
    sheet.add(S("100점 환산 점수와 신뢰구간입니다. ▲▼는 지난 차수보다 통계적으로 유의하게 오르거나 떨어진 경우에만 "
                "표시합니다 (차원·문항은 Holm 보정).", "note"))
    top = [r for r in inp.scores if r.level in ("index", "dimension")]
    contrast = any(r.contrast is not None for r in top)
    sheet.add(S("다른 차원과 비교: " + (CONTRAST_NOTE + ". 유의하지 않으면 '차이 없음'이며, 그 차원을 가장 높거나 낮다고 "
                                          "말할 수 없습니다." if contrast else "검정 자료가 없어 하지 않았습니다."), "note"))
    _score_header(sheet, inp.method.confidence, contrast)
    first = sheet.next_row
    for r in top:
        sheet.add(*_score_row(r, contrast))
    if top:
        last = sheet.next_row - 1
        sheet.blank()
        sheet.chart(lambda ws: bar_chart(ws, "차원별 점수 (100점)", label_col=3, value_col=4, first_row=first,
                                         last_row=last), f"C{sheet.next_row}")
        for _ in range(chart_rows(len(top))):
            sheet.blank()
    items = _items_by_dimension(inp.scores)
    if items:
        sheet.blank()
        sheet.add(S("문항별 점수", "subtitle"))
        _score_header(sheet, inp.method.confidence)
        labels = {r.code: r.label for r in inp.scores if r.level == "dimension"}
        for r in items:
            row = _score_row(r)
            row[0] = S(labels.get(r.parent, r.parent) or "문항", "cell")
            row[2] = S(r.label, "cell wrap_middle")  # the question's whole wording, on as many lines as it takes
            for cell in row:
                if "center" not in cell.styles and "wrap" not in cell.styles:
                    cell.styles += " middle"  # the numbers level with the wrapped wording
            _fit_height(sheet, sheet.add(*row), r.label)
    return sheet


def _fit_height(sheet: Sheet, row: int, label: str) -> None:
    """A taller row when the wrapped label needs more than one line of the label column (at most four)."""
    lines = min(4, math.ceil(text_width(label) / (LABEL_WIDTH - 2)))
    if lines > 1:
        sheet.heights[row] = 15 * lines + 2


def _segment_row(s: SegmentRow, with_change: bool = False) -> list[S]:
    small = s.estimate.n < SMALL_N
    grey = "grey" if small else ""
    cells = [S(s.variable, f"cell {grey}"), S(s.segment, f"cell {grey}")] + estimate_cells(s.estimate, grey)
    cells.insert(2, cells.pop())  # n right after the segment name
    if s.difference is None:
        cells += [S(None, f"cell {grey}"), S(None, f"cell {grey}"), S("", f"cell {grey}")]
    else:
        mark, style = ("", "cell")
        if s.significant:
            mark, style = ("▲ 나머지보다 높음", "cell up") if s.difference > 0 else ("▼ 나머지보다 낮음", "cell down")
        cells += [S(_num(s.difference), f"cell change {grey}"), S(_num(s.pvalue), f"cell p {grey}"),
                  S(mark or "차이 없음", f"{style} {grey}" if not mark else style)]
    note = f"응답 {SMALL_N}건 미만: 해석 주의" if small else ""
    if with_change:
        cells += change_cells(s.change)[:2] + [change_cells(s.change)[3]]
    return cells + [S(note, "cell note")]


def segments_sheet(inp: WorkbookInput) -> Sheet:
    """Each segment's score with CI and its tested difference from the rest; small segments greyed."""
    sheet = Sheet("세그먼트", freeze="C5", title_rows="4:4")
    sheet.add(S(f"세그먼트별 {inp.segment_measure}", "title"))
    sheet.add(S(f"▲▼: 나머지 응답자와 비교해 통계적으로 유의한 차이 ({inp.method.correction}). "
                f"회색: 응답 {SMALL_N}건 미만으로, 점수만 보이고 유의 여부는 판단하지 않습니다.", "note"))
    sheet.add(S("지난 차수 대비 변화: 같은 집단의 지난 차수 점수와 비교한 z 검정이며, 구분마다 Holm 보정했습니다. "
                f"'유의한 변화 없음'이면 오르내림을 우연과 가를 수 없습니다. 어느 한 차수라도 응답이 {SMALL_N}건 미만이면 "
                "변화를 판단하지 않습니다.", "note"))
    level = f"{inp.method.confidence * 100:g}%"
    with_change = any(s.change is not None for s in inp.segments)
    header = ["구분", "집단", "응답 수", inp.segment_measure, "표준오차", f"{level} 신뢰구간 하한",
              f"{level} 신뢰구간 상한", "차이 (나머지 대비)", "보정 p값", "유의성"]
    header += ["지난 차수", "지난 차수 대비 변화", "변화 유의성"] if with_change else []
    header += ["비고"]
    row = sheet.add(*[S(h, "header") for h in header])
    sheet.heights[row] = 30
    total = inp.segment_total
    if total is None:
        total = next((r.estimate for r in inp.scores if r.level == "index"), None)
    if total is not None:
        cells = [S("전체", "cell total"), S("전체", "cell total")] + estimate_cells(total, "total")
        cells.insert(2, cells.pop())
        sheet.add(*cells, *[S(None, "cell total")] * (len(header) - len(cells)))
    previous = None
    for s in inp.segments:
        if previous is not None and s.variable != previous:
            sheet.blank()
        sheet.add(*_segment_row(s, with_change))
        previous = s.variable
    return sheet


def trend_sheet(trend: Trend) -> Sheet:
    """Index and dimensions per wave (oldest first) in a table; a line chart of the headline alone.

    Nine lines of dimensions a point or two apart cannot be read on paper: the chart draws the headline
    with its values, and the table beside it carries every dimension and the change since the first wave.
    """
    sheet = Sheet("추이", freeze="B5", title_rows="4:4")
    sheet.add(S("차수별 추이", "title"))
    sheet.add(S("차트는 대표 지수만 그립니다. 차원 점수(100점)의 차수별 값과 첫 차수 대비 변화는 표에 있습니다.", "note"))
    sheet.blank()
    header = sheet.add(S("지표", "header"), *[S(w, "header") for w in trend.waves], S("첫 차수 대비 변화", "header"))
    first = sheet.next_row
    for i, series in enumerate(trend.series):
        style = "cell score total" if i == 0 else "cell score"
        known = [v for v in series.values if _num(v) is not None]
        change = known[-1] - known[0] if len(known) > 1 else None
        sheet.add(S(series.name, "cell bold"), *[S(_num(v), style) for v in series.values], S(change, "cell change"))
    if trend.n is not None:
        sheet.add(S(trend.n_label, "cell"), *[S(v, "cell count") for v in trend.n])
    if trend.note:
        sheet.add(S(trend.note, "note"))
    ncol = len(trend.waves)
    if trend.series and ncol:
        headline = trend.series[0].name
        sheet.chart(lambda ws: line_chart(ws, f"{headline} 차수별 추이 (100점)", header_row=header, first_row=first,
                                          last_row=first, first_col=2, last_col=1 + ncol), f"A{sheet.next_row + 1}")
    return sheet
