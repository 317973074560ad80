"""The customer workbook's sheets: 고객 세분화, 이탈 위험, 구매 패턴 (cohort table with heat-map colouring).

Pure: takes analysis results and plain numbers, knows nothing of the database.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from analysis.customers.patterns import CategoryMix, CohortTable, Seasonality
from analysis.customers.rfm import Migration

from .rawxml import save_with_rows
from .style import PageMeta, S, Sheet, emit, new_workbook

__all__ = ["CustomerWorkbookInput", "SegmentRow", "OfficeRisk", "customer_sheets", "write_customer_workbook",
           "heat_style"]


@dataclass(frozen=True)
class SegmentRow:
    """One RFM segment: customers, their mean churn risk, and the mean survey score where known."""

    segment: str
    customers: int
    mean_risk: float
    satisfaction: float | None = None


@dataclass(frozen=True)
class OfficeRisk:
    """One office's scored customers: how many, mean risk, and how many in the top risk decile."""

    office: str
    customers: int
    mean_risk: float
    high_risk: int


@dataclass(frozen=True)
class CustomerWorkbookInput:
    """Everything the three sheets show."""

    title: str
    generated_on: date
    cutoff: date | None
    segments: Sequence[SegmentRow]
    migration: Migration | None
    backtest: dict
    offices: Sequence[OfficeRisk]
    cohort: CohortTable | None
    categories: CategoryMix | None = None
    seasonality: Seasonality | None = None


def heat_style(share: float) -> str:
    """The heat-map style of a retention share (5 bands of 20 points)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "cell"
    return f"cell share heat{min(5, int(share * 5) + 1)}"


def _segments_sheet(inp: CustomerWorkbookInput) -> Sheet:
    sheet = Sheet("고객 세분화")
    sheet.add(S(f"고객 세분화 (RFM, {inp.cutoff} 기준)", "title"))
    sheet.add(*(S(h, "header") for h in ("고객 구분", "고객 수", "비율", "평균 이탈 위험", "설문 만족도(평균)")))
    total = sum(r.customers for r in inp.segments) or 1
    for r in inp.segments:
        sheet.add(S(r.segment, "cell"), S(r.customers, "cell count"), S(r.customers / total, "cell share"),
                  S(r.mean_risk, "cell share"), S(r.satisfaction, "cell mean"))
    if inp.migration is not None:
        sheet.blank()
        sheet.add(S("고객 구분 이동 (이전 기준일 → 이번 기준일, 고객 수)", "subtitle"))
        sheet.add(S("이전 \\ 이번", "header"), *(S(name, "header") for name in inp.migration.segments))
        for name, row in zip(inp.migration.segments, inp.migration.counts.tolist(), strict=True):
            sheet.add(S(name, "cell bold"), *(S(int(v), "cell count") for v in row))
    sheet.freeze = "A3"
    return sheet


def _risk_sheet(inp: CustomerWorkbookInput) -> Sheet:
    sheet = Sheet("이탈 위험")
    sheet.add(S("이탈 예측 모형의 검증 결과 (시점 분할 검증)", "title"))
    sheet.add(*(S(h, "header") for h in ("방법", "ROC-AUC", "PR-AUC", "상위 10% 향상도", "Brier 점수")))
    for label, key in (("이탈 예측 모형", "model"), ("마지막 주문 후 기간만", "recency"), ("RFM 점수만", "rfm")):
        ev = inp.backtest.get(key) or {}
        sheet.add(S(label, "cell"), S(ev.get("roc_auc"), "cell mean"), S(ev.get("pr_auc"), "cell mean"),
                  S(ev.get("top_decile_lift"), "cell mean"), S(ev.get("brier"), "cell mean"))
    sheet.blank()
    sheet.add(S("우체국별 이탈 위험", "subtitle"))
    sheet.add(*(S(h, "header") for h in ("우체국", "점수 매긴 고객", "평균 이탈 위험", "위험 상위 10% 고객")))
    for o in inp.offices:
        sheet.add(S(o.office, "cell"), S(o.customers, "cell count"), S(o.mean_risk, "cell share"),
                  S(o.high_risk, "cell count"))
    return sheet


def _cohort_sheet(inp: CustomerWorkbookInput) -> Sheet:
    sheet = Sheet("구매 패턴")
    sheet.add(S("월별 첫 구매 고객의 재구매율 (첫 구매 월 × 경과 개월)", "title"))
    cohort = inp.cohort
    width = cohort.share.shape[1]
    sheet.add(S("첫 구매 월", "header"), S("고객 수", "header"), *(S(f"{k}개월", "header") for k in range(width)))
    for month, size, shares in zip(cohort.months, cohort.sizes.tolist(), cohort.share.tolist(), strict=True):
        sheet.add(S(month, "cell"), S(size, "cell count"),
                  *(S(None if math.isnan(v) else v, heat_style(v)) for v in shares))
    sheet.blank()
    sheet.add(S("색이 진할수록 그 달에 다시 구매한 고객의 비율이 높습니다. 빈 칸은 아직 오지 않은 달입니다.", "note"))
    if inp.categories is not None:
        sheet.blank()
        sheet.add(S("품목별 구매", "subtitle"))
        sheet.add(*(S(h, "header") for h in ("품목", "주문 수", "주문 비율", "구매 금액(원)", "금액 비율")))
        mix = inp.categories
        for i, name in enumerate(mix.categories):
            sheet.add(S(name, "cell"), S(int(mix.orders[i]), "cell count"), S(float(mix.order_share[i]), "cell share"),
                      S(int(mix.amount[i]), "cell count"), S(float(mix.amount_share[i]), "cell share"))
    if inp.seasonality is not None:
        season = inp.seasonality
        sheet.blank()
        sheet.add(S(f"설·추석 전 {season.window_days}일에 주문의 {season.share_in_window:.1%}가 몰립니다 (날짜로는 "
                    f"{season.share_of_days:.1%}): 평소의 {season.lift:.1f}배입니다.", "bold"))
    sheet.freeze = "C3"
    return sheet


def customer_sheets(inp: CustomerWorkbookInput) -> list[Sheet]:
    """The sheets that have something to show, in order."""
    sheets = [_segments_sheet(inp)] if inp.segments else []
    sheets += [_risk_sheet(inp)] if inp.backtest else []
    sheets += [_cohort_sheet(inp)] if inp.cohort is not None and len(inp.cohort.months) else []
    return sheets


def write_customer_workbook(inp: CustomerWorkbookInput, target: str | Path | IO[bytes]) -> tuple[str, ...]:
    """Write the workbook; returns the sheet names."""
    sheets = customer_sheets(inp)
    if not sheets:
        raise ValueError("inp: there is nothing to write (no segments, backtest or purchases)")
    wb = new_workbook()
    meta = PageMeta(survey=inp.title, wave=str(inp.cutoff or ""), generated_on=inp.generated_on)
    for sheet in sheets:
        emit(wb, sheet, meta)
    save_with_rows(wb, target, [])
    return tuple(s.title for s in sheets)
