"""Per-office open links made on the staff links page: signed, so their answers count for that office."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from sqlalchemy import select

from survey_app.models import OrgUnit, Response, Survey
from tests.designer_support import staff
from tests.respondent_support import PAGE1, field_wave


def _office(app_ctx, make_org) -> str:
    unit_id = make_org(code="P-OFFICE1", name="시험우체국")
    with app_ctx() as session:
        session.get(OrgUnit, unit_id).region_code = "R-SEOUL"
    return "P-OFFICE1"


def test_the_links_page_makes_a_signed_office_link_that_counts_for_that_office(app, app_ctx, client, make_survey,
                                                                                make_user, make_org):
    wave = field_wave(app_ctx, make_survey)
    office = _office(app_ctx, make_org)
    staff(make_user, app_ctx, client, role="admin")
    page = client.get(f"/manage/distribution/waves/{wave['wave_id']}/links?office={office}")
    assert page.status_code == 200
    links = [html.unescape(link) for link in re.findall(r'<code class="office-link">([^<]+)</code>', page.get_data(as_text=True))]
    assert len(links) == 2 and all("office_code=P-OFFICE1" in link and "sig=" in link for link in links)
    respondent = app.test_client()
    link = urlsplit(links[0])
    assert respondent.get(f"{link.path}?{link.query}").status_code == 303
    assert respondent.post(f"/r/{wave['wave_code']}?p=1", data=PAGE1).status_code == 303
    with app_ctx() as session:
        hidden = session.scalar(select(Response.hidden).where(Response.wave_id == wave["wave_id"]))
    assert hidden == {"office_code": "P-OFFICE1"}  # the survey declares no region field


def test_office_qr_codes_are_served_and_unknown_offices_are_not_found(app_ctx, client, make_survey, make_user,
                                                                       make_org):
    wave = field_wave(app_ctx, make_survey)
    office = _office(app_ctx, make_org)
    staff(make_user, app_ctx, client, role="admin")
    base = f"/manage/distribution/waves/{wave['wave_id']}"
    png = client.get(f"{base}/qr.png?office={office}&kiosk=1")
    assert png.status_code == 200 and png.mimetype == "image/png" and "P-OFFICE1-kiosk" in png.headers["Content-Disposition"]
    assert client.get(f"{base}/qr.svg?office=P-NOWHERE").status_code == 404
    assert client.get(f"{base}/links?office=P-NOWHERE").status_code == 404


def test_a_kiosk_link_made_on_the_page_records_its_office(app, app_ctx, client, make_survey, make_user, make_org):
    """Kiosk answers were all "(미상)": the office's kiosk link puts them on the office, and the kiosk's
    return to the start keeps naming it for the next customer."""
    wave = field_wave(app_ctx, make_survey)
    office = _office(app_ctx, make_org)
    staff(make_user, app_ctx, client, role="admin")
    page = client.get(f"/manage/distribution/waves/{wave['wave_id']}/links?office={office}").get_data(as_text=True)
    assert f"kind=svg&amp;office={office}&amp;kiosk=1" in page or f"office={office}&amp;kiosk=1" in page
    kiosk_link = [html.unescape(link) for link in re.findall(r'<code class="office-link">([^<]+)</code>', page)][1]
    assert "kiosk=1" in kiosk_link
    kiosk = app.test_client()
    link = urlsplit(kiosk_link)
    assert kiosk.get(f"{link.path}?{link.query}").status_code == 303
    assert kiosk.post(f"/r/{wave['wave_code']}?p=1", data=PAGE1).status_code == 303
    with app_ctx() as session:
        found = session.scalar(select(Response).where(Response.wave_id == wave["wave_id"]))
        assert (found.hidden, found.channel) == ({"office_code": "P-OFFICE1"}, "kiosk")


def test_staff_make_links_only_for_offices_in_their_scope(app_ctx, client, make_survey, make_user, make_org):
    """A regional designer sees their region's offices in the list; another region's office is refused
    like an unknown one (no signed link, no QR code)."""
    wave = field_wave(app_ctx, make_survey)
    make_org(code="HQ", name="우정사업본부", level="headquarters")  # a unit without a parent is the whole organisation
    region = make_org(code="R-BUSAN", name="부산지방우정청", level="regional", parent_code="HQ")
    make_org(code="R-SEOUL", name="서울지방우정청", level="regional", parent_code="HQ")
    make_org(code="P-HAEUNDAE", name="해운대우체국", parent_code="R-BUSAN")
    make_org(code="P-GWANGHWAMUN", name="광화문우체국", parent_code="R-SEOUL")
    with app_ctx() as session:
        session.get(Survey, wave["survey_id"]).org_unit_id = region  # the region's own survey
    staff(make_user, app_ctx, client, role="designer", unit_id=region)
    base = f"/manage/distribution/waves/{wave['wave_id']}"
    page = client.get(f"{base}/links").get_data(as_text=True)
    assert "해운대우체국" in page and "광화문우체국" not in page
    assert client.get(f"{base}/links?office=P-HAEUNDAE").status_code == 200
    assert client.get(f"{base}/links?office=P-GWANGHWAMUN").status_code == 404
    assert client.get(f"{base}/qr.png?office=P-GWANGHWAMUN").status_code == 404
