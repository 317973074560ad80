"""Masking of personal data in exports (pure; the same rules as the staff screens).

Names keep their first and last character, telephone numbers their first and
last group, e-mail addresses two characters of the mailbox and the domain.
Free text (open-ended answers) can carry a telephone number (also written +82 10-…
or in full-width digits), an e-mail address, a bank account number or a resident
registration number (주민등록번호) typed by the respondent: :func:`mask_in_text`
finds those in the NFKC form of the text and hides them wherever they appear.

>>> mask_name("홍길동"), mask_name("남궁민수"), mask_phone("010-1234-5678")
('홍*동', '남**수', '010-****-5678')
>>> mask_email("gildong@epost.go.kr")
'gi*****@epost.go.kr'
>>> mask_in_text("연락처는 010-1234-5678 입니다")
'연락처는 010-****-5678 입니다'
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["MASK", "mask_name", "mask_phone", "mask_email", "mask_in_text", "MASKERS"]

MASK = "*"
_SEPARATORS = re.compile(r"([\s\-.)(]+)")
_DIGIT = re.compile(r"\d")
_DASH = r"[\s.\-‐‑‒–—―]"
_RRN = re.compile(r"(?<!\d)(\d{6})[\s-]?([1-8])\d{6}(?!\d)")
_INTL_PHONE = re.compile(rf"(?<![\d\w])(\+\s?82|0082)({_DASH}?(?:\(0\))?{_DASH}?0?)(1[016789]|2|[3-6][1-5]|70)"
                         rf"({_DASH}?)(\d{{3,4}})({_DASH}?)(\d{{4}})(?!\d)")
#: A telephone number ends where its digits do: one followed by another hyphenated group of digits is part of
#: a longer number (a bank account that starts like an area code, 02-1111-5304-6789), masked as that. Service
#: numbers (1588-1300) are an organisation's, not a person's; a 1xxx number of three groups is an account.
_PHONE = re.compile(rf"(?<![\d-])(01[016789]|02|0[3-6][1-5]|070|050\d?|080)"
                    rf"({_DASH}?)(\d{{3,4}})({_DASH}?)(\d{{4}})(?!\d|-\d)")
#: Bank account numbers as banks print them: digit groups joined by hyphens, 10 to 16 digits in all.
_ACCOUNT_GROUPED = re.compile(r"(?<![\d\-])(\d{2,6})((?:-\d{2,8}){1,4})(?![\d\-])")
#: An unbroken run of 10 to 16 digits is taken for an account number when the text speaks of one.
_ACCOUNT_PLAIN = re.compile(r"(?<!\d)(\d{3})(\d{7,13})(?!\d)")
_ACCOUNT_WORDS = re.compile(r"계좌|은행|입금|송금|환불|예금|통장|account|bank", re.IGNORECASE)
_HINT = re.compile(r"[\d@]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_name(name: str | None) -> str:
    """Keep the first and last character: 홍길동 → 홍*동, 남궁민수 → 남**수, 이순 → 이*."""
    if not name:
        return ""
    name = str(name).strip()
    if len(name) <= 1:
        return MASK * len(name)
    if len(name) == 2:
        return name[0] + MASK
    return name[0] + MASK * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str:
    """Hide the middle group: 010-1234-5678 → 010-****-5678, 01012345678 → 010****5678."""
    if not phone:
        return ""
    text = str(phone).strip()
    parts = _SEPARATORS.split(text)
    groups = [i for i, part in enumerate(parts) if part and not _SEPARATORS.fullmatch(part)]
    if len(groups) >= 3:
        for i in groups[1:-1]:
            parts[i] = _DIGIT.sub(MASK, parts[i])
        return "".join(parts)
    if len(text) >= 8:
        return text[:3] + _DIGIT.sub(MASK, text[3:-4]) + text[-4:]
    return _DIGIT.sub(MASK, text[:-2]) + text[-2:]


def mask_email(email: str | None) -> str:
    """Keep two characters of the mailbox and the domain: gildong@epost.go.kr → gi*****@epost.go.kr."""
    if not email:
        return ""
    local, at, domain = str(email).strip().rpartition("@")
    if not at:
        return mask_name(email)
    keep = 1 if len(local) <= 2 else 2
    return local[:keep] + MASK * max(len(local) - keep, 1) + "@" + domain


def _phone_match(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2) + MASK * len(m.group(3)) + m.group(4) + m.group(5)


def _intl_phone_match(m: re.Match[str]) -> str:
    return "".join(m.group(1, 2, 3, 4)) + MASK * len(m.group(5)) + m.group(6) + m.group(7)


def _rrn_match(m: re.Match[str]) -> str:
    return m.group(1) + "-" + m.group(2) + MASK * 6


def _grouped_account_match(m: re.Match[str]) -> str | None:
    digits = len(m.group(0)) - m.group(0).count("-")
    return m.group(1) + _DIGIT.sub(MASK, m.group(2)) if 10 <= digits <= 16 else None


def _plain_account_match(m: re.Match[str]) -> str:
    return m.group(1) + MASK * len(m.group(2))


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFKC form of ``text`` (full-width digits, ＋, －, ＠ become ASCII) and, per character, where it came from."""
    pieces, origin = [], []
    for index, char in enumerate(text):
        normal = char if char.isascii() else unicodedata.normalize("NFKC", char)
        pieces.append(normal)
        origin.extend([index] * len(normal))
    return "".join(pieces), origin


def _masked_spans(normal: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) in ``normal`` for every identifier found, earlier rules first, never overlapping."""
    rules = [(_RRN, _rrn_match), (_INTL_PHONE, _intl_phone_match), (_PHONE, _phone_match),
             (_EMAIL, lambda m: mask_email(m.group(0))), (_ACCOUNT_GROUPED, _grouped_account_match)]
    if _ACCOUNT_WORDS.search(normal):
        rules.append((_ACCOUNT_PLAIN, _plain_account_match))
    spans: list[tuple[int, int, str]] = []
    for pattern, replace in rules:
        for m in pattern.finditer(normal):
            replacement = replace(m)
            if replacement is not None and not any(m.start() < end and start < m.end() for start, end, _r in spans):
                spans.append((m.start(), m.end(), replacement))
    return sorted(spans)


def mask_in_text(text: str | None) -> str:
    """Mask resident registration numbers, telephone numbers (also +82 and full-width), e-mail addresses and
    bank account numbers inside free text; everything else stays as it was written."""
    if not text:
        return "" if text is None else text
    normal, origin = _normalised(text)
    if not _HINT.search(normal):
        return text
    out, done = [], 0
    for start, end, replacement in _masked_spans(normal):
        first, last = origin[start], origin[end - 1] + 1
        out.append(text[done:first] + replacement)
        done = last
    return "".join(out) + text[done:]


#: Masking function per personal-data kind of a raw-data column.
MASKERS = {"name": mask_name, "phone": mask_phone, "email": mask_email, "text": mask_in_text}
