"""중요도-만족도 (IPA) and 친절도 순위 (Courtesy ranking) sheets."""
from __future__ import annotations

import math

from analysis.courtesy import STAGES

from .charts import QUADRANT_COLOURS, UNSETTLED_COLOUR, PointSpec, ipa_chart
from .inputs import CourtesyRow, CourtesyTable, Ipa, ItemDriverRow
from .style import S, Sheet

__all__ = ["ipa_sheet", "courtesy_sheet", "UNSETTLED"]

_QUADRANT_ORDER = ((True, False), (True, True), (False, False), (False, True))
#: What each quadrant means, in the words of the sheet's note.
_QUADRANT_MEANING = ("'집중 개선'은 중요도가 높은데 만족도가 낮아 먼저 개선할 항목, '유지 강화'는 둘 다 높아 지금 수준을 "
                     "지킬 항목, '점진 개선'은 둘 다 낮은 항목, '과잉 투자'는 중요도에 비해 만족도가 높은 항목입니다.")
#: Why an item may have no quadrant.
UNSETTLED = "판단 보류"
_SETTLING = ("사분면은 중요도 구간이 기준선을 벗어나고 만족도가 다른 항목과 통계적으로 다를 때(대응 t 검정, Holm 보정)만 "
             "정합니다. 둘 중 하나라도 기준선과 구별되지 않으면 '판단 보류'로 두며, 차트의 가로·세로 막대가 95% 구간입니다.")


def _korean(quadrant: str) -> str:
    """A quadrant's Korean name without the English gloss ``analysis.drivers`` keeps beside it."""
    return quadrant.split(" (")[0]


_HELPER_COL = 10  # column J onwards: chart helper values (cut lines, error-bar lengths)


def _bounds(ipa: Ipa) -> tuple[float, float, float, float]:
    """Axis ranges with a margin, always containing the cut lines and the intervals."""
    xs = [q.importance for q in ipa.items] + [ipa.importance_cut]
    ys = [q.performance for q in ipa.items] + [ipa.performance_cut]
    xs += [v for q in ipa.items if q.importance_ci for v in q.importance_ci if math.isfinite(v)]
    ys += [v for q in ipa.items if q.performance_ci for v in q.performance_ci if math.isfinite(v)]
    dx = (max(xs) - min(xs)) * 0.1 or 1.0
    dy = (max(ys) - min(ys)) * 0.1 or 1.0
    return (math.floor(min(xs) - dx), math.ceil(max(xs) + dx), math.floor(min(ys) - dy), math.ceil(max(ys) + dy))


def _cut_lines(sheet: Sheet, ipa: Ipa, bounds: tuple[float, float, float, float]) -> list:
    """Write the two cut lines' end points beside the table; return their (x, y) cell ranges."""
    xmin, xmax, ymin, ymax = bounds
    ic, pc = ipa.importance_cut, ipa.performance_cut
    sheet.add(*[None] * (_HELPER_COL - 1), S("차트 보조값 (기준선)", "note"))
    first = sheet.next_row
    for x, y in ((ic, ymin), (ic, ymax), (xmin, pc), (xmax, pc)):
        sheet.add(*[None] * (_HELPER_COL - 1), S("기준선", "note"), S(x, "note score"), S(y, "note score"))
    col_x, col_y = _HELPER_COL + 1, _HELPER_COL + 2
    return [((col_x, first + i, first + i + 1), (col_y, first + i, first + i + 1)) for i in (0, 2)]


def _half_widths(value: float, ci: tuple[float, float] | None) -> tuple[float | None, float | None]:
    """(minus, plus) error-bar lengths of an interval around ``value`` (None when unknown)."""
    if ci is None or not all(math.isfinite(v) for v in ci):
        return None, None
    return max(value - ci[0], 0.0), max(ci[1] - value, 0.0)


def _item_row(q) -> list[S]:
    ci_i = q.importance_ci or (None, None)
    ci_p = q.performance_ci or (None, None)
    name = _korean(q.quadrant) if q.settled else UNSETTLED
    return [S(q.name, "cell"), S(q.importance, "cell score"), S(ci_i[0], "cell score"), S(ci_i[1], "cell score"),
            S(q.performance, "cell score"), S(ci_p[0], "cell score"), S(ci_p[1], "cell score"),
            S(name, "cell" if q.settled else "cell grey")]


