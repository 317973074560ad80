"""What a person opening the workbook sees: sheet order, font, formats, frozen headers, print setup, charts."""
from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date

import openpyxl
import pytest

from analysis.drivers import QuadrantItem
from analysis.results import Estimate
from exports import adapt
from exports.findings import josa, key_findings
from exports.inputs import Change, Contrast, ScoreRow, SegmentRow, VocEntry, WorkbookInput
from exports.report import SHEET_ORDER, sheet_names, write_workbook


def test_sheets_in_the_documented_order(sample_book):
    assert sample_book.xl.sheetnames == list(SHEET_ORDER) == list(sample_book.summary.sheets)


def test_default_font_is_malgun_gothic(sample_book):
    with zipfile.ZipFile(sample_book.path) as z:
        styles = z.read("xl/styles.xml").decode()
    first_font = styles.split("<font>", 1)[1].split("</font>", 1)[0] if "<font>" in styles else styles
    assert '"맑은 고딕"' in first_font
    raw = sample_book.xl["원자료"]
    assert raw["C2"].font.name == "맑은 고딕"  # an unstyled streamed cell uses the default font


def test_number_formats(sample_book):
    ws = sample_book.xl["요약"]
    formats = {row[0].value: (row[1].number_format, row[6].number_format) for row in ws.iter_rows(min_row=6, max_row=11)}
    assert formats["종합지수"] == ("0.0", "+0.0;-0.0;0.0")
    assert formats["CSAT (만족 비율)"] == ("0.0%", '+0.0"%p";-0.0"%p";0.0"%p"')
    assert formats["응답 수"][0] == "#,##0"
    dims = sample_book.xl["차원별 점수"]
    assert dims["D5"].number_format == "0.0" and dims["E5"].number_format == "0.00"
    assert dims["K5"].number_format == '[<0.0005]"< 0.001";0.000'  # p: "< 0.001", never "0.000"
    freq = sample_book.xl["문항별 응답"]
    shares = [c.number_format for c in freq["C"] if isinstance(c.value, float)]
    assert shares and set(shares) == {"0.0%"}


@pytest.mark.parametrize("sheet, freeze", [("차원별 점수", "D5"), ("세그먼트", "C5"), ("추이", "B5"),
                                           ("코드북", "A5"), ("원자료", "B2")])
def test_header_rows_are_frozen(sample_book, sheet, freeze):
    assert sample_book.xl[sheet].freeze_panes == freeze


def test_print_setup_a4_landscape_fit_to_width_with_header_and_footer(sample_book):
    for ws in sample_book.xl.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.oddHeader.left.text == "우편 서비스 고객만족도 조사"
        assert ws.oddHeader.center.text == "2025년 2분기" and "2025-07-01" in ws.oddHeader.right.text
        assert ws.oddFooter.right.text == "&P / &N"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        # The summary is one page; the raw data prints only its header row (on one page), not every response.
        assert ws.page_setup.fitToHeight == (1 if ws.title in ("요약", "원자료") else 0)
    raw = sample_book.xl["원자료"]
    assert raw.print_area == f"'원자료'!$A$1:${raw.max_column and openpyxl.utils.get_column_letter(raw.max_column)}$1"


def test_column_widths_follow_content(sample_book):
    ws = sample_book.xl["세그먼트"]
    assert ws.column_dimensions["A"].width >= 6
    assert ws.column_dimensions["F"].width > ws.column_dimensions["C"].width  # "95% 신뢰구간 하한" is long


