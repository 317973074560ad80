"""Staff pages in a real headless Chromium: a survey with logic built from scratch with the keyboard,
published, answered through its open link and counted; courtesy evaluation on a phone; axe-core
(WCAG 2.1 A/AA) on every staff page type in Korean and English."""
from __future__ import annotations

import itertools
import re

import pytest
from sqlalchemy import select

from survey_app.database import db
from survey_app.models import Response, ResponseStatus, Survey

pytestmark = pytest.mark.browser
PASSWORD = "Woojung2026pass"
_serial = itertools.count(1)


def make_staff(app, role: str = "admin", locale: str = "ko") -> str:
    """A staff account with an organisation-wide role in the live app; returns the username."""
    from survey_app.accounts.operations import create_user, grant_role

    name = f"b{role}{next(_serial)}"
    with app.app_context():
        user = create_user(name, PASSWORD, display_name="브라우저 담당")
        user.locale = locale
        grant_role(user, role, None)
        db.session.commit()
    return name


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def press_enter_on(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/manage/login")
    type_into(page, "#username", username)
    type_into(page, "#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/manage/login" not in page.url, page.inner_text("main")[:500]


def test_build_publish_answer_and_count_with_the_keyboard(live_app, new_page, shoot):
    base = live_app.config["LIVE_URL"]
    page = new_page()
    sign_in(page, base, make_staff(live_app, "designer"))
    press_enter_on(page, "a[href='/manage/surveys/new']")
    tab_to(page, "#start-0")
    page.keyboard.press("ArrowDown")  # 빈 설문에서 시작
    type_into(page, "#code", "KEYBOARD-1")
    type_into(page, "#title", "키보드로 만든 설문")
    press_enter_on(page, "form.form button[type=submit]")
    assert "키보드로 만든 설문" in page.inner_text("h1")

    type_into(page, "#qa-text-S1", "우체국을 방문하셨습니까?")  # type select keeps 단일 선택
    press_enter_on(page, "form.quick-add button")
    tab_to(page, "details.expert-text summary")  # the options as text, for pasting (the rows are the default)
    page.keyboard.press("Enter")
    type_into(page, "#choices", "1 | 예 | Yes\n2 | 아니요 | No")
    press_enter_on(page, "form.question-form button[type=submit]")
    tab_to(page, "#qa-type-S1")
    for _ in range(9):  # single_choice → ... → short_text (10th type)
        page.keyboard.press("ArrowDown")
    type_into(page, "#qa-text-S1", "방문하신 우체국 이름을 적어 주십시오.")
    press_enter_on(page, "form.quick-add button")
    assert "/questions/Q2" in page.url and page.input_value("#type") == "short_text"
    type_into(page, "#show_if", "Q1 == 1")
    press_enter_on(page, "form.question-form button[type=submit]")
    assert "문제가 없습니다" in page.inner_text("main"), page.inner_text("main")[:1500]
    shoot(page, "staff-designer-survey")

    press_enter_on(page, "a[href$='/publish']")
    type_into(page, "#changelog", "첫 게시")
    press_enter_on(page, "form.form button[type=submit]")
    assert "버전 1을 게시했습니다" in page.inner_text("main")
    link = page.get_attribute("a.open-link", "href")

    respondent = new_page(width=360)
    respondent.goto(base + link)
    tab_to(respondent, "a.button.primary")
    with respondent.expect_navigation():
        respondent.keyboard.press("Enter")
    assert respondent.is_hidden("#q-Q2")
    tab_to(respondent, "#f-Q1")
    respondent.keyboard.press("Space")
    assert respondent.is_visible("#q-Q2")  # the logic works in the published survey
    type_into(respondent, "#f-Q2", "대전우체국")
    tab_to(respondent, "button[value=next]")
    with respondent.expect_navigation():
        respondent.keyboard.press("Enter")
    assert "감사합니다" in respondent.content()

    page.reload()
    waves = page.inner_text("#waves")
    assert re.search(r"\b1\b", waves.split("KEYBOARD-1-W1")[1])  # one completed response counted
    with live_app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.code == "KEYBOARD-1"))
        rows = db.session.scalars(select(Response).where(Response.status == ResponseStatus.COMPLETE,
                                                         Response.version_id == survey.versions[0].id)).all()
        assert len(rows) == 1
    tab_to(page, "#waves a[href*='/manage/results/waves/']")  # the wave's results page, by keyboard
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/manage/results/waves/" in page.url
    counts = _responses_table(page)
    assert counts["완료"] == "1" and counts["분석에 쓴 응답"] == "1", counts
    shoot(page, "staff-results-after-answer")


