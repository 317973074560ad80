"""The customer import as a CS staff member meets it, in a real headless Chromium: a CP949 customer file with
two bad rows → the report names both (row and column) and nothing is imported → the fixed file → imported →
the customer's page → unmasked with a purpose → the access log shows the unmasking. axe-core on the upload
and report pages."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from survey_app.database import db
from tests.browser.test_staff_browser import make_staff, sign_in
from tests.customer_import_support import CUSTOMER_HEADER

pytestmark = pytest.mark.browser
_serial = itertools.count(1)


def _rows(prefix: str) -> list[str]:
    return [f"{prefix}1,개인,김우편,010-3456-0001,kim@example.kr,서울특별시 종로구 세종대로 1,1961,여,,2021-03-02,동의,미동의",
            f"{prefix}2,개인,이소포,010-3456-0002,lee@example.kr,부산광역시 중구 중앙대로 2,1975,남,,2022.07.15,동의,동의",
            f"{prefix}3,법인,바다수산,010-3456-0003,sea@example.kr,제주특별자치도 제주시 1,,,,20230105,동의,미동의"]


def _upload(page, base: str, path, *, axe_check=None) -> str:
    page.goto(f"{base}/manage/customers/import/")
    if axe_check is not None:
        assert axe_check(page) == []
    page.get_by_label("자료 종류").select_option("customers")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="검사하기").click()
    return page.inner_text("main")


def test_fix_two_bad_rows_import_open_the_customer_and_unmask(live_app, new_page, axe_check, tmp_path):
    from survey_app.models import Customer

    base, prefix = live_app.config["LIVE_URL"], f"CB{next(_serial)}-"
    rows = _rows(prefix)
    bad = [rows[0].replace("1961", "천구백육십일"), rows[1].replace("2022.07.15", "작년 여름"), rows[2]]
    broken, fixed = tmp_path / "고객_오류.csv", tmp_path / "고객.csv"
    broken.write_bytes((CUSTOMER_HEADER + "\n".join(bad) + "\n").encode("cp949"))  # as Korean office software saves
    fixed.write_bytes((CUSTOMER_HEADER + "\n".join(rows) + "\n").encode("cp949"))
    page = new_page()
    sign_in(page, base, make_staff(live_app, "admin"))

    report = _upload(page, base, broken, axe_check=axe_check)
    problems = page.inner_text("#problems")
    assert "오류 2행" in report and "아무것도 등록하지 않았습니다" in report
    assert "2\t출생연도" in problems and "3\t가입일" in problems  # row numbers as the spreadsheet shows them
    assert axe_check(page) == []
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)
                                 .where(Customer.external_id.like(f"{prefix}%"))) == 0

    assert "모든 행이 올바릅니다" in _upload(page, base, fixed)
    with page.expect_navigation():
        page.get_by_role("button", name="3건 등록").click()
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)
                                 .where(Customer.external_id.like(f"{prefix}%"))) == 3

    page.goto(f"{base}/manage/customers/?q={prefix}2")
    with page.expect_navigation():
        page.get_by_role("link", name=f"{prefix}2").click()
    assert "이*포" in page.inner_text("main") and "010-****-0002" in page.inner_text("main")
    page.get_by_label("열람 목적").fill("주문 문의 회신 (가져오기 시험)")
    with page.expect_navigation():
        page.get_by_role("button", name="원문 보기").click()
    profile = page.inner_text("section[aria-labelledby=profile-title]")
    assert "이소포" in profile and "010-3456-0002" in profile
    page.goto(f"{base}/admin/access-log")
    assert "주문 문의 회신 (가져오기 시험)" in page.inner_text("main")
