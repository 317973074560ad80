"""VOC 처리 현황 (VOC case handling) sheet: backlog, overdue, medians, share within the deadline, recovery."""
from __future__ import annotations

from .inputs import CaseHandling, CaseUnitRow
from .style import S, Sheet

__all__ = ["case_handling_sheet"]

HEADER = ("부서", "전체", "미결", "기한 경과", "종결", "기한 내 종결 비율", "첫 연락까지 (시간, 중앙값)",
          "종결까지 (일, 중앙값)", "회복률")


def _row(r: CaseUnitRow, total: bool = False) -> list[S]:
    base = "cell total" if total else "cell"
    optional = [(r.within_deadline, "share"), (r.hours_to_first_contact, "mean"), (r.days_to_close, "mean"),
                (r.recovery, "share")]
    return [S(r.unit, base), *[S(n, f"{base} count") for n in (r.total, r.backlog, r.overdue, r.closed)],
            *[S(value, f"{base} {fmt}") if value is not None else S("", f"{base} center") for value, fmt in optional]]


def case_handling_sheet(handling: CaseHandling) -> Sheet:
    """The whole first, then each unit; the top root causes below."""
    sheet = Sheet("VOC 처리 현황", freeze="B5", widths={1: 24})
    sheet.add(S("VOC 처리 현황", "title"))
    sheet.add(S("처리 기한은 민원 처리에 관한 법률 시행령의 기간(단순 질의 7일, 건의 14일, 고충 7일 등)을 근무일로 센 "
                "날짜입니다. 회복률은 불만 고객 가운데 처리 만족도 조사에서 만족(5점 중 4점 이상)한 비율입니다.", "note"))
    sheet.blank()
    row = sheet.add(*[S(h, "header") for h in HEADER])
    sheet.heights[row] = 30
    for i, r in enumerate(handling.rows):
        sheet.add(*_row(r, total=i == 0))
    if handling.root_causes:
        sheet.blank()
        sheet.add(S("주요 원인 (종결 사건)", "subtitle"))
        sheet.add(S("원인", "header"), S("건수", "header"))
        for name, count in handling.root_causes:
            sheet.add(S(name), S(count, "cell count"))
    return sheet
