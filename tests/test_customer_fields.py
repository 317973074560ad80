"""Cell readers of the customer import: dates, times, amounts and codes as Korean offices write them."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from survey_app.customers import fields
from survey_app.customers.files import TableFileError, table_rows

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize("written", ["2026-03-05", "2026.03.05", "2026/03/05", "20260305", "2026.3.5.",
                                     "2026년 3월 5일", 20260305, 46086, datetime(2026, 3, 5), date(2026, 3, 5)])
def test_every_way_of_writing_a_day(written):
    assert fields.day(written) == date(2026, 3, 5)
    assert fields.moment(written, SEOUL) == datetime(2026, 3, 4, 15, tzinfo=UTC)


@pytest.mark.parametrize("written, utc_hour", [("2026-03-05 14:30", 5), ("2026.03.05 14:30:00", 5),
                                               ("2026-03-05T14:30+09:00", 5), ("2026-03-05 오후 2:30", 5),
                                               ("20260305 09:30", 0), ("2026-03-05T05:30:00Z", 5)])
def test_times_are_korean_unless_a_zone_is_given(written, utc_hour):
    assert fields.moment(written, SEOUL) == datetime(2026, 3, 5, utc_hour, 30, tzinfo=UTC)


@pytest.mark.parametrize("bad, message", [("어제", "날짜 형식이 아닙니다"), ("2026-02-30", "없는 날짜입니다"),
                                          ("2026-03-05 25:00", "없는 시각입니다"), ("2026-03-05 저녁", "시각 형식")])
def test_bad_dates_say_what_is_wrong(bad, message):
    with pytest.raises(ValueError, match=message):
        fields.moment(bad, SEOUL)


@pytest.mark.parametrize("written", ["12300", "12,300", "12,300원", "₩12,300", "12300.0", " 12,300 원", 12300,
                                     12300.0, "１２,３００원"])
def test_amounts_with_won_and_commas(written):
    assert fields.amount(written) == 12300


@pytest.mark.parametrize("bad", ["12.5원", "만이천원", "12,300달러", 12.5, "1" * 20])
def test_bad_amounts_are_refused(bad):
    with pytest.raises(ValueError):
        fields.amount(bad)


def test_codes_in_korean_or_english():
    assert [fields.order_status(s) for s in ("주문", "배송", "반품", "교환", "취소", "cancelled")] == [
        "ordered", "delivered", "returned", "exchanged", "cancelled", "cancelled"]
    assert [fields.channel(s) for s in ("전화", "창구", "인터넷", "게시판", "문자", "키오스크")] == [
        "call", "counter", "online", "board", "sms", "kiosk"]
    assert [fields.customer_kind(s) for s in ("개인", "법인")] == ["person", "business"]
    assert [fields.consent(s) for s in ("Y", "N", "예", "아니요", "동의", "미동의", "", True)] == [
        True, False, True, False, True, False, None, True]
    with pytest.raises(ValueError, match="주문 상태"):
        fields.order_status("배달")


def test_a_file_in_neither_encoding_is_named_as_such():
    data = "고객번호\n".encode() + b"\xff\xfe\xfa\n"
    with pytest.raises(TableFileError, match="2행에 UTF-8"):
        list(table_rows(io.BytesIO(data), "a.csv"))
    with pytest.raises(TableFileError, match="글자 인코딩을 읽을 수 없습니다"):
        list(table_rows(io.BytesIO(b"\xff\xfe\xfa\n"), "a.csv"))


def test_a_bom_and_crlf_lines_are_read():
    data = "\ufeff고객번호,이름\r\nC1,홍길동\r\n".encode()
    assert list(table_rows(io.BytesIO(data), "a.csv")) == [["고객번호", "이름"], ["C1", "홍길동"]]
