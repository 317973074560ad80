"""Penetration-test finding: contact import ignored the importer's scope (rows landed in another region or
in no unit) and its duplicate message told whether a phone number existed anywhere in the organisation."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from survey_app.models import Contact, OrgLevel
from tests.designer_support import staff
from tests.distribution_support import HEADER


def _row(name, phone, office):
    return f"{name},{phone},,,{office},등기,개인,40대,Y"


@pytest.fixture
def seoul_designer(client, make_user, app_ctx, make_org):
    """A designer of 서울청, signed in; 부산 and 서울 each hold one contact already. Returns unit ids."""
    from survey_app.privacy.contacts import add_contact

    make_org("HQ-C", "우정사업본부", OrgLevel.HEADQUARTERS)
    units = {"R-SE-C": make_org("R-SE-C", "서울청", OrgLevel.REGIONAL, "HQ-C")}
    units["P-SE-C"] = make_org("P-SE-C", "종로우체국", OrgLevel.OFFICE, "R-SE-C")
    units["R-BU-C"] = make_org("R-BU-C", "부산청", OrgLevel.REGIONAL, "HQ-C")
    units["P-BU-C"] = make_org("P-BU-C", "해운대우체국", OrgLevel.OFFICE, "R-BU-C")
    with app_ctx():
        add_contact(name="부산고객", phone="010-7777-0001", org_unit_id=units["P-BU-C"], consent=True)
        add_contact(name="서울고객", phone="010-7777-0002", org_unit_id=units["P-SE-C"], consent=True)
    staff(make_user, app_ctx, client, role="designer", unit_id=units["R-SE-C"])
    return units


def _upload(client, rows):
    data = (HEADER + "\n".join(rows) + "\n").encode("utf-8")
    return client.post("/manage/distribution/contacts/import", data={"file": (io.BytesIO(data), "list.csv")},
                       content_type="multipart/form-data")


def test_a_regional_importer_adds_contacts_only_to_its_own_units(client, app_ctx, seoul_designer):
    page = _upload(client, [_row("타지역", "010-7777-1001", "P-BU-C"), _row("무소속", "010-7777-1002", ""),
                            _row("서울신규", "010-7777-1003", "P-SE-C")])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "오류 2행" in html
    assert "관리 권한이 없는 우체국" in html and "P-BU-C" in html and "우체국 코드가 없습니다" in html
    action = re.search(r'action="(/manage/distribution/contacts/import/[0-9a-f]+)"', html).group(1)
    assert client.post(action, data={"skip_invalid": "y"}).status_code == 302
    with app_ctx() as session:
        units = session.scalars(select(Contact.org_unit_id).where(Contact.source == "list.csv")).all()
    assert units == [seoul_designer["P-SE-C"]]


def test_duplicates_are_reported_only_among_contacts_the_importer_may_see(client, app_ctx, seoul_designer):
    page = _upload(client, [_row("부산에도있음", "010-7777-0001", "P-SE-C"), _row("서울에있음", "010-7777-0002", "P-SE-C")])
    html = page.get_data(as_text=True)
    assert html.count("이미 등록된 연락처입니다") == 1 and "오류 1행" in html  # only the Seoul one
    action = re.search(r'action="(/manage/distribution/contacts/import/[0-9a-f]+)"', html).group(1)
    assert client.post(action, data={"skip_invalid": "y"}).status_code == 302
    with app_ctx() as session:
        units = session.scalars(select(Contact.org_unit_id).where(Contact.source == "list.csv")).all()
    assert units == [seoul_designer["P-SE-C"]]  # kept as a contact of the importer's own office