def test_native_charts(sample_book):
    kinds = {ws.title: [type(c).__name__ for c in ws._charts] for ws in sample_book.xl.worksheets}
    assert kinds["차원별 점수"] == ["BarChart"]
    assert kinds["추이"] == ["LineChart"]
    assert kinds["중요도-만족도"] == ["ScatterChart"]
    assert kinds["문항별 응답"] == ["BarChart"] * 12
    # Single-answer questions: shares of one whole, so the axis ends at 100% (not an automatic 120%).
    assert {c.y_axis.scaling.max for c in sample_book.xl["문항별 응답"]._charts} == {1.0}
    scatter = sample_book.xl["중요도-만족도"]._charts[0]
    labelled = [s for s in scatter.series if s.dLbls is not None and s.dLbls.showSerName]
    names = {s.tx.v for s in labelled}
    assert names == {q.name for q in sample_book.inp.ipa.items}  # every point carries its item's name
    assert scatter.legend is None
    bars = [s.errBars.errDir for s in scatter.series if s.errBars is not None]
    assert bars.count("x") == bars.count("y") == len(names)  # both intervals of every item are drawn
    quadrants = [r[7] for r in sample_book.xl["중요도-만족도"].iter_rows(min_row=5, max_col=8, values_only=True) if r[7]]
    assert len(quadrants) == len(names) and set(quadrants) <= {"집중 개선", "유지 강화", "점진 개선", "과잉 투자", "판단 보류"}


def test_cover_note_states_the_method(sample_book):
    text = [c for row in sample_book.rows("요약") for c in row if isinstance(c, str)]
    assert "가중치: 사후 층화 가중치 (지역 × 연령대)" in text
    assert "신뢰구간: 95% (유의수준 5%)" in text
    assert "다중 비교 보정: Holm 보정 (유의수준 5%)" in text
    assert any(t.startswith("▲") for t in text) and any("표시가 없으면" in t for t in text)


def _est(value: float, n: int = 200) -> Estimate:
    return Estimate(value=value, se=1.0, ci=(value - 1.96, value + 1.96), n=n, weighted_n=float(n), statistic="mean")


def _findings_input(**extra) -> WorkbookInput:
    scores = (ScoreRow("index", "INDEX", "종합지수", _est(80.0), Change(77.5, 2.5, 0.01, True)),
              ScoreRow("dimension", "process", "과정품질", _est(82.0), Change(84.0, -2.0, 0.02, True)),
              ScoreRow("dimension", "outcome", "결과품질", _est(74.0), Change(73.0, 1.0, 0.4, False)),
              ScoreRow("item", "Q3", "대기 시간", _est(70.0), Change(66.0, 4.0, 0.001, True), "process"))
    segments = (SegmentRow("지역", "강원", _est(72.0, 40), -6.0, 0.003, True),
                SegmentRow("지역", "서울", _est(81.0, 300), 1.0, 0.6, False))
    return WorkbookInput(survey="조사", wave="2분기", previous_wave="1분기", generated_on=date(2025, 7, 1),
                         scores=scores, segments=segments, **extra)


def test_key_findings_say_only_what_is_significant():
    found = key_findings(_findings_input())
    assert 3 <= len(found) <= 6
    assert found[0] == ("종합지수는 80.0점이며 95% 신뢰구간은 78.0~82.0점입니다. 지난 차수(1분기, 77.5점)보다 "
                        "2.5점 올랐으며, 통계적으로 유의한 변화입니다.")
    assert "유의하게 오른 차원·문항은 '대기 시간'(+4.0점) 하나입니다." in found
    assert "유의하게 떨어진 차원·문항은 '과정품질'(−2.0점) 하나입니다." in found
    assert not any("결과품질'(+1.0" in f for f in found)  # not significant: never called a rise
    assert "'결과품질'(74.0점)은 '과정품질'(82.0점)보다 낮으며, 두 차원의 신뢰구간은 겹치지 않습니다." in found
    assert "종합지수 기준으로 나머지 응답자보다 유의하게 낮은 집단은 지역 '강원'(−6.0점)입니다." in found


def _dims(*rows: tuple[str, float, Contrast | None]) -> tuple[ScoreRow, ...]:
    return tuple(ScoreRow("dimension", name, name, Estimate(v, 0.56, (v - 1.1, v + 1.1), 989, 989.0, "mean"),
                          contrast=c) for name, v, c in rows)


