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
    assert "<td>과정품질</td>" in html and "<td>process</td>" not in html  # item rows name their dimension
    assert "가우체국" in html and "나우체국" in html  # segment rows by office name
    assert '<th scope="row">문자</th>' in html and '<th scope="row">이메일</th>' in html and ">sms<" not in html  # channels by name
    assert re.search(r'<svg class="chart" id="dimension-chart" role="img"[^>]*aria-labelledby="dimension-chart-title '
                     r'dimension-chart-desc"', html)
    assert '<desc id="dimension-chart-desc">과정품질 56.2점' in html
    assert "style=" not in html and "<script" not in html  # the CSP forbids inline styles and scripts
    assert re.search(r"계산 시각 \d{4}\. \d{1,2}\. \d{1,2}\. 오[전후] \d{1,2}:\d{2}:\d{2}\.", html)  # local time, not ISO UTC
    assert "results.css" in html
    # Four respondents cannot separate the dimensions: the page says so and names no highest/lowest.
    finding = html.split('id="dimension-finding"', 1)[1].split("</p>", 1)[0]
    assert "차원 사이의 점수 차이는 통계적으로 유의하지 않습니다" in finding and "대응 t 검정" in finding
    assert "가장 낮은 차원" not in html
    if "result_exports.workbook" in client.application.view_functions:  # the Excel download, when installed
        assert f"/manage/results/waves/{ids['wave_id']}/workbook.xlsx" in html


def test_survey_page_lists_waves_and_the_staff_home_links_to_it(app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "exec_all", "executive", None)
    _login(client, "exec_all")
    home = client.get("/manage/").get_data(as_text=True)
    assert f"/manage/results/surveys/{ids['survey_id']}" in home
    trimmed = client.get("/manage/results/")  # a trimmed address lands on that list, not a 404
    assert trimmed.status_code == 302 and trimmed.headers["Location"].endswith("/manage/")
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


def _office_a_analyst(app_ctx, client, make_user, make_survey, make_org, username: str) -> dict:
    """The hand wave, and ``username`` signed in as an analyst of office P-A only."""
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, username, "analyst", ids["units"]["P-A"])
    _login(client, username)
    return ids


def test_a_limited_viewer_of_a_nationwide_survey_sees_their_offices_only(app_ctx, client, make_user, make_survey,
                                                                         make_org):
    ids = _office_a_analyst(app_ctx, client, make_user, make_survey, make_org, "analyst_a")
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
    from survey_app.results import stored

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "analyst_c", "analyst", None)
    _login(client, "analyst_c")

    def refuse(*_args, **_kwargs):
        raise ValueError("weights must be non-negative")

    monkeypatch.setattr(stored, "wave_result", refuse)
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


_TABLE = re.compile(r"<table[^>]*>\s*<caption>(?P<caption>.*?)</caption>(?P<body>.*?)</table>", re.S)
_ROW = re.compile(r'<tr><th scope="row">(?P<label>[^<]*)</th><td class="num">(?P<count>[\d,]+)</td>'
                  r'<td class="num">(?P<percent>[\d.,–]+)</td></tr>')


def _answer_tables(html: str) -> dict[str, dict[str, tuple[int, str]]]:
    """Question code → {choice label: (count, percent text)} of the tables' body rows."""
    tables = {}
    for table in _TABLE.finditer(html):
        body = table["body"].split("<tfoot>")[0]
        code = table["caption"].split()[0]
        tables[code] = {r["label"]: (int(r["count"].replace(",", "")), r["percent"]) for r in _ROW.finditer(body)}
    return tables


def _stored_counts(app_ctx, wave_id: int, response_ids=None) -> dict[str, dict[str, int]]:
    """Question code → {stored choice: count} over the wave's complete responses, straight from the answers."""
    from collections import Counter, defaultdict

    from sqlalchemy import select

    from survey_app.models import Answer, Response

    counts: dict[str, Counter] = defaultdict(Counter)
    with app_ctx() as session:
        rows = session.execute(select(Answer.question_code, Answer.choice, Response.id).join(Response).where(
            Response.wave_id == wave_id, Response.status == "complete", Answer.choice.is_not(None))).all()
    for code, choice, response_id in rows:
        if response_ids is None or response_id in response_ids:
            counts[code][choice] += 1
    return counts


