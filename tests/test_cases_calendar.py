"""The VOC deadline calendar against Korean public holidays written out by hand.

The lists follow 관공서의 공휴일에 관한 규정 and the government's announcements of each year's holidays
(대체공휴일 included; 2025-01-27 was a temporary holiday, 2025-06-03 the presidential election, 2026-06-03 the
local elections; 2026 adds 노동절 (5-1) and 제헌절 (7-17) under the 2025 amendments). They are typed here,
not read from the library, so a wrong or missing library entry makes these tests fail.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from survey_app.cases.calendar import add_business_days, business_days_left, is_business_day, next_business_day

HOLIDAYS_2025 = {
    date(2025, 1, 1),  # 신정
    date(2025, 1, 27),  # 임시공휴일
    date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30),  # 설날 연휴
    date(2025, 3, 3),  # 삼일절(토) 대체공휴일
    date(2025, 5, 5),  # 어린이날·부처님오신날
    date(2025, 5, 6),  # 대체공휴일
    date(2025, 6, 3),  # 제21대 대통령 선거일
    date(2025, 6, 6),  # 현충일
    date(2025, 8, 15),  # 광복절
    date(2025, 10, 3),  # 개천절
    date(2025, 10, 6), date(2025, 10, 7),  # 추석 연휴 (10-5는 일요일)
    date(2025, 10, 8),  # 추석 대체공휴일
    date(2025, 10, 9),  # 한글날
    date(2025, 12, 25),  # 성탄절
}
HOLIDAYS_2026 = {
    date(2026, 1, 1),  # 신정
    date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18),  # 설날 연휴
    date(2026, 3, 2),  # 삼일절(일) 대체공휴일
    date(2026, 5, 1),  # 노동절
    date(2026, 5, 5),  # 어린이날
    date(2026, 5, 25),  # 부처님오신날(일, 5-24) 대체공휴일
    date(2026, 6, 3),  # 제9회 전국동시지방선거일
    date(2026, 7, 17),  # 제헌절
    date(2026, 8, 17),  # 광복절(토) 대체공휴일
    date(2026, 9, 24), date(2026, 9, 25),  # 추석 연휴 (9-26은 토요일)
    date(2026, 10, 5),  # 개천절(토) 대체공휴일
    date(2026, 10, 9),  # 한글날
    date(2026, 12, 25),  # 성탄절
}


@pytest.mark.parametrize("year, holidays", [(2025, HOLIDAYS_2025), (2026, HOLIDAYS_2026)])
def test_every_day_of_the_year_is_a_business_day_exactly_when_not_a_weekend_or_holiday(year, holidays):
    day, wrong = date(year, 1, 1), []
    while day.year == year:
        expected = day.weekday() < 5 and day not in holidays
        if is_business_day(day) != expected:
            wrong.append(day)
        day += timedelta(days=1)
    assert wrong == []


def test_business_days_in_2025_and_2026():
    counts = {}
    for year in (2025, 2026):
        day, counts[year] = date(year, 1, 1), 0
        while day.year == year:
            counts[year] += is_business_day(day)
            day += timedelta(days=1)
    assert counts == {2025: 261 - 17, 2026: 261 - 16}  # weekdays minus holidays falling on weekdays


def test_seven_day_deadline_counts_the_first_day_and_skips_the_weekend():
    # 제19조: the first day counts. Monday 2025-11-03 + 7 business days → Tuesday 2025-11-11.
    assert add_business_days(date(2025, 11, 3), 7) == date(2025, 11, 11)
    assert add_business_days(date(2025, 11, 3), 1) == date(2025, 11, 3)


def test_a_case_received_on_a_saturday_starts_on_monday():
    assert next_business_day(date(2025, 11, 8)) == date(2025, 11, 10)
    assert add_business_days(date(2025, 11, 8), 7) == date(2025, 11, 18)


def test_chuseok_2025_with_its_substitute_holiday_stretches_a_deadline():
    # Received Thursday 2 October 2025: 10-2 (1), 10-3 개천절, weekend, 10-6..10-9 holidays, 10-10 (2),
    # 10-13..10-17 (3..7) → due Friday 17 October.
    assert add_business_days(date(2025, 10, 2), 7) == date(2025, 10, 17)


def test_seollal_2026_and_fourteen_days():
    # Received Friday 13 February 2026: 2-13 (1), 2-16..18 설날, 2-19 (2), 2-20 (3), 2-23..27 (4..8),
    # 3-2 삼일절 대체공휴일, 3-3..6 (9..12), 3-9 (13), 3-10 (14).
    assert add_business_days(date(2026, 2, 13), 14) == date(2026, 3, 10)


def test_business_days_left_counts_down_and_past_the_deadline():
    due = date(2025, 11, 11)
    assert business_days_left(date(2025, 11, 11), due) == 0
    assert business_days_left(date(2025, 11, 7), due) == 2  # Mon 10, Tue 11
    assert business_days_left(date(2025, 11, 12), due) == -1
    assert business_days_left(date(2025, 11, 17), due) == -4  # 12, 13, 14, 17


def test_days_must_be_positive():
    with pytest.raises(ValueError, match="days"):
        add_business_days(date(2025, 1, 2), 0)