def _responses_table(page) -> dict[str, str]:
    """The results page's response-count table as {column heading: cell}, as the browser shows it."""
    table = page.locator("section[aria-labelledby=summary-h] table").first
    heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    cells = [c.strip() for c in table.locator("tbody td").all_inner_texts()]
    return dict(zip(heads, cells, strict=True))


def _pages(base: str, ids: dict) -> dict[str, str]:
    s, w, r = ids["survey"], ids["wave"], ids["response"]
    return {
        "survey-list": "/manage/", "new-survey": "/manage/surveys/new", "designer": f"/manage/surveys/{s}/",
        "question": f"/manage/surveys/{s}/questions/C4", "section": f"/manage/surveys/{s}/sections/E",
        "settings": f"/manage/surveys/{s}/settings", "source": f"/manage/surveys/{s}/source",
        "library": f"/manage/surveys/{s}/library", "scoring": f"/manage/surveys/{s}/scoring",
        "publish": f"/manage/surveys/{s}/publish", "preview": f"/manage/surveys/{s}/preview?page=2",
        "preview-phone": f"/manage/surveys/{s}/preview?page=3&phone=1", "wave-new": f"/manage/surveys/{s}/waves/new",
        "copy": f"/manage/surveys/{s}/copy", "courtesy": "/manage/courtesy/",
        "courtesy-setup": f"/manage/courtesy/waves/{w}/new?q=우체국", "courtesy-results": f"/manage/courtesy/waves/{w}/results",
        "courtesy-evaluation": f"/manage/courtesy/evaluations/{r}/view",
        "org-units": "/manage/org/", "org-unit": f"/manage/org/{ids['unit']}",
        "results-wave": f"/manage/results/waves/{w}", "results-survey": f"/manage/results/surveys/{s}",
        "results-answers": f"/manage/results/waves/{w}/answers",
        "distribution": "/manage/distribution/", "distribution-plan": f"/manage/distribution/waves/{w}/plan",
        "distribution-links": f"/manage/distribution/waves/{w}/links",
        "distribution-funnel": f"/manage/distribution/waves/{w}/funnel",
        "contacts-import": "/manage/distribution/contacts/import", "contacts": "/manage/contacts/",
        "contact": f"/manage/contacts/{ids['contact']}",
        "admin": "/admin/", "admin-users": "/admin/users", "admin-user": f"/admin/users/{ids['user']}",
        "admin-api-keys": "/admin/api-keys", "admin-audit": "/admin/audit", "admin-access-log": "/admin/access-log",
        "account": "/manage/account/", "account-totp": "/manage/account/totp",
    }


def _courtesy_fixture(app) -> dict:
    from questionnaires import load_template
    from survey_app.designer.operations import create_wave
    from survey_app.models import OrgLevel, OrgUnit, StaffMember, utcnow

    n = next(_serial)
    with app.app_context():
        unit = OrgUnit(code=f"P-AXE{n}", name="접근성우체국", level=OrgLevel.OFFICE)
        db.session.add(unit)
        db.session.flush()
        db.session.add(StaffMember(employee_no=f"AXE{n}", name="김접근", org_unit_id=unit.id))
        definition = load_template("staff_courtesy").to_dict()
        survey = Survey(code=f"AXE-{n}", title="친절도 접근성", kind="staff_courtesy", draft_definition=definition)
        db.session.add(survey)
        version = survey.publish(definition)
        db.session.flush()
        wave = create_wave(survey, version, "접근성 차수")
        response = Response(wave_id=wave.id, version_id=version.id, started_at=utcnow(), status="complete",
                            channel="counter", subject_org_unit_id=unit.id, hidden={"visited_at": "2026-01-15T10:30"})
        db.session.add(response)
        db.session.commit()
        return {"survey": survey.id, "wave": wave.id, "response": response.id, "unit": unit.id}


def _user_id(app, username: str) -> int:
    from survey_app.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _contact_id(app, unit_id: int) -> int:
    from survey_app.models import Contact

    with app.app_context():
        contact = Contact(attributes={"region": "R-DAEJEON"}, consent=True, org_unit_id=unit_id, source="axe")
        db.session.add(contact)
        db.session.commit()
        return contact.id


