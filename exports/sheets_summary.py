"""요약 (Summary) sheet: headline KPIs with intervals and changes, legend, key findings, method note."""
from __future__ import annotations

import math
from collections.abc import Sequence

from .findings import key_findings
from .inputs import Change, Kpi, MethodNote, TargetRow, WorkbookInput
from .style import S, Sheet, text_width

__all__ = ["summary_sheet", "change_cells", "mark", "LEGEND", "SHEET_NOTES"]

_COLS = 9
_WIDTHS = {1: 24, 2: 12, 3: 12, 4: 12, 5: 11, 6: 12, 7: 11, 8: 18, 9: 30}
_TEXT_WIDTH = sum(_WIDTHS.values()) - 6

LEGEND = (("▲", "up", "지난 차수보다 통계적으로 유의하게 올랐습니다 (초록색)."),
          ("▼", "down", "지난 차수보다 통계적으로 유의하게 떨어졌습니다 (빨간색)."),
          ("—", "cell", "표시가 없으면 변화가 통계적으로 유의하지 않습니다 (우연한 변동일 수 있습니다)."),
          ("회색", "grey", "응답 30건 미만인 집단: 표본이 작아 유의 여부를 판단하지 않습니다."))

#: One-line description of each sheet, for the contents list.
SHEET_NOTES = {
    "차원별 점수": "지수·차원·문항별 100점 환산 점수, 신뢰구간, 지난 차수 대비 변화",
    "세그먼트": "지역·우체국·채널·고객 유형·연령대별 점수와 전체 대비 유의한 차이",
    "추이": "차수별 종합지수와 차원 점수의 변화",
    "중요도-만족도": "문항별 도출 중요도와 만족도, 개선 우선순위 사분면",
    "친절도 순위": "우체국·팀·직원별 친절도 단계 점수, 총점, 순위",
    "문항별 응답": "모든 문항의 보기별 응답 수와 비율",
    "고객의 소리": "주관식 응답 원문과 자주 나온 단어·구",
    "코드북": "원자료 변수와 값의 설명",
    "표본 대표성": "가중치에 쓴 범주별 응답자 비율, 모집단 비율, 가중 후 비율",
    "용어 설명": "신뢰구간, Holm 보정, 유효 표본 수 같은 통계 용어의 쉬운 설명",
    "원자료": "응답 한 건당 한 행의 원자료 (개인정보 마스킹). 인쇄 범위는 머리글 행뿐입니다: 전체를 인쇄하려면 "
            "페이지 설정에서 인쇄 영역을 지우십시오",
}


def mark(change: Change | None, higher_is_better: bool = True) -> tuple[str, str]:
    """Significance mark and style of a change: ▲/▼ with colour only when significant."""
    if change is None:
        return "", "cell"
    if not change.significant:
        return "유의한 변화 없음", "cell center"
    up = change.difference > 0
    good = up == higher_is_better
    return ("▲ 유의한 상승" if up else "▼ 유의한 하락"), ("cell center " + ("up" if good else "down"))


def change_cells(change: Change | None, fmt: str = "score", scale: float = 1.0,
                 higher_is_better: bool = True) -> list[S]:
    """Cells: previous value, change, p-value and the significance mark."""
    if change is None:
        return [S(None), S(None), S(None), S("", "cell")]
    text, style = mark(change, higher_is_better)
    # A change of a share is in percentage points (%p), so it keeps its unscaled value.
    diff_fmt = "share_change" if fmt == "share" else "change"
    return [S(change.previous / scale, f"cell {fmt}"), S(change.difference, f"cell {diff_fmt}"),
            S(change.pvalue, "cell p"), S(text, style)]


def _kpi_row(k: Kpi) -> list[S]:
    scale = 100.0 if k.kind == "share" else 1.0
    value = None if k.value is None or not math.isfinite(k.value) else k.value / scale
    ci = k.ci if k.ci is not None and all(math.isfinite(v) for v in k.ci) else (None, None)
    low, high = (None if v is None else v / scale for v in ci)
    cells = [S(k.label, "cell bold"), S(value, f"cell kpi {k.kind}"), S(low, f"cell {k.kind}"),
             S(high, f"cell {k.kind}"), S(k.n, "cell count")]
    prev, diff, _, sig = change_cells(k.change, k.kind, scale, k.higher_is_better)
    return cells + [prev, diff, sig, S(k.note, "cell note wrap")]


def _paragraph(sheet: Sheet, text: str, style: str = "wrap") -> None:
    """A full-width wrapped paragraph (merged across the table's columns, height from its length)."""
    row = sheet.add(S(text, style))
    sheet.merges.append(f"A{row}:{chr(64 + _COLS)}{row}")
    lines = max(1, math.ceil(text_width(text) / _TEXT_WIDTH))
    sheet.heights[row] = 16.5 * lines + 2


