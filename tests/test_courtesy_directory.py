"""Org tree and staff directory management: CSV and Excel import (all or nothing, scoped), moving
units and staff, deactivating; inactive units and staff are no longer offered for evaluations."""
from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select

from survey_app.models import OrgLevel, OrgUnit, StaffMember
from tests.designer_support import staff

UNITS = "코드,이름,구분,상위 코드\nHQ-D,우정사업본부,본부,\nR-D,서울지방우정청,지방우정청,HQ-D\nP-D1,광화문우체국,우체국,R-D\nP-D2,종로우체국,office,R-D\n"


def _upload(client, kind, content, name="org.csv"):
    return client.post("/manage/org/import", data={"kind": kind, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _unit(app_ctx, code):
    with app_ctx() as session:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
        return (unit.id, unit.parent.code if unit.parent else None, unit.active, unit.name) if unit else None


def test_import_units_and_staff_from_csv_and_excel(client, make_user, app_ctx):
    staff(make_user, app_ctx, client, role="admin")
    answer = _upload(client, "units", UNITS.encode("utf-8-sig"))
    assert answer.status_code == 302
    assert _unit(app_ctx, "P-D1")[1] == "R-D" and _unit(app_ctx, "R-D")[1] == "HQ-D"
    book = Workbook()
    sheet = book.active
    sheet.append(["직원번호", "이름", "소속 코드", "직위"])
    sheet.append(["D100", "김친절", "P-D1", "주무관"])
    sheet.append(["D101", "이상냥", "P-D2", None])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _upload(client, "staff", buffer.getvalue(), "staff.xlsx").status_code == 302
    again = _upload(client, "units", "code,name,level,parent_code\nP-D1,광화문우체국(본점),office,R-D\n".encode())
    assert again.status_code == 302 and _unit(app_ctx, "P-D1")[3] == "광화문우체국(본점)"
    with app_ctx() as session:
        people = {s.employee_no: s.org_unit.code for s in session.scalars(select(StaffMember))}
    assert people == {"D100": "P-D1", "D101": "P-D2"}


def test_a_file_with_bad_rows_changes_nothing_and_names_the_rows(client, make_user, app_ctx):
    staff(make_user, app_ctx, client, role="admin")
    bad = "코드,이름,구분,상위 코드\nP-OK,좋은우체국,우체국,\nP-BAD,,우체국,\nP-ORPHAN,고아우체국,우체국,NOWHERE\n"
    answer = _upload(client, "units", bad.encode())
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "3행" in page and "4행" in page and "NOWHERE" in page
    assert _unit(app_ctx, "P-OK") is None
    staff_bad = _upload(client, "staff", "직원번호,이름,소속 코드\nZ1,누구,NO-UNIT\n".encode())
    assert staff_bad.status_code == 422 and "NO-UNIT" in staff_bad.get_data(as_text=True)


def test_scoped_administrators_import_only_under_their_units(client, make_user, app_ctx, make_org):
    make_org("HQ-S", "본부", OrgLevel.HEADQUARTERS)
    region = make_org("R-S", "부산청", OrgLevel.REGIONAL, "HQ-S")
    make_org("R-T", "대구청", OrgLevel.REGIONAL, "HQ-S")
    staff(make_user, app_ctx, client, role="admin", unit_id=region)
    assert _upload(client, "units", "code,name,level,parent_code\nP-S1,해운대우체국,office,R-S\n".encode()).status_code == 302
    refused = _upload(client, "units", "code,name,level,parent_code\nP-T1,수성우체국,office,R-T\n".encode())
    assert refused.status_code == 422 and _unit(app_ctx, "P-T1") is None


def test_move_and_deactivate_units_and_staff(client, make_user, app_ctx, make_org):
    staff(make_user, app_ctx, client, role="admin")
    _upload(client, "units", UNITS.encode())
    d1, d2 = _unit(app_ctx, "P-D1")[0], _unit(app_ctx, "P-D2")[0]
    hq = _unit(app_ctx, "HQ-D")[0]
    assert client.post(f"/manage/org/{d2}/move", data={"target": str(d1)}).status_code == 302
    assert _unit(app_ctx, "P-D2")[1] == "P-D1"
    client.post(f"/manage/org/{hq}/move", data={"target": str(d2)})  # under its own descendant: refused
    assert _unit(app_ctx, "HQ-D")[1] is None
    client.post(f"/manage/org/{d1}/active")
    assert _unit(app_ctx, "P-D1")[2] is False
    with app_ctx() as session:
        person = StaffMember(employee_no="M1", name="박이동", org_unit_id=d2)
        session.add(person)
        session.flush()
        pid = person.id
    client.post(f"/manage/org/staff/{pid}/move", data={"target": str(hq)})
    client.post(f"/manage/org/staff/{pid}/active")
    with app_ctx() as session:
        moved = session.get(StaffMember, pid)
        assert moved.org_unit_id == hq and moved.active is False
    page = client.get(f"/manage/org/{hq}").get_data(as_text=True)
    assert "박이동" in page and "사용 안 함" in page


def test_inactive_units_are_not_offered_to_evaluators(app_ctx, make_org, app):
    from survey_app.courtesy.pages import matching_units

    make_org("P-ON", "운영우체국", OrgLevel.OFFICE)
    off = make_org("P-OFF", "폐국우체국", OrgLevel.OFFICE)
    with app_ctx() as session:
        session.get(OrgUnit, off).active = False
    with app_ctx():
        names = [u.name for u in matching_units("우체국", None)]
    assert "운영우체국" in names and "폐국우체국" not in names
