"""Masking of personal data in exports (pure; the same rules as the staff screens).

Names keep their first and last character, telephone numbers their first and
last group, e-mail addresses two characters of the mailbox and the domain.
Free text (open-ended answers) can carry a telephone number, an e-mail address
or a resident registration number (주민등록번호) typed by the respondent:
:func:`mask_in_text` hides those wherever they appear.

>>> mask_name("홍길동"), mask_name("남궁민수"), mask_phone("010-1234-5678")
('홍*동', '남**수', '010-****-5678')
>>> mask_email("gildong@epost.go.kr")
'gi*****@epost.go.kr'
>>> mask_in_text("연락처는 010-1234-5678 입니다")
'연락처는 010-****-5678 입니다'
"""
from __future__ import annotations

import re

__all__ = ["MASK", "mask_name", "mask_phone", "mask_email", "mask_in_text", "MASKERS"]

MASK = "*"
_SEPARATORS = re.compile(r"([\s\-.)(]+)")
_DIGIT = re.compile(r"\d")
_RRN = re.compile(r"(?<!\d)(\d{6})[\s-]?([1-8])\d{6}(?!\d)")
_PHONE = re.compile(r"(?<![\d-])(01[016789]|02|0[3-6][1-5]|070|050\d?|080|1[5-9]\d\d)"
                    r"([\s.-]?)(\d{3,4})([\s.-]?)(\d{4})(?![\d])")
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


def mask_in_text(text: str | None) -> str:
    """Mask resident registration numbers, telephone numbers and e-mail addresses inside free text."""
    if not text:
        return "" if text is None else text
    if not _HINT.search(text):
        return text
    text = _RRN.sub(lambda m: m.group(1) + "-" + m.group(2) + MASK * 6, text)
    text = _PHONE.sub(_phone_match, text)
    return _EMAIL.sub(lambda m: mask_email(m.group(0)), text)


#: Masking function per personal-data kind of a raw-data column.
MASKERS = {"name": mask_name, "phone": mask_phone, "email": mask_email, "text": mask_in_text}