def _method_lines(inp: WorkbookInput) -> list[str]:
    m: MethodNote = inp.method
    lines = [f"가중치: {m.weights}", f"신뢰구간: {m.confidence * 100:g}% (유의수준 {m.alpha * 100:g}%)",
             f"점수 환산: {m.scale}"]
    lines += [f"검정: {t}" for t in m.tests] + [f"다중 비교 보정: {m.correction}"]
    if inp.personal is None:
        lines.append("개인정보: 이름·전화번호·전자우편은 가려서 표시했습니다 (예: 홍*동, 010-****-5678).")
    else:
        lines.append(f"개인정보: 원본 표시 — 요청자 {inp.personal.requested_by}, 목적: {inp.personal.purpose}")
    return lines + list(m.notes)


def _kpi_block(sheet: Sheet, inp: WorkbookInput) -> None:
    """The KPI table and the legend of its marks."""
    sheet.add(S("핵심 지표", "subtitle"))
    level = f"{inp.method.confidence * 100:g}%"
    header = ["지표", "값", f"{level} 신뢰구간 하한", f"{level} 신뢰구간 상한", "응답 수",
              "지난 차수", "변화", "유의성", "비고"]
    row = sheet.add(*[S(h, "header") for h in header])
    sheet.heights[row] = 30
    for k in inp.kpis:
        row = sheet.add(*_kpi_row(k))
        lines = math.ceil(text_width(k.note, "note") / (_WIDTHS[_COLS] - 1)) if k.note else 1
        if lines > 1:  # the note wraps within the 비고 column instead of running off the page
            sheet.heights[row] = 13 * lines + 4
    sheet.blank()
    sheet.add(S("표시 설명", "subtitle"))
    for symbol, style, text in LEGEND:
        sheet.add(S(symbol, f"cell center {style}"), text)
    sheet.blank()


def _target_block(sheet: Sheet, targets: Sequence[TargetRow], confidence: float) -> None:
    """Each target with the score, its interval and whether it was met (judged by the interval)."""
    sheet.add(S("목표 달성", "subtitle"))
    level = f"{confidence * 100:g}%"
    row = sheet.add(*[S(h, "header") for h in ("지표", "목표", "점수", f"{level} 신뢰구간 하한",
                                               f"{level} 신뢰구간 상한", "달성 여부")])
    sheet.heights[row] = 30
    for t in targets:
        low, high = t.ci if t.ci is not None else (None, None)
        sheet.add(S(t.label, "cell bold wrap"), S(t.target, "cell score"), S(t.value, "cell score"),
                  S(low, "cell score"), S(high, "cell score"), S(t.status, "cell"))
    _paragraph(sheet, "달성 여부는 신뢰구간으로 판단합니다: 구간 전체가 목표 이상이면 달성, 구간 전체가 목표보다 낮으면 "
                      "미달, 구간 안에 목표가 있으면 판단 보류(자료로는 목표보다 높은지 낮은지 가릴 수 없음)입니다.", "note wrap")
    sheet.blank()


def summary_sheet(inp: WorkbookInput, sheet_names: Sequence[str]) -> Sheet:
    """Lay out the 요약 sheet."""
    sheet = Sheet("요약", widths=dict(_WIDTHS), auto_width_skip=set(range(1, _COLS + 1)), one_page=True)
    sheet.add(S(f"{inp.survey} — {inp.wave} 결과 요약", "title"))
    sheet.heights[1] = 26
    prev = f" · 비교 차수: {inp.previous_wave}" if inp.previous_wave else ""
    sheet.add(S(f"{inp.organisation} · 작성일 {inp.generated_on.isoformat()}{prev}", "note"))
    sheet.blank()
    if inp.kpis:
        _kpi_block(sheet, inp)
    if inp.targets:
        _target_block(sheet, inp.targets, inp.method.confidence)
    findings = key_findings(inp)
    if findings:
        sheet.add(S("주요 발견", "subtitle"))
        for i, text in enumerate(findings, 1):
            _paragraph(sheet, f"{i}. {text}")
        sheet.blank()
    sheet.add(S("조사 방법", "subtitle"))
    for line in _method_lines(inp):
        _paragraph(sheet, line)
    sheet.blank()
    sheet.add(S("이 통합문서의 구성", "subtitle"))
    for name in sheet_names:
        if name in SHEET_NOTES:
            sheet.add(S(name, "cell bold"), SHEET_NOTES[name])
    return sheet