def test_findings_never_rank_dimensions_the_data_do_not_separate():
    """The issue's demo: 73.56 / 73.57 / 73.73 with ±1.1 intervals were called lowest and highest."""
    rows = _dims(("과정품질", 73.56, Contrast(-0.1, 0.9, False)), ("결과품질", 73.57, Contrast(-0.08, 0.9, False)),
                 ("사회품질", 73.73, Contrast(0.15, 0.8, False)))
    found = key_findings(WorkbookInput(survey="조사", wave="2분기", generated_on=date(2025, 7, 1), scores=rows))
    text = " ".join(found)
    assert "가장 낮은 것은" not in text and "유의하게 낮은 차원" not in text
    assert "차원 점수(73.6~73.7점)는 서로 통계적으로 다르지 않아" in text and "대응 t 검정" in text
    no_test = _dims(("과정품질", 73.56, None), ("사회품질", 73.73, None))  # no paired test: overlapping intervals
    found = key_findings(WorkbookInput(survey="조사", wave="2분기", generated_on=date(2025, 7, 1), scores=no_test))
    assert any("신뢰구간이 서로 겹쳐" in f for f in found)


def test_findings_name_a_dimension_whose_contrast_is_significant():
    rows = _dims(("과정품질", 78.0, Contrast(4.0, 0.001, True)), ("결과품질", 73.5, Contrast(-0.5, 0.6, False)),
                 ("환경품질", 69.0, Contrast(-3.5, 0.002, True)))
    found = key_findings(WorkbookInput(survey="조사", wave="2분기", generated_on=date(2025, 7, 1), scores=rows))
    assert any(f.startswith("다른 차원보다 유의하게 낮은 차원은 '환경품질'(69.0점), 유의하게 높은 차원은 '과정품질'(78.0점)입니다")
               for f in found)


def test_no_action_quadrant_is_named_for_unsettled_items():
    items = (QuadrantItem("과정품질", 30.0, 73.56, "집중 개선 (concentrate here)", True, False, settled=False),
             QuadrantItem("사회품질", 20.0, 73.73, "과잉 투자 (possible overkill)", False, True, settled=False))
    inp = WorkbookInput(survey="조사", wave="2분기", generated_on=date(2025, 7, 1), ipa=adapt.ipa(items))
    text = " ".join(key_findings(inp))
    assert "먼저 개선할 항목" not in text and "사분면은 정하지 않았습니다" in text
    buffer = io.BytesIO()
    write_workbook(inp, buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["중요도-만족도"]
    shown = [r[7] for r in sheet.iter_rows(min_row=5, max_row=6, max_col=8, values_only=True)]
    assert shown == ["판단 보류", "판단 보류"]


def test_items_to_fix_are_named_only_when_flagged_and_listed_on_the_ipa_sheet():
    from exports.inputs import ItemDriverRow

    items = (QuadrantItem("과정품질", 40.0, 70.0, "유지 강화 (keep up the good work)", True, True),
             QuadrantItem("환경품질", 10.0, 58.0, "점진 개선 (low priority)", False, False))
    drivers = (ItemDriverRow("기다리는 시간이 적당하였습니다.", "과정품질", 25.0, (19.8, 30.1), 55.5, -12.1, 0.0001, True),
               ItemDriverRow("시설이 깨끗하였습니다.", "환경품질", 5.0, (3.1, 7.0), 60.8, -10.7, 0.0001, False))
    inp = WorkbookInput(survey="조사", wave="2분기", generated_on=date(2025, 7, 1), ipa=adapt.ipa(items),
                        item_drivers=drivers)
    assert any(f.startswith("먼저 개선할 문항은 '기다리는 시간이 적당하였습니다.'(55.5점, 중요도 25.0%)") for f in key_findings(inp))
    buffer = io.BytesIO()
    write_workbook(inp, buffer)
    rows = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["중요도-만족도"].iter_rows(values_only=True))
    table = [r for r in rows if r[0] in ("기다리는 시간이 적당하였습니다.", "시설이 깨끗하였습니다.")]
    assert [(r[0], r[2], r[8]) for r in table] == [("기다리는 시간이 적당하였습니다.", 25.0, "먼저 개선"),
                                                   ("시설이 깨끗하였습니다.", 5.0, None)]
    none = replace(inp, item_drivers=(replace(drivers[0], priority=False), drivers[1]))
    assert "먼저 개선할 문항" not in " ".join(key_findings(none))