def _admin_over_every_page(live_app, page, locale: str = "ko", before_sign_in=None) -> dict[str, str]:
    """An admin (in ``locale``) signed in on ``page`` over the courtesy fixture; every staff page type's
    address by name. ``before_sign_in(page)`` runs on the sign-in page first."""
    base = live_app.config["LIVE_URL"]
    ids = _courtesy_fixture(live_app)
    username = make_staff(live_app, "admin", locale)
    ids["user"], ids["contact"] = _user_id(live_app, username), _contact_id(live_app, ids["unit"])
    if before_sign_in is not None:
        page.goto(f"{base}/manage/login")
        before_sign_in(page)
    sign_in(page, base, username)
    return {name: base + path for name, path in _pages(base, ids).items()}


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_every_staff_page_type_passes_axe(live_app, new_page, axe_check, shoot, locale):
    page = new_page()

    def sign_in_page_passes(login_page) -> None:
        assert axe_check(login_page) == [], "sign-in page"

    failures = {}
    for name, url in _admin_over_every_page(live_app, page, locale, sign_in_page_passes).items():
        answer = page.goto(url)
        assert answer.status == 200 and page.query_selector("h1") is not None, f"{name}: {page.inner_text('body')[:300]}"
        violations = axe_check(page)
        if violations:
            failures[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        if locale == "ko" and name in ("designer", "question", "courtesy-results", "preview-phone"):
            shoot(page, f"staff-{name}")
    assert failures == {}


def test_courtesy_checklist_on_a_phone(live_app, new_page, axe_check, shoot):
    base = live_app.config["LIVE_URL"]
    ids = _courtesy_fixture(live_app)
    page = new_page(width=360)
    sign_in(page, base, make_staff(live_app, "evaluator"))
    page.goto(f"{base}/manage/courtesy/waves/{ids['wave']}/new?q=접근성")
    page.select_option("#org_unit", label=page.inner_text("#org_unit option:nth-child(2)"))
    page.check("#channel-1")
    page.fill("#visited_at", "2026-01-15T14:00")
    with page.expect_navigation():
        page.click("form.form button.primary")
    assert "P1_1" in page.content() and "C1_1" not in page.content()
    assert axe_check(page) == []
    shoot(page, "staff-courtesy-checklist")
    for radio in page.query_selector_all("input[type=radio][value='4']"):
        radio.check()
    page.fill("#f-E5", "20")
    page.fill("#f-P6", "친절했습니다")
    with page.expect_navigation():
        page.click("button[value=next]")
    assert "평가를 제출했습니다" in page.inner_text("main")


REACHABLE = """() => {
  const sel = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]),'
            + ' textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  const seen = new Set();
  return [...document.querySelectorAll(sel)].filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
      && !el.closest('details:not([open]) > :not(summary)') && el.tabIndex >= 0).map((el, i) => {
    el.dataset.kbd = el.type === 'radio' && el.name ? 'radio:' + el.name : 'el' + i;
    return el.dataset.kbd;
  }).filter(key => !seen.has(key) && seen.add(key));
}"""


def _tab_through(page, wanted: list[str]) -> set[str]:
    """Press Tab through the page once; the ``data-kbd`` keys that took the focus."""
    reached = set()
    for _ in range(len(wanted) + 40):
        page.keyboard.press("Tab")
        key = page.evaluate("() => document.activeElement && document.activeElement.dataset.kbd")
        if key:
            reached.add(key)
        if reached >= set(wanted):
            break
    return reached


def test_every_staff_page_type_works_with_the_keyboard(live_app, new_page):
    """Every link, button and field of each staff page takes the focus with Tab alone (no traps, no mouse-only controls)."""
    page = new_page()
    missed = {}
    for name, url in _admin_over_every_page(live_app, page).items():
        page.goto(url)
        wanted = page.evaluate(REACHABLE)
        assert len(wanted) > 3, name  # at least the navigation
        reached = _tab_through(page, wanted)
        if set(wanted) - reached:
            missed[name] = page.evaluate("keys => keys.map(k => document.querySelector(`[data-kbd='${k}']`).outerHTML"
                                         ".slice(0, 120))", sorted(set(wanted) - reached))
    assert missed == {}


def test_every_staff_page_fits_a_phone_without_sideways_scrolling(live_app, new_page):
    """At 360 px the page itself never scrolls sideways: a wide table scrolls in its own labelled,
    focusable region (WCAG 1.4.10 reflow; axe's scrollable-region-focusable)."""
    page = new_page(width=360)
    too_wide = {}
    for name, url in _admin_over_every_page(live_app, page).items():
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[name] = overflow
        for table in page.query_selector_all("table.table"):
            region = table.evaluate("t => t.parentElement.matches('.scroll[role=region][tabindex=\"0\"][aria-label]')")
            assert region, f"{name}: a table outside a scrolling region"
    assert too_wide == {}
