"""The customer workbook's pure sheets: heat-map bands and unobserved cohort cells left blank."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from analysis.customers.patterns import cohort_retention
from exports.sheets_customers import CustomerWorkbookInput, heat_style, write_customer_workbook


def test_heat_bands():
    assert [heat_style(v) for v in (0.0, 0.19, 0.2, 0.5, 0.99, 1.0)] == [
        "cell share heat1", "cell share heat1", "cell share heat2", "cell share heat3", "cell share heat5",
        "cell share heat5"]
    assert heat_style(float("nan")) == "cell"


def test_cohort_sheet_alone_leaves_the_future_blank():
    cohort = cohort_retention(["A", "A", "B"], ["2025-01", "2025-02", "2025-02"])
    out = BytesIO()
    names = write_customer_workbook(CustomerWorkbookInput("t", date(2026, 1, 1), None, [], None, {}, [], cohort), out)
    assert names == ("구매 패턴",)
    ws = load_workbook(out)["구매 패턴"]
    assert [ws.cell(row=3, column=c).value for c in (1, 2, 3, 4)] == ["2025-01", 1, 1.0, 1.0]
    assert ws.cell(row=4, column=3).value == 1.0 and ws.cell(row=4, column=4).value is None  # Feb's month 1: future