def test_findings_given_by_the_app_win():
    assert key_findings(_findings_input(findings=("하나", "둘", "셋"))) == ["하나", "둘", "셋"]


@pytest.mark.parametrize("word, kind, out", [("강원", "은는", "강원은"), ("서울", "으로로", "서울로"),
                                             ("부산", "으로로", "부산으로"), ("제주", "이가", "제주가"),
                                             ("82.3점", "으로로", "82.3점으로"), ("NPS", "은는", "NPS는"),
                                             ("Q1", "이가", "Q1이"), ("Q2", "이가", "Q2가")])
def test_josa(word, kind, out):
    assert josa(word, kind) == out


def test_empty_parts_drop_their_sheets_and_streams_work():
    inp = _findings_input()
    assert sheet_names(inp) == ("요약", "차원별 점수", "세그먼트")
    buffer = io.BytesIO()
    write_workbook(inp, buffer)
    assert openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).sheetnames == ["요약", "차원별 점수", "세그먼트"]


def test_small_segments_are_greyed_with_a_note(sample_book):
    ws = sample_book.xl["세그먼트"]
    for row in ws.iter_rows(min_row=6):
        if row[0].value == "지역" and isinstance(row[2].value, (int, float)):
            small = row[2].value < 30
            assert (row[3].fill.fgColor.rgb == "00EDEDED") == small
            assert (row[10].value == "응답 30건 미만: 해석 주의") == small


def test_voc_lists_every_answer_with_segments_wrapped(sample_book):
    ws = sample_book.xl["고객의 소리"]
    rows = list(ws.iter_rows())
    start = next(i for i, r in enumerate(rows) if r[-1].value == "응답 내용")
    assert [c.value for c in rows[start]] == ["번호", "문항", "지역", "채널", "응답 내용"]
    answers = rows[start + 1:]
    voc = sample_book.inp.voc
    assert len(answers) == len(voc)
    first = answers[0]
    assert [c.value for c in first] == [1, voc[0].question, voc[0].segments["지역"], voc[0].segments["채널"],
                                        voc[0].text.replace("010-1234-5678", "010-****-5678")]
    assert first[-1].alignment.wrap_text and first[-1].border.left.style == "thin"
    assert first[0].alignment.horizontal == "center"


