"""Contact checks, message templates, SMS length in EUC-KR, quiet hours, the import report and plan checks."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from survey_app.distribution.checks import euc_kr_bytes, in_quiet_hours, is_email, is_mobile, next_allowed, sms_type
from survey_app.distribution.messages import MessageValues, TemplateError, check_template, render
from tests.distribution_support import contact_csv, people

KST = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize("text, ok", [("010-1234-5678", True), ("01012345678", True), ("+82 10-1234-5678", True),
                                      ("011-123-4567", True), ("02-123-4567", False), ("010-123-456", False),
                                      ("", False)])
def test_korean_mobile_numbers(text, ok):
    assert is_mobile(text) is ok


@pytest.mark.parametrize("text, ok", [("a.b@epost.go.kr", True), ("a@b", False), ("a..b@x.kr", False),
                                      ("홍@x.kr", False), ("a b@x.kr", False)])
def test_email_syntax(text, ok):
    assert is_email(text) is ok


def test_euc_kr_counts_hangul_as_two_bytes_and_picks_sms_or_lms():
    assert euc_kr_bytes("우체국 abc") == 3 * 2 + 4
    assert sms_type("가" * 45) == "SMS" and sms_type("가" * 46) == "LMS"
    with pytest.raises(ValueError, match="2000"):
        sms_type("가" * 1001)


def test_quiet_hours_span_midnight_in_kst():
    start, end = time(21), time(8)
    late = datetime(2026, 11, 24, 22, 30, tzinfo=KST)
    assert in_quiet_hours(late, start, end, KST)
    assert next_allowed(late, start, end, KST) == datetime(2026, 11, 25, 8, 0, tzinfo=KST)
    noon = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 12:00 KST
    assert next_allowed(noon, start, end, KST) == noon


def test_templates_render_placeholders_and_always_carry_unsubscribe():
    values = MessageValues("홍길동", "https://x/s/t", "2026년 12월 31일", "수신거부: https://x/u/t")
    text = render("{이름}님, {link} ({마감일}까지)", values)
    assert text == "홍길동님, https://x/s/t (2026년 12월 31일까지)\n수신거부: https://x/u/t"
    with pytest.raises(TemplateError, match="주소"):
        check_template("{이름} {주소}", label="문자")


def test_import_report_lists_every_bad_row_with_its_reason(app_ctx, make_org):
    from survey_app.distribution.contacts_import import import_contacts, validate_file

    make_org("P-KNOWN")
    rows = people(2, start=9000, office="P-KNOWN") + [
        "나쁜번호,02-123-4567,,R-SEOUL,,,,,Y",
        "나쁜메일,010-9999-0001,not-an-email,R-SEOUL,,,,,Y",
        "중복,010-1000-9000,,R-SEOUL,,,,,Y",
        "우체국,010-9999-0002,,R-SEOUL,P-NOWHERE,,,,Y",
        "동의없음,010-9999-0003,,R-SEOUL,,,,,N",
    ]
    with app_ctx():
        report = validate_file(contact_csv(rows), "c.csv")
        reasons = {p.row: " ".join(p.reasons) for p in report.problems}
        assert len(report.valid) == 2 and sorted(reasons) == [4, 5, 6, 7, 8]
        assert "휴대전화 번호" in reasons[4] and "전자우편 주소" in reasons[5] and "2행" in reasons[6]
        assert "우체국 코드" in reasons[7] and "수신 동의" in reasons[8]
        with pytest.raises(ValueError, match="잘못된 행"):
            import_contacts(report, source="c.csv")
        assert import_contacts(report, source="c.csv", skip_invalid=True).imported == 2
        again = validate_file(contact_csv(people(1, start=9000)), "c.csv")
        assert "이미 등록된" in again.problems[0].reasons[0]


def test_plan_checks_name_every_problem():
    from survey_app.distribution.plans import PlanError, PlanInput, check_plan
    from survey_app.models import utcnow

    now = utcnow()
    bad = PlanInput(now - timedelta(days=1), now - timedelta(days=2), ["sms", "email"],
                    email_body="{이름} {쿠폰}", sms_text="가" * 1200)
    with pytest.raises(PlanError) as caught:
        check_plan(bad, scheduling=True, now=now)
    text = " ".join(caught.value.problems)
    assert "마감 시각이 시작" in text and "이미 지났습니다" in text and "{쿠폰}" in text and "LMS" in text


def test_staff_can_upload_review_and_import_a_contact_file(app_ctx, client, make_user):
    import io

    make_user("dist_admin", "Sokcho2026pass", is_admin=True)
    client.post("/manage/login", data={"username": "dist_admin", "password": "Sokcho2026pass"})
    data = contact_csv(people(3, start=9500) + ["동의없음,010-9999-0009,,R-SEOUL,,,,,N"])
    page = client.post("/manage/distribution/contacts/import",
                       data={"file": (io.BytesIO(data), "list.csv")}, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "오류 1행" in html and "수신 동의" in html
    import re

    action = re.search(r'action="(/manage/distribution/contacts/import/[0-9a-f]+)"', html).group(1)
    refused = client.post(action, data={})
    assert refused.status_code == 400
    done = client.post(action, data={"skip_invalid": "y"})
    assert done.status_code == 302
    assert "3명을 등록" in client.get(done.headers["Location"]).get_data(as_text=True)
