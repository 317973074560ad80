"""Cell parsers for customer, interaction and order files: dates and times in the ways Korean offices write
them, amounts like ``12,300원``, codes in Korean or English. Each takes a cell (text from a CSV; text, a
number or a datetime from a workbook) and returns the stored value, or raises ``ValueError`` whose message
says in plain Korean what is wrong. Pure: no Flask app or database.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..models import CustomerKind, InteractionChannel, OrderStatus

#: The day Excel's serial date 0 stands for (with its 1900 leap-year bug, as openpyxl reads it).
EXCEL_EPOCH = datetime(1899, 12, 30)
#: Serial numbers read as Excel dates in a date column (1954 to 2119); 8-digit numbers are YYYYMMDD.
EXCEL_SERIALS = range(20_000, 80_000)
_DATE = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*일?\.?|(\d{4})(\d{2})(\d{2})")
_TIME = re.compile(r"(?:T|\s+)?(?:(오전|오후)\s*)?(\d{1,2})[:시]\s*(\d{1,2})(?:[:분]\s*(\d{1,2})(?:\.\d+)?초?)?")
_AMOUNT = re.compile(r"-?\d+")
MAX_AMOUNT = 10**13  # a won amount a BIGINT holds many times over; more is a typing slip


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


def text(value: object, limit: int) -> str | None:
    """Trimmed text of at most ``limit`` characters; empty is None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    if "\x00" in result:
        raise ValueError(_("쓸 수 없는 글자(NUL)가 들어 있습니다"))
    if len(result) > limit:
        raise ValueError(_("%(n)s자까지 쓸 수 있습니다 (지금 %(m)s자)", n=limit, m=len(result)))
    return result or None


def code(value: object, limit: int = 64) -> str | None:
    """An identifier from a source system (customer number, order number): text, no spaces inside."""
    result = text(value, limit)
    if result is not None and result.split() != [result]:
        raise ValueError(_("번호에 빈칸이 들어 있습니다: %(value)s", value=result))
    return result


@lru_cache(maxsize=65536)
def _date_text(raw: str) -> tuple[date, str]:
    match = _DATE.match(raw)
    if match is None:
        raise ValueError(_("날짜 형식이 아닙니다: %(value)s (예: 2026-03-05, 2026.03.05, 20260305)", value=raw))
    year, month, day = (int(g) for g in (match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)))
    try:
        return date(year, month, day), raw[match.end():].strip()
    except ValueError:
        raise ValueError(_("없는 날짜입니다: %(value)s", value=raw)) from None


def _serial(value: float) -> datetime:
    if int(value) not in EXCEL_SERIALS:
        raise ValueError(_("날짜 형식이 아닙니다: %(value)s (예: 2026-03-05, 2026.03.05, 20260305)", value=value))
    return EXCEL_EPOCH + timedelta(days=value)


def _time_of(rest: str, raw: str) -> time:
    match = _TIME.fullmatch(rest)
    if match is None:
        raise ValueError(_("시각 형식이 아닙니다: %(value)s (예: 2026-03-05 14:30)", value=raw))
    half, hour, minute, second = match.group(1), int(match.group(2)), int(match.group(3)), int(match.group(4) or 0)
    if half == "오후" and hour < 12:
        hour += 12
    elif half == "오전" and hour == 12:
        hour = 0
    try:
        return time(hour, minute, second)
    except ValueError:
        raise ValueError(_("없는 시각입니다: %(value)s", value=raw)) from None


def _local(value: object) -> datetime | None:
    """A naive local datetime from a cell (None when empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19_000_101 <= value <= 29_991_231 and float(value).is_integer():
            value = str(int(value))
        else:
            return _serial(float(value))
    raw = str(value).strip()
    if len(raw) >= 10 and raw[4] == "-" and raw.isascii():
        try:
            return datetime.fromisoformat(raw)  # ISO 8601, with a zone from the API
        except ValueError:
            pass
    raw = unicodedata.normalize("NFKC", raw)
    if not raw:
        return None
    day, rest = _date_text(raw)
    return datetime.combine(day, _time_of(rest, raw) if rest else time())


def day(value: object) -> date | None:
    """A date written 2026-03-05, 2026.03.05, 2026/03/05, 20260305, 2026년 3월 5일 or as an Excel date."""
    moment = _local(value)
    return moment.date() if moment is not None else None


def moment(value: object, zone: ZoneInfo) -> datetime | None:
    """A date with an optional time (14:30, 14:30:05, 오후 2:30) in the local ``zone``, as an aware UTC datetime."""
    if isinstance(value, str):
        return _moment_text(value, zone)  # order and call times repeat a lot within a file
    return _moment(value, zone)


@lru_cache(maxsize=65536)
def _moment_text(value: str, zone: ZoneInfo) -> datetime | None:
    return _moment(value, zone)


def _moment(value: object, zone: ZoneInfo) -> datetime | None:
    local = _local(value)
    if local is None:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone)
    return local.astimezone(UTC)


def amount(value: object) -> int | None:
    """Whole won: ``12300``, ``12,300``, ``12,300원``, ``₩12,300``, ``12300.0``; empty is None."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer():
            raise ValueError(_("금액은 원 단위 정수여야 합니다: %(value)s", value=value))
        result = int(value)
    else:
        raw = str(value).strip()
        plain = raw.replace(",", "").removesuffix("원")
        if plain.isdigit() and plain.isascii():  # 12300, 12,300, 12,300원: most cells
            result = int(plain)
        else:
            cleaned = _norm(raw).removesuffix("원").removeprefix("₩").removeprefix("krw").replace(",", "")
            cleaned, _dot, fraction = cleaned.partition(".")
            if fraction.strip("0") or not _AMOUNT.fullmatch(cleaned):
                raise ValueError(_("금액 형식이 아닙니다: %(value)s (예: 12300, 12,300원)", value=raw))
            result = int(cleaned)
    if abs(result) >= MAX_AMOUNT:
        raise ValueError(_("금액이 너무 큽니다: %(value)s", value=value))
    return result


