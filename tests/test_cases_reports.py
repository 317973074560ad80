"""The workbook's "VOC 처리 현황" sheet and the case-list download, read back from the files."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from exports import WorkbookInput, write_workbook
from survey_app.cases import operations as ops
from survey_app.cases.reporting import case_handling
from survey_app.models import Case, OrgLevel, User
from tests.designer_support import staff


@pytest.fixture
def handled(app_ctx, make_org, make_user, client):
    """Two offices: Sokcho with one closed and one open case, Gangneung with one overdue case."""
    sokcho = make_org(code="P-RS", name="속초우체국", level=OrgLevel.OFFICE)
    gangneung = make_org(code="P-RG", name="강릉우체국", level=OrgLevel.OFFICE)
    me = staff(make_user, app_ctx, client, username="report_handler")
    with app_ctx() as session:
        user = session.get(User, me)
        done = ops.open_case(source="call", category="complaint", summary="=HYPERLINK(\"http://x\")", org_unit_id=sokcho)
        ops.assign(done, user)
        ops.start(done)
        ops.answer(done, "안내함")
        ops.close(done, root_cause="damage", resolution="yes")
        ops.open_case(source="counter", category="suggestion", summary="번호표 기계", org_unit_id=sokcho)
        late = ops.open_case(source="board", category="grievance", summary="등기 지연", org_unit_id=gangneung,
                             received_on=date(2025, 1, 2))
        assert late.due_on == date(2025, 1, 10)
    return {"sokcho": sokcho, "gangneung": gangneung}


def test_the_executive_workbook_has_the_case_handling_sheet(app_ctx, handled, tmp_path):
    with app_ctx():
        handling = case_handling()
    target = tmp_path / "report.xlsx"
    summary = write_workbook(WorkbookInput(survey="우편 서비스 고객만족도", wave="2026년 4분기",
                                           generated_on=date(2026, 12, 7), cases=handling), target)
    assert "VOC 처리 현황" in summary.sheets
    rows = [[c for c in row] for row in load_workbook(target)["VOC 처리 현황"].iter_rows(values_only=True)]
    table = {row[0]: list(row[1:9]) for row in rows if row and row[0] in ("전체", "속초우체국", "강릉우체국")}
    assert table["전체"][:4] == [3, 2, 1, 1]  # total, open, overdue, closed
    assert table["속초우체국"][:5] == [2, 1, 0, 1, 1]  # the closed one within its deadline: 100 %
    assert table["강릉우체국"][:4] == [1, 1, 1, 0] and table["강릉우체국"][4] in ("", None)  # nothing closed: no share
    assert ["파손·분실", 1] in [list(r[:2]) for r in rows]


def test_the_case_list_download_is_formula_safe(client, handled):
    answer = client.get("/manage/cases/export.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data))["VOC 사건 목록"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[0][0] == "번호"
    summaries = {r[-1] for r in rows[1:]}
    assert "번호표 기계" in summaries and not any(str(s).startswith("=") for s in summaries)


def test_no_cases_no_sheet(app_ctx):
    with app_ctx() as session:
        assert session.query(Case).count() == 0
        assert case_handling() is None