def test_answers_page_shows_counts_and_percents_per_choice_equal_to_the_database(
        app_ctx, client, make_user, make_survey, make_org):
    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "analyst_freq", "analyst", None)
    _login(client, "analyst_freq")
    url = f"/manage/results/waves/{ids['wave_id']}/answers"
    assert f'href="{url}"' in client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<th scope=\"col\">보기</th>" in html
    tables = _answer_tables(html)
    assert sorted(tables) == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"]  # closed questions; Q8 is open text
    stored = _stored_counts(app_ctx, ids["wave_id"])
    value = {"30대 이하": "1", "40대 이상": "2"}
    for code, rows in tables.items():
        shown = {value.get(label, label.split()[0]): count for label, (count, _pct) in rows.items() if count}
        assert shown == dict(stored[code]), code
    # by hand: Q7 was answered by three of the four complete responses; the partial response's Q1=1 is not counted
    assert tables["Q7"] == {"30대 이하": (2, "66.7"), "40대 이상": (1, "33.3")}
    assert tables["Q1"]["1 (전혀 아니다)"] == (0, "0.0") and tables["Q1"]["5 (매우 그렇다)"] == (1, "25.0")
    assert tables["Q2"]["9 (모름/해당없음)"] == (1, "25.0")
    assert list(tables["Q6"]) == [str(v) for v in range(11)]  # every NPS point in order, unanswered ones at 0
    assert "style=" not in html and "<script" not in html


def test_answers_page_of_a_limited_viewer_counts_their_offices_only(app_ctx, client, make_user, make_survey,
                                                                  make_org):
    ids = _office_a_analyst(app_ctx, client, make_user, make_survey, make_org, "analyst_freq_a")
    html = client.get(f"/manage/results/waves/{ids['wave_id']}/answers").get_data(as_text=True)
    assert "조회 범위에 속한 조직의 응답만" in html
    tables = _answer_tables(html)
    stored = _stored_counts(app_ctx, ids["wave_id"], set(ids["response_ids"][:2]))  # the two P-A responses
    assert {label: count for label, (count, _pct) in tables["Q7"].items()} == {"30대 이하": 1, "40대 이상": 1}
    assert sum(count for count, _pct in tables["Q1"].values()) == sum(stored["Q1"].values()) == 2


def test_answers_page_in_english_and_refused_without_the_permission(app_ctx, client, make_user, make_survey,
                                                                    make_org):
    from survey_app.models import User

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _staff(app_ctx, make_user, "evaluator_freq", "evaluator", None)
    _login(client, "evaluator_freq")
    assert client.get(f"/manage/results/waves/{ids['wave_id']}/answers").status_code == 403
    client.post("/manage/logout")
    _staff(app_ctx, make_user, "analyst_freq_en", "analyst", None)
    with app_ctx() as session:
        session.query(User).filter_by(username="analyst_freq_en").one().locale = "en"
    _login(client, "analyst_freq_en")
    html = client.get(f"/manage/results/waves/{ids['wave_id']}/answers").get_data(as_text=True)
    assert "answers by question" in html and "Share (%)" in html and "Respondents" in html


def test_response_rate_counts_invited_respondents_and_names_the_open_link_ones(app_ctx, client, make_user,
                                                                                 make_survey, make_org):
    from survey_app.models import Wave
    from tests.test_results_support import add_response

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    with app_ctx() as session:
        for _ in range(3):
            add_response(session, session.get(Wave, ids["wave_id"]), {"Q1": 4}, hidden={"office_code": "P-A"})
    _staff(app_ctx, make_user, "rate_reader", "analyst", None)
    _login(client, "rate_reader")
    html = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    assert "초대 6명 중 완료 4명" in html and "공개 링크·키오스크 완료 3명은 응답률에 넣지 않았습니다." in html
    assert '<dd class="big">66.7<span class="unit">%</span>' in html  # 4 of 6, not 7 of 6


def test_p_values_below_a_thousandth_read_as_such():
    """Tables print p-values with three decimals; below 0.0005 that would be "0.000", which reads as
    impossible, so it is "< 0.001" (the page, the e-mail and the CLI share the function)."""
    from survey_app.results.text import p_value

    assert [p_value(v) for v in (0.0001, 0.0004999, 0.0005, 0.0123, 1.0)] == [
        "< 0.001", "< 0.001", "0.001", "0.012", "1.000"]
    assert p_value(None) == p_value(float("nan")) == "–"