def _item_driver_table(sheet: Sheet, rows: tuple[ItemDriverRow, ...]) -> None:
    """Every item by importance: its interval, score, difference from the other items and whether to fix it first."""
    sheet.add(S("문항별 영향 요인 (어떤 문항을 먼저 고칠지)", "subtitle"))
    cut = 100.0 / len(rows)
    sheet.add(S(f"상대 중요도는 전반적 만족을 문항 점수로 설명한 몫(%)이며 평균은 {cut:.1f}%입니다. '먼저 개선'은 중요도 구간이 "
                "평균보다 높고 점수가 다른 문항보다 유의하게 낮은 문항(대응 t 검정, Holm 보정)에만 붙입니다.", "note"))
    sheet.add(*[S(h, "header") for h in ("문항", "차원", "상대 중요도 (%)", "중요도 하한", "중요도 상한", "점수 (100점)",
                                         "다른 문항과 차이", "보정 p값", "판단")])
    for r in sorted(rows, key=lambda r: -r.importance):
        verdict, style = ("먼저 개선", "cell down") if r.priority else ("", "cell")
        sheet.add(S(r.label, "cell"), S(r.dimension, "cell"), S(r.importance, "cell score"),
                  S(r.importance_ci[0], "cell score"), S(r.importance_ci[1], "cell score"), S(r.performance, "cell score"),
                  S(r.difference, "cell change"), S(r.pvalue, "cell p"), S(verdict, style))


def ipa_sheet(ipa: Ipa, item_drivers: tuple[ItemDriverRow, ...] = ()) -> Sheet:
    """Items by quadrant with importance, performance and their intervals; a labelled scatter chart with error bars."""
    sheet = Sheet("중요도-만족도", freeze="A5", title_rows="4:4", widths={1: 24})
    sheet.add(S("중요도-만족도 분석 (IPA)", "title"))
    sheet.add(S(f"기준선: 중요도 평균 {ipa.importance_cut:.1f}, 만족도 평균 {ipa.performance_cut:.1f}. "
                + _QUADRANT_MEANING, "note"))
    sheet.add(S(_SETTLING, "note"))
    sheet.add(*[S(h, "header") for h in ("항목", ipa.importance_label, "중요도 하한", "중요도 상한",
                                         ipa.performance_label, "만족도 하한", "만족도 상한", "사분면")])
    ordered = []
    for key in _QUADRANT_ORDER:
        ordered += sorted((q for q in ipa.items if q.settled and (q.high_importance, q.high_performance) == key),
                          key=lambda q: -q.importance)
    ordered += sorted((q for q in ipa.items if not q.settled), key=lambda q: -q.importance)
    first = sheet.next_row
    for q in ordered:
        sheet.add(*_item_row(q))
    sheet.blank()
    bounds = _bounds(ipa)
    lines = _cut_lines(sheet, ipa, bounds)
    sheet.add(*[None] * (_HELPER_COL - 1), S("차트 보조값 (구간 길이)", "note"))
    bars_first = sheet.next_row
    for q in ordered:
        sheet.add(*[None] * (_HELPER_COL - 1), S(q.name, "note"),
                  *[S(v, "note score") for v in (*_half_widths(q.importance, q.importance_ci),
                                                  *_half_widths(q.performance, q.performance_ci))])
    points = [PointSpec(q.name, first + i, bars_first + i,
                        QUADRANT_COLOURS[(q.high_importance, q.high_performance)] if q.settled else UNSETTLED_COLOUR,
                        q.importance_ci is not None, q.performance_ci is not None)
              for i, q in enumerate(ordered)]
    titles = (ipa.importance_label, ipa.performance_label)
    sheet.blank()
    anchor = f"A{sheet.next_row}"
    sheet.chart(lambda ws: ipa_chart(ws, points=points, cols=(2, 5), bar_cols=_HELPER_COL + 1, lines=lines,
                                     axis_titles=titles, bounds=bounds), anchor)
    if item_drivers:
        for _ in range(30):  # below the chart (14 cm)
            sheet.blank()
        _item_driver_table(sheet, item_drivers)
    return sheet