def count(value: object) -> int | None:
    """A whole number of items from 0 to 1,000,000 (``3``, ``3개``); empty is None."""
    if value is None or value == "":
        return None
    raw = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().removesuffix("개")
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 1_000_000:
        raise ValueError(_("수량은 0 이상의 정수여야 합니다: %(value)s", value=value))
    return int(raw)


def _choice(table: dict[str, str], what: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    key = _norm(str(value))
    if not key:
        return None
    found = table.get(key)
    if found is None:
        raise ValueError(_("%(what)s 값이 아닙니다: %(value)s", what=what, value=str(value).strip()))
    return found


def _table(**names: tuple[str, ...]) -> dict[str, str]:
    return {_norm(alias): stored for stored, aliases in names.items() for alias in (stored, *aliases)}


ORDER_STATUSES = _table(**{OrderStatus.ORDERED: ("주문", "주문완료", "결제완료", "ordered", "order"),
                           OrderStatus.DELIVERED: ("배송", "배송완료", "배송중", "delivered", "shipped"),
                           OrderStatus.RETURNED: ("반품", "반품완료", "returned", "return"),
                           OrderStatus.EXCHANGED: ("교환", "교환완료", "exchanged", "exchange"),
                           OrderStatus.CANCELLED: ("취소", "주문취소", "cancelled", "canceled", "cancel")})
CUSTOMER_KINDS = _table(**{CustomerKind.PERSON: ("개인", "개인고객", "p", "individual"),
                           CustomerKind.BUSINESS: ("법인", "법인고객", "사업자", "기업", "b", "company", "corporate")})
CHANNELS = _table(**{InteractionChannel.CALL: ("전화", "콜센터", "phone", "tel"),
                     InteractionChannel.COUNTER: ("창구", "방문", "visit"),
                     InteractionChannel.ONLINE: ("인터넷", "온라인", "누리집", "web", "internet"),
                     InteractionChannel.BOARD: ("게시판", "고객의소리", "voc"),
                     InteractionChannel.SMS: ("문자", "문자상담", "채팅", "chat", "text"),
                     InteractionChannel.KIOSK: ("키오스크", "무인창구")})
GENDERS = _table(M=("남", "남자", "남성", "male", "1", "3"), F=("여", "여자", "여성", "female", "2", "4"))
_CONSENT = _table(yes=("y", "예", "네", "동의", "o", "true", "1", "v"),
                  no=("n", "아니요", "아니오", "미동의", "비동의", "거부", "철회", "x", "false", "0"))


def order_status(value: object) -> str | None:
    """주문/배송/반품/교환/취소 (or the stored codes)."""
    return _choice(ORDER_STATUSES, _l("주문 상태(주문/배송/반품/교환/취소)"), value)


def customer_kind(value: object) -> str | None:
    """개인/법인 (or person/business)."""
    return _choice(CUSTOMER_KINDS, _l("고객 구분(개인/법인)"), value)


def channel(value: object) -> str | None:
    """전화/창구/인터넷/게시판/문자/키오스크 (or the stored codes)."""
    return _choice(CHANNELS, _l("상담 경로(전화/창구/인터넷/게시판/문자/키오스크)"), value)


def gender(value: object) -> str | None:
    """남/여 (or M/F) as M or F."""
    return _choice(GENDERS, _l("성별(남/여)"), value)


def consent(value: object) -> bool | None:
    """Y/N, 예/아니요, 동의/미동의 (a JSON true/false too); empty is None: unchanged."""
    if isinstance(value, bool):
        return value
    found = _choice(_CONSENT, _l("동의 여부(동의/미동의, Y/N)"), value)
    return None if found is None else found == "yes"


def birth_year(value: object) -> int | None:
    """A year of birth (1900 to this year), or the year of a birth date."""
    if value is None or value == "":
        return None
    raw = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip().removesuffix("년")
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None
    if year is None:
        year = day(value).year
    if not 1900 <= year <= date.today().year:
        raise ValueError(_("출생 연도가 맞지 않습니다: %(value)s", value=value))
    return year

