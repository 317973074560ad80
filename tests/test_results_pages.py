"""Staff results pages: the numbers, charts with text alternatives, and who may see them."""
from __future__ import annotations

import re

from tests.test_results_support import SMALL, seed_hand_wave

PASSWORD = "Results2026pass"


def _staff(app_ctx, make_user, username: str, role: str | None, unit_id: int | None) -> None:
    from survey_app.accounts.operations import grant_role
    from survey_app.models import User

    user_id, _ = make_user(username, PASSWORD)
    if role is not None:
        with app_ctx() as session:
            grant_role(session.get(User, user_id), role, unit_id)


def _login(client, username: str) -> None:
    answer = client.post("/manage/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]


def test_wave_page_shows_the_numbers_and_accessible_charts(app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "analyst_all", "analyst", None)
    _login(client, "analyst_all")
    page = client.get(f"/manage/results/waves/{ids['wave_id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "61.2" in html  # the headline (종합 지수), 61.25
    assert "66.7" in html  # response rate 4 of 6 invitations
    assert "56.2" in html and "과정품질" in html  # dimension score 56.25
    assert "가우체국" in html and "나우체국" in html  # segment rows by office name
    assert re.search(r'<svg class="chart" id="dimension-chart" role="img"[^>]*aria-labelledby="dimension-chart-title '
                     r'dimension-chart-desc"', html)
    assert '<desc id="dimension-chart-desc">과정품질 56.2점' in html
    assert "style=" not in html and "<script" not in html  # the CSP forbids inline styles and scripts
    assert "results.css" in html
    if "result_exports.workbook" in client.application.view_functions:  # the Excel download, when installed
        assert f"/manage/results/waves/{ids['wave_id']}/workbook.xlsx" in html


def test_survey_page_lists_waves_and_the_staff_home_links_to_it(app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "exec_all", "executive", None)
    _login(client, "exec_all")
    home = client.get("/manage/").get_data(as_text=True)
    assert f"/manage/results/surveys/{ids['survey_id']}" in home
    page = client.get(f"/manage/results/surveys/{ids['survey_id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"/manage/results/waves/{ids['wave_id']}" in html and "61.2" in html
    assert 'id="trend-chart" role="img"' in html


def test_results_are_refused_without_the_permission(app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "evaluator1", "evaluator", None)
    _login(client, "evaluator1")
    assert client.get(f"/manage/results/waves/{ids['wave_id']}").status_code == 403
    assert client.get(f"/manage/results/surveys/{ids['survey_id']}").status_code == 403


def test_results_of_another_units_survey_are_refused(app_ctx, client, make_user, make_survey, make_org):
    from survey_app.models import OrgLevel

    make_org("HQ-RES", "본부", OrgLevel.HEADQUARTERS)  # a unit with no parent is the whole organisation
    mine = make_org("R-MINE", "내지방청", OrgLevel.REGIONAL, "HQ-RES")
    theirs = make_org("R-THEIRS", "남의지방청", OrgLevel.REGIONAL, "HQ-RES")
    ids = make_survey(SMALL.to_dict(), org_unit_id=theirs)
    _staff(app_ctx, make_user, "analyst_mine", "analyst", mine)
    _login(client, "analyst_mine")
    assert client.get(f"/manage/results/waves/{ids['wave_id']}").status_code == 403
    assert client.get(f"/manage/results/surveys/{ids['survey_id']}").status_code == 403
    assert client.get("/manage/results/waves/987654").status_code == 404


def test_a_limited_viewer_of_a_nationwide_survey_sees_their_offices_only(app_ctx, client, make_user, make_survey,
                                                                         make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "analyst_a", "analyst", ids["units"]["P-A"])
    _login(client, "analyst_a")
    html = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    assert "조회 범위(P-A)" in html
    assert "나우체국" not in html  # the other office's numbers are not shown
    assert "61.2" not in html  # nor the nationwide headline


def test_an_unreadable_questionnaire_gets_a_plain_message(app_ctx, client, make_user, make_survey):
    ids = make_survey({"code": "BROKEN", "sections": []})
    _staff(app_ctx, make_user, "analyst_b", "analyst", None)
    _login(client, "analyst_b")
    page = client.get(f"/manage/results/waves/{ids['wave_id']}")
    assert page.status_code == 200 and "설문지를 읽을 수 없어" in page.get_data(as_text=True)


def test_results_the_statistics_refuse_get_a_plain_message(app_ctx, client, make_user, make_survey, make_org,
                                                            monkeypatch):
    from survey_app.results import views

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "analyst_c", "analyst", None)
    _login(client, "analyst_c")

    def refuse(*_args, **_kwargs):
        raise ValueError("weights must be non-negative")

    monkeypatch.setattr(views, "wave_result", refuse)
    page = client.get(f"/manage/results/waves/{ids['wave_id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "결과를 계산할 수 없었습니다" in html and "non-negative" not in html


def _unmasked_link(html: str) -> str | None:
    found = re.search(r'<a class="button" href="([^"]*/workbook-unmasked)">', html)
    return found.group(1) if found else None


def test_the_unmasked_workbook_link_is_shown_only_to_who_may_unmask_and_asks_a_purpose(
        app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "analyst_masked", "analyst", None)
    _login(client, "analyst_masked")
    html = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    assert "엑셀 보고서 내려받기" in html and _unmasked_link(html) is None
    assert "가리지 않은 엑셀 보고서" not in html
    client.post("/manage/logout")

    _staff(app_ctx, make_user, "admin_unmasks", "admin", None)
    _login(client, "admin_unmasks")
    html = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    link = _unmasked_link(html)
    assert link == f"/manage/results/waves/{ids['wave_id']}/workbook-unmasked"
    form = client.get(link)
    assert form.status_code == 200 and "열람 목적" in form.get_data(as_text=True)
    download = client.post(link, data={"purpose": "민원 회신 연락"})
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    assert "_%EA%B2%B0%EA%B3%BC%EB%B3%B4%EA%B3%A0%EC%84%9C_%EC%9B%90%EB%AC%B8.xlsx" in download.headers[
        "Content-Disposition"]  # …_결과보고서_원문.xlsx