def _stage_header(table: CourtesyTable) -> list[str]:
    stages = [s for s in STAGES if s in table.stage_points or any(s in r.stages for r in table.rows)]
    return [f"{s} ({table.stage_points[s]:g}점)" if s in table.stage_points else s for s in stages]


def _courtesy_row(r: CourtesyRow, stages: list[str]) -> list[S]:
    grey = "grey" if r.below_minimum else ""
    total_style = "down" if r.below_threshold and not r.below_minimum else grey
    notes = []
    if r.below_threshold:
        notes.append("기준 점수 미달")
    if r.below_minimum:
        notes.append("평가 수 부족: 순위 제외")
    ci = r.ci if r.ci is not None else (None, None)
    clean = [None if v is None or not math.isfinite(v) else v for v in (r.se, *ci)]
    clean[1:] = [None if v is None else min(max(v, 0.0), 100.0) for v in clean[1:]]  # within the 100-point scale
    return ([S(rank_text(r), f"cell center {grey}"), S(r.unit, f"cell {grey}"), S(r.n, f"cell count {grey}")]
            + [S(r.stages.get(s), f"cell score {grey}") for s in stages]
            + [S(r.total, f"cell score bold {total_style}"), S(clean[0], f"cell se {grey}"),
               S(clean[1], f"cell score {grey}"), S(clean[2], f"cell score {grey}"),
               S(", ".join(notes), "cell note")])


def rank_text(r: CourtesyRow) -> str:
    """"3위" when the intervals settle it, "1~12위" when they overlap others, "—" unranked."""
    if r.rank is None:
        return "—"
    if r.rank_best is None or r.rank_worst is None:
        return f"{r.rank}위"
    return f"{r.rank_best}위" if r.rank_best == r.rank_worst else f"{r.rank_best}~{r.rank_worst}위"


def courtesy_sheet(tables: tuple[CourtesyTable, ...]) -> Sheet:
    """Per office / team / staff: stage scores, total, rank, evaluations and flags."""
    sheet = Sheet("친절도 순위", freeze="C4", widths={2: 22})
    sheet.add(S("친절도 순위", "title"))
    sheet.add(S("단계별 점수의 합이 총점(100점)입니다. 순위는 신뢰구간이 허락하는 범위로 적습니다: 다른 곳의 구간과 겹치면 "
                "앞뒤를 가릴 수 없으므로 '1~12위'처럼 씁니다. 두 구간이 겹치지 않을 때만 앞선다고 봅니다.", "note"))
    sheet.add(S("신뢰구간은 평가 수가 적은 것을 반영한 t 분포 95% 구간이며, 0점 아래나 100점 위로 나가면 그 끝까지만 "
                "적었습니다. 평가가 1건뿐이거나 점수가 모두 같으면 비워 두었습니다.", "note"))
    for table in tables:
        sheet.blank()
        sheet.add(S(f"{table.level}별 순위", "subtitle"))
        rules = [f"평가 {table.min_evaluations}건 미만은 순위에서 제외(회색)"]
        if table.threshold is not None:
            rules.insert(0, f"기준 점수 {table.threshold:g}점 미만은 빨간색")
        sheet.add(S(" · ".join(rules) + "합니다.", "note"))
        if table.evaluations_needed is not None:
            sheet.add(S(f"5점 차이를 순위로 가르려면(두 구간이 겹치지 않으려면) {table.level}마다 평가가 약 "
                        f"{table.evaluations_needed:,}건 필요합니다 (평가 점수의 흩어짐으로 계산).", "note"))
        stages = [s for s in STAGES if s in table.stage_points or any(s in r.stages for r in table.rows)]
        header = ["순위 (가능 범위)", table.level, "평가 수", *_stage_header(table), "총점", "표준오차", "신뢰구간 하한",
                  "신뢰구간 상한", "비고"]
        row = sheet.add(*[S(h, "header") for h in header])
        sheet.heights[row] = 30
        for r in table.rows:
            sheet.add(*_courtesy_row(r, stages))
    return sheet
