"""Korean business days for VOC deadlines: weekends, 공휴일 and 대체공휴일 from the ``holidays`` library.

민원 처리에 관한 법률 제19조: a period given in days counts its first day, and leaves out public holidays
and Saturdays (and Sundays). So a 7-day case received on a Monday is due on the Tuesday of the next week;
one received on a Saturday starts counting on the next business day.
"""
from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays


@functools.lru_cache(maxsize=32)
def _korean_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KR", years=year))


def is_business_day(day: date) -> bool:
    """Not a Saturday, Sunday, 공휴일 or 대체공휴일."""
    return day.weekday() < 5 and day not in _korean_holidays(day.year)


def next_business_day(day: date) -> date:
    """``day`` itself when it is a business day, else the first business day after it."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(received: date, days: int) -> date:
    """The deadline of a ``days``-day period that starts on ``received`` (the first day counts)."""
    if days < 1:
        raise ValueError(f"days must be at least 1: {days!r}")
    day, counted = next_business_day(received), 1
    while counted < days:
        day = next_business_day(day + timedelta(days=1))
        counted += 1
    return day


def business_days_left(today: date, due: date) -> int:
    """Business days from ``today`` to ``due`` (0 on the due day itself when it is a business day; negative
    once it has passed: -1 on the first business day after it)."""
    if today <= due:
        count, day = 0, today
        while day < due:
            day += timedelta(days=1)
            count += is_business_day(day)
        return count
    count, day = 0, due
    while day < today:
        day += timedelta(days=1)
        count -= is_business_day(day)
    return min(count, -1)
