"""Staff-page translations: every message of the designer, courtesy and org pages has English text,
and the committed ``.mo`` is the compiled form of the ``.po`` (no manual compile step anywhere)."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "survey_app" / "translations" / "en" / "LC_MESSAGES"


def _extracted() -> set[str]:
    method_map, options = [], {}
    for line in (ROOT / "survey_app" / "translations" / "babel.cfg").read_text().splitlines():
        if line.startswith("["):
            method, _sep, pattern = line.strip("[]").partition(": ")
            method_map.append((pattern, method))
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options, keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_staff_message_has_an_english_translation():
    catalogue = read_po((CATALOGUE / "messages.po").open("rb"))
    translated = {m.id for m in catalogue if m.id and m.string}
    missing = sorted(_extracted() - translated)
    assert missing == [], f"add English for these to messages.po (and recompile the .mo): {missing[:20]}"


def test_compiled_catalogue_matches_the_po_file():
    catalogue = read_po((CATALOGUE / "messages.po").open("rb"))
    compiled = read_mo((CATALOGUE / "messages.mo").open("rb"))
    expected = {m.id: m.string for m in catalogue if m.id}
    assert {m.id: m.string for m in compiled if m.id} == expected
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    assert buffer.getvalue() == (CATALOGUE / "messages.mo").read_bytes()


def test_korean_is_the_default_and_respondent_pages_stay_korean(client, db, make_user, app_ctx):
    from tests.designer_support import staff

    user_id = staff(make_user, app_ctx, client)
    from survey_app.models import User
    with app_ctx() as session:
        session.get(User, user_id).locale = "en"
    assert "New survey" in client.get("/manage/surveys/new").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert '<html lang="ko"' in home


def _admin_in(locale: str, client, make_user, app_ctx) -> None:
    from survey_app.models import User
    from tests.designer_support import staff

    user_id = staff(make_user, app_ctx, client, role="admin")
    with app_ctx() as session:
        session.get(User, user_id).locale = locale


STAFF_PAGES = {  # page -> (Korean heading, English heading)
    "/manage/distribution/": ("<h1>설문 발송</h1>", "<h1>Distribution</h1>"),
    "/admin/users": ("<h1>사용자와 역할</h1>", "<h1>Users and roles</h1>"),
    "/manage/account/": ("<h1>내 계정</h1>", "<h1>My account</h1>"),
    "/manage/contacts/": ("<h1>고객 연락처</h1>", "<h1>Contacts</h1>"),
    "/admin/": ("<h1>관리</h1>", "<h1>Administration</h1>"),
}


def test_account_admin_contacts_and_distribution_pages_follow_the_users_language(client, db, make_user, app_ctx):
    _admin_in("en", client, make_user, app_ctx)
    for path, (korean, english) in STAFF_PAGES.items():
        html = client.get(path).get_data(as_text=True)
        assert english in html and korean not in html, path
        assert '<html lang="en"' in html and 'lang="en" class="en"' not in html, path
    answer = client.post("/manage/account/password", data={"current": "x", "new": "", "confirm": ""})
    assert "Please enter a new password." in answer.get_data(as_text=True)
    missing = client.get("/manage/no-such-page").get_data(as_text=True)
    assert "Page not found" in missing and "페이지를 찾을 수 없습니다" not in missing


def test_staff_pages_are_korean_by_default_and_respondents_see_korean_errors(client, db, make_user, app_ctx):
    _admin_in("ko", client, make_user, app_ctx)
    for path, (korean, english) in STAFF_PAGES.items():
        html = client.get(path).get_data(as_text=True)
        assert korean in html and english not in html, path
        assert '<html lang="ko"' in html, path
    missing = client.get("/no-such-page").get_data(as_text=True)
    assert "페이지를 찾을 수 없습니다" in missing and "Page not found" not in missing


def test_results_pages_follow_the_users_language(app_ctx, client, db, make_user, make_survey, make_org):
    from survey_app.models import User
    from tests.test_results_support import seed_hand_wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _admin_in("en", client, make_user, app_ctx)
    wave = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    assert "<h2 id=\"summary-h\">Summary</h2>" in wave and "Dimension scores" in wave and "61.2" in wave
    assert "요약" not in wave and '<html lang="en"' in wave
    assert any(f"<td>{name}</td>" in wave for name in ("Keep up the good work", "Concentrate here", "Low priority",
                                                      "Possible overkill", "Undecided"))  # the drivers' quadrants
    assert re.search(r'<td class="num">-?\d+\.\d to -?\d+\.\d</td>', wave)  # intervals: "68.3 to 70.5"
    survey = client.get(f"/manage/results/surveys/{ids['survey_id']}").get_data(as_text=True)
    assert "Results by wave" in survey and "차수별 결과" not in survey
    with app_ctx() as session:
        for user in session.query(User).filter(User.locale == "en"):
            user.locale = "ko"
    korean = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    assert "<h2 id=\"summary-h\">요약</h2>" in korean and "Summary" not in korean
    assert re.search(r'<td class="num">-?\d+\.\d ~ -?\d+\.\d</td>', korean) and " to " not in korean


def _english_user_signed_in(client, make_user, app_ctx) -> int:
    from survey_app.models import User
    from tests.designer_support import staff

    user_id = staff(make_user, app_ctx, client)
    with app_ctx() as session:
        session.get(User, user_id).locale = "en"
    return user_id


def test_sign_in_page_is_korean_by_default(client, db):
    html = client.get("/manage/login").get_data(as_text=True)
    assert '<html lang="ko"' in html and "<h1>직원 로그인</h1>" in html
    assert '<label for="username">아이디</label>' in html and '<label for="password">비밀번호</label>' in html
    assert "문의: 우편고객센터 1588-1300" in html and "본문 바로가기" in html
    assert "Username" not in html and "Password" not in html and "Questions:" not in html
    failed = client.post("/manage/login", data={"username": "nobody", "password": "wrong-password-1"})
    assert "아이디 또는 비밀번호가 맞지 않습니다." in failed.get_data(as_text=True)
    assert "Wrong username" not in failed.get_data(as_text=True)
    asked = client.get("/manage/", follow_redirects=True).get_data(as_text=True)
    assert "로그인이 필요합니다." in asked and "Please sign in" not in asked


def test_sign_in_page_is_english_after_an_english_speaking_user_signs_out(client, db, make_user, app_ctx):
    _english_user_signed_in(client, make_user, app_ctx)
    assert client.post("/manage/logout").status_code == 302
    html = client.get("/manage/login").get_data(as_text=True)
    assert '<html lang="en"' in html and "<h1>Staff sign-in</h1>" in html and "You have signed out." in html
    assert '<label for="username">Username</label>' in html and '<label for="password">Password</label>' in html
    assert "Questions: Postal Contact Center 1588-1300" in html and "Skip to main content" in html
    assert "아이디" not in html and "비밀번호" not in html and "문의:" not in html and "로그아웃되었습니다" not in html
    failed = client.post("/manage/login", data={"username": "nobody", "password": ""})
    assert "Please enter your password." in failed.get_data(as_text=True)
    assert client.get("/").get_data(as_text=True).count("문의: 우편고객센터 1588-1300") == 1  # respondents: Korean


def test_an_english_speaking_users_timed_out_session_says_so_in_english(client, db, make_user, app_ctx):
    from sqlalchemy import update

    from survey_app.models import StaffSession, utcnow

    user_id = _english_user_signed_in(client, make_user, app_ctx)
    with app_ctx() as session:
        session.execute(update(StaffSession).where(StaffSession.user_id == user_id)
                        .values(last_seen_at=utcnow() - timedelta(hours=2)))
    html = client.get("/manage/", follow_redirects=True).get_data(as_text=True)
    assert "You were signed out after a long time without activity." in html and "Username" in html
    assert "Please sign in." in html and "오랫동안" not in html and "로그인이 필요합니다" not in html


def test_chart_descriptions_and_quadrant_names_follow_the_page_language(app):
    from survey_app.results import charts
    from survey_app.results.quadrants import quadrant_name

    bars = [charts.Bar("친절", 72.25, 70.0, 74.5)]
    with app.test_request_context("/manage/results/"):
        korean = str(charts.score_bars("c", "차원별 점수", bars))
        assert "친절 72.2점 (95% 신뢰구간 70.0 ~ 74.5)" in korean and quadrant_name(True, False) == "집중 개선"
        assert "자료가 없습니다." in str(charts.trend_line("t", "추이", []))
    with app.test_request_context("/manage/results/"), force_locale("en"):
        english = str(charts.score_bars("c", "Dimension scores", bars))
        assert "친절 72.2 points (95% confidence interval 70.0 to 74.5)" in english and "신뢰구간" not in english
        assert quadrant_name(True, False) == "Concentrate here" and quadrant_name(True, True) == "Keep up the good work"


def test_the_sign_in_page_switches_language_before_anyone_signs_in(client, db):
    korean = client.get("/manage/login?next=/manage/surveys").get_data(as_text=True)
    assert '<html lang="ko"' in korean and 'href="/manage/login?lang=en&amp;next=/manage/surveys"' in korean
    english = client.get("/manage/login?lang=en&next=/manage/surveys").get_data(as_text=True)
    assert '<html lang="en"' in english and "<h1>Staff sign-in</h1>" in english and '>한국어</a>' in english
    assert "<h1>Staff sign-in</h1>" in client.get("/manage/login").get_data(as_text=True)  # kept in the session
    failed = client.post("/manage/login", data={"username": "nobody", "password": ""}).get_data(as_text=True)
    assert "Please enter your password." in failed
    back = client.get("/manage/login?lang=ko").get_data(as_text=True)
    assert "<h1>직원 로그인</h1>" in back and client.get("/manage/login?lang=xx").status_code == 200
    assert '<html lang="ko"' in client.get("/manage/login?lang=xx").get_data(as_text=True)


def test_distribution_names_wave_states_in_the_readers_words(client, db, make_user, app_ctx, make_survey):
    make_survey(code="STATE-WORDS")
    _admin_in("ko", client, make_user, app_ctx)
    korean = client.get("/manage/distribution/").get_data(as_text=True)
    assert "<td>진행 중</td>" in korean and "<td>open</td>" not in korean
    _admin_in("en", client, make_user, app_ctx)
    assert "<td>Open</td>" in client.get("/manage/distribution/").get_data(as_text=True)


def test_roles_levels_and_methods_are_named_not_coded(app_ctx, client, db, make_user, make_survey, make_org):
    from tests.test_results_support import seed_hand_wave

    ids = seed_hand_wave(app_ctx, make_survey, make_org)
    _admin_in("ko", client, make_user, app_ctx)
    wave = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    account = client.get("/manage/account/").get_data(as_text=True)
    units = client.get("/manage/org/").get_data(as_text=True)
    assert "<td>100점 환산 평균</td>" in wave and "<td>mean100</td>" not in wave
    assert "<li>관리자 —" in account and "<td>우체국</td>" in units and "<td>office</td>" not in units
    _admin_in("en", client, make_user, app_ctx)
    wave = client.get(f"/manage/results/waves/{ids['wave_id']}").get_data(as_text=True)
    assert "<td>Mean on a 100-point scale</td>" in wave and "<li>Administrator —" in client.get(
        "/manage/account/").get_data(as_text=True)


def test_every_audited_action_is_named_on_the_audit_page(client, db, make_user, app_ctx):
    """Each action the code records has a name (read from the source, so a new one without a name fails
    here); the audit page shows the name alone (no stored code), in the reader's language."""
    from survey_app.web.labels import AUDIT_ACTION_NAMES

    recorded = set()
    for path in (ROOT / "survey_app").rglob("*.py"):
        for call in re.findall(r"\brecord\(([^)]*)", path.read_text(encoding="utf-8")):
            recorded.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', call.split(",")[0]))
    assert len(recorded) > 30 and recorded - set(AUDIT_ACTION_NAMES) == set()
    _admin_in("ko", client, make_user, app_ctx)  # signing in records user.login
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "<td>로그인</td>" in page and "user.login" not in page
    _admin_in("en", client, make_user, app_ctx)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "<td>Sign in</td>" in page and "user.login" not in page
