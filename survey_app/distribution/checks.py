"""Pure checks of contact fields: Korean mobile numbers, e-mail syntax, EUC-KR message length, quiet hours."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

#: 010 (and the legacy 011, 016–019) numbers: 10 or 11 digits after normalisation.
MOBILE_DIGITS = _MOBILE = re.compile(r"^01(?:0\d{8}|[16789]\d{7,8})$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")

SMS_BYTES = 90
LMS_BYTES = 2000


_NOT_ASCII_DIGIT = re.compile(r"[^0-9]+")


def mobile_digits(text: str) -> str:
    """Digits of a phone number as written (+82 10 … → 010 …); empty when there are none."""
    text = text or ""
    if text.isascii():  # the common case, without per-character Python work (NFKC leaves ASCII alone)
        digits = _NOT_ASCII_DIGIT.sub("", text)
    else:
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())
    if digits.startswith("82") and len(digits) >= 11:
        digits = "0" + digits[2:].lstrip("0")
    return digits


def is_mobile(text: str) -> bool:
    """Whether ``text`` is a Korean mobile number (010-1234-5678, 01012345678, +82 10-1234-5678)."""
    return bool(_MOBILE.match(mobile_digits(text)))


def format_mobile(text: str) -> str:
    """A mobile number written 010-1234-5678."""
    d = mobile_digits(text)
    return f"{d[:3]}-{d[3:-4]}-{d[-4:]}" if len(d) >= 10 else d


def is_email(text: str) -> bool:
    """Whether ``text`` is a syntactically valid e-mail address (ASCII mailbox and domain, a dot in the domain)."""
    text = (text or "").strip()
    return len(text) <= 254 and bool(_EMAIL.match(text)) and ".." not in text


def euc_kr_bytes(text: str) -> int:
    """Length in EUC-KR bytes, as Korean carriers count it (characters outside EUC-KR count 2, like a '?')."""
    return len(text.encode("euc-kr", errors="replace")) + sum(
        1 for ch in text if _not_euc_kr(ch))


def _not_euc_kr(ch: str) -> bool:
    try:
        ch.encode("euc-kr")
    except UnicodeEncodeError:
        return True
    return False


def sms_type(text: str) -> str:
    """'SMS' up to 90 bytes, 'LMS' up to 2,000 bytes; raises ValueError beyond that."""
    size = euc_kr_bytes(text)
    if size <= SMS_BYTES:
        return "SMS"
    if size <= LMS_BYTES:
        return "LMS"
    raise ValueError(_("문자 길이 %(size)s바이트가 장문(LMS) 한도 %(limit)s바이트를 넘습니다.", size=size, limit=LMS_BYTES))


def parse_clock(text: str) -> time:
    """'21:00' → time(21, 0); raises ValueError naming the format."""
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
        return time(hours, minutes)
    except (ValueError, TypeError):
        raise ValueError(_("시각은 21:00 형식으로 적어 주십시오: %(text)s", text=repr(text))) from None


def in_quiet_hours(moment: datetime, start: time, end: time, zone: ZoneInfo) -> bool:
    """Whether ``moment`` falls in the quiet period [start, end) local time (it may span midnight)."""
    local = moment.astimezone(zone).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_allowed(moment: datetime, start: time, end: time, zone: ZoneInfo) -> datetime:
    """``moment`` itself, or the end of the quiet period it falls in (an aware datetime in ``zone``)."""
    if not in_quiet_hours(moment, start, end, zone):
        return moment
    local = moment.astimezone(zone)
    candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate = (local + timedelta(days=1)).replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return candidate