def test_long_voc_answers_get_taller_rows(tmp_path):
    long_text = "대기 시간이 너무 길어서 불편했습니다. " * 12
    inp = WorkbookInput(survey="s", wave="w", generated_on=date(2025, 1, 1),
                        voc=(VocEntry("Q9", "짧은 답"), VocEntry("Q9", long_text)))
    write_workbook(inp, tmp_path / "voc.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "voc.xlsx")["고객의 소리"]
    last = ws.max_row
    assert ws.cell(last, 3).value == long_text
    assert ws.row_dimensions[last].height > 40 and ws.row_dimensions[last - 1].height is None


def test_item_wording_wraps_in_the_dimensions_sheet(tmp_path):
    """A question's whole wording stays readable (wrapped, the row taller) instead of being cut off at the
    next column, on screen and on the printed A4 page."""
    est = Estimate(value=74.0, se=0.7, ci=(72.6, 75.4), n=986, weighted_n=986.0, statistic="mean", df=None,
                   confidence=0.95, method="taylor")
    wording = "우체국이 공공기관으로서 우리 사회에 기여하고 있다고 생각하십니까? 지역 주민을 위한 활동을 포함해 답해 주십시오."
    inp = WorkbookInput(survey="s", wave="w", generated_on=date(2025, 1, 1),
                        scores=(ScoreRow("dimension", "social", "사회품질", est),
                                ScoreRow("item", "Q1", "짧은 문항", est, parent="social"),
                                ScoreRow("item", "Q2", wording, est, parent="social")))
    write_workbook(inp, tmp_path / "items.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "items.xlsx")["차원별 점수"]
    rows = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value in ("Q1", "Q2")}
    long_row, short_row = rows["Q2"], rows["Q1"]
    assert ws.cell(long_row, 3).value == wording and ws.cell(long_row, 3).alignment.wrap_text
    assert ws.row_dimensions[long_row].height >= 45 and ws.row_dimensions[short_row].height is None
    assert ws.column_dimensions["C"].width >= 40


def test_courtesy_intervals_stay_within_the_100_point_scale(tmp_path):
    """As the courtesy results page shows them: an interval running past 0 or 100 points stops there, and a
    unit without one (a single evaluation) has empty cells."""
    from exports.inputs import CourtesyRow, CourtesyTable

    rows = (CourtesyRow("서귀포우체국", 3, {}, 93.8, 6.25, (66.9, 120.6), rank=1),
            CourtesyRow("포항우체국", 3, {}, 20.0, 9.0, (-18.7, 58.7), rank=2),
            CourtesyRow("목포우체국", 1, {}, 57.1, float("nan"), (float("nan"), float("nan")), below_minimum=True))
    inp = WorkbookInput(survey="s", wave="w", generated_on=date(2025, 1, 1),
                        courtesy=(CourtesyTable("우체국", rows),))
    write_workbook(inp, tmp_path / "courtesy.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "courtesy.xlsx")["친절도 순위"]
    found = {r[1]: r for r in ws.iter_rows(values_only=True) if r[1] in ("서귀포우체국", "포항우체국", "목포우체국")}
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "순위 (가능 범위)")
    low, high = header.index("신뢰구간 하한"), header.index("신뢰구간 상한")
    assert (found["서귀포우체국"][low], found["서귀포우체국"][high]) == (66.9, 100.0)
    assert (found["포항우체국"][low], found["포항우체국"][high]) == (0.0, 58.7)
    assert (found["목포우체국"][low], found["목포우체국"][high]) == (None, None)


def test_multiple_answer_charts_keep_an_open_axis(tmp_path):
    """A pick-several question's shares can add up past 100%, so its chart's axis is left to the data."""
    from exports.inputs import FrequencyRow, FrequencyTable

    rows = (FrequencyRow("등기", 60.0, 60.0), FrequencyRow("소포", 70.0, 70.0))
    inp = WorkbookInput(survey="s", wave="w", generated_on=date(2025, 1, 1),
                        frequencies=(FrequencyTable("SQ1", "이용 서비스", rows, 100, multiple=True),
                                     FrequencyTable("Q7", "연령", (FrequencyRow("20대", 40.0, 40.0),), 100)))
    write_workbook(inp, tmp_path / "freq.xlsx")
    charts = openpyxl.load_workbook(tmp_path / "freq.xlsx")["문항별 응답"]._charts
    assert [c.y_axis.scaling.max for c in charts] == [None, 1.0]


def test_chart_titles_are_whole_never_cut_with_an_ellipsis():
    """The demo's frequency charts were titled "SQ2. 이용하신 우편서비스를 모두 골라 주…"."""
    label = "최근 3개월 안에 우체국 창구나 집배원을 통해 우편서비스(편지, 등기, 소포·택배, 국제우편 등)를 이용하신 적이 있으십니까?"
    table = adapt.frequency_table("SQ1", label, {1: 30, 2: 10}, [(1, "예"), (2, "아니요")])
    buffer = io.BytesIO()
    write_workbook(WorkbookInput(survey="조사", wave="2분기", generated_on=date(2025, 7, 1), frequencies=(table,)),
                   buffer)
    with zipfile.ZipFile(buffer) as book:
        chart = next(book.read(n).decode() for n in book.namelist() if n.startswith("xl/charts/chart"))
    import re
    title = " ".join(re.findall(r"<a:t>([^<]*)</a:t>", chart.split("</c:title>")[0]))
    assert "…" not in title and title == f"SQ1. {label}"
    assert chart.split("</c:title>")[0].count("<a:p>") >= 2  # wrapped over lines, not cut
