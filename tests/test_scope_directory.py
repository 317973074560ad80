"""Penetration-test finding: the org import let a regional administrator annex another region's unit or
move its staff. Both where a unit or staff member is now and where the file puts them must be in scope."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from survey_app.models import OrgLevel, OrgUnit, StaffMember
from tests.designer_support import staff


def _upload(client, kind, text):
    return client.post("/manage/org/import", data={"kind": kind, "file": (io.BytesIO(text.encode()), "org.csv")},
                       content_type="multipart/form-data")


def _parent_code(app_ctx, code):
    with app_ctx() as session:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
        return unit.parent.code if unit and unit.parent else unit


@pytest.fixture
def seoul_admin(client, make_user, app_ctx, make_org):
    """서울청's administrator, signed in; 울산우체국 (with one staff member) belongs to 부산청."""
    make_org("HQ-X", "우정사업본부", OrgLevel.HEADQUARTERS)
    seoul = make_org("R-SE-X", "서울지방우정청", OrgLevel.REGIONAL, "HQ-X")
    make_org("P-JONG-X", "종로우체국", OrgLevel.OFFICE, "R-SE-X")
    make_org("R-BU-X", "부산지방우정청", OrgLevel.REGIONAL, "HQ-X")
    ulsan = make_org("P-UL-X", "울산우체국", OrgLevel.OFFICE, "R-BU-X")
    with app_ctx() as session:
        session.add(StaffMember(employee_no="UL-1", name="울산직원", org_unit_id=ulsan))
    staff(make_user, app_ctx, client, role="admin", unit_id=seoul)


def test_a_regional_admin_cannot_annex_another_regions_unit(client, app_ctx, seoul_admin):
    answer = _upload(client, "units", "code,name,level,parent_code\n"
                                      "P-NEW-X,새우체국,office,R-SE-X\nP-UL-X,울산우체국,office,R-SE-X\n")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "3행" in page and "P-UL-X" in page and "2행" not in page
    assert _parent_code(app_ctx, "P-UL-X") == "R-BU-X"
    assert _parent_code(app_ctx, "P-NEW-X") is None  # the good row is not imported half-way


def test_a_regional_admin_cannot_move_another_regions_staff_by_employee_number(client, app_ctx, seoul_admin):
    answer = _upload(client, "staff", "employee_no,name,unit_code\nUL-1,울산직원,P-JONG-X\n")
    assert answer.status_code == 422 and "2행" in answer.get_data(as_text=True)
    with app_ctx() as session:
        person = session.scalar(select(StaffMember).where(StaffMember.employee_no == "UL-1"))
        assert person.org_unit.code == "P-UL-X"


def test_a_regional_admin_still_imports_inside_its_region(client, app_ctx, seoul_admin):
    assert _upload(client, "units", "code,name,level,parent_code\nP-GW-X,광화문우체국,office,R-SE-X\n"
                                    "P-JONG-X,종로우체국(본점),office,P-GW-X\n").status_code == 302
    assert _parent_code(app_ctx, "P-JONG-X") == "P-GW-X"
    assert _upload(client, "staff", "employee_no,name,unit_code\nSE-1,서울직원,P-JONG-X\n").status_code == 302
