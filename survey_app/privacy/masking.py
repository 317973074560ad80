"""Masking of personal identifiers for screens and exports. Pure: no Flask, no database.

>>> mask_name("홍길동"), mask_phone("010-1234-5678"), mask_email("gildong@epost.go.kr")
('홍*동', '010-****-5678', 'gi*****@epost.go.kr')
"""
from __future__ import annotations

import re

MASK = "*"
_SEPARATORS = re.compile(r"([\s\-.)(]+)")


def mask_name(name: str | None) -> str:
    """Keep the first and last character: 홍길동 → 홍*동, 남궁민수 → 남**수, 이순 → 이*."""
    if not name:
        return ""
    name = name.strip()
    if len(name) <= 1:
        return MASK
    if len(name) == 2:
        return name[0] + MASK
    return name[0] + MASK * (len(name) - 2) + name[-1]


def _mask_digits(text: str) -> str:
    return re.sub(r"\d", MASK, text)


def mask_phone(phone: str | None) -> str:
    """Hide the middle group: 010-1234-5678 → 010-****-5678, 01012345678 → 010****5678."""
    if not phone:
        return ""
    parts = _SEPARATORS.split(phone.strip())
    groups = [i for i, part in enumerate(parts) if part and not _SEPARATORS.fullmatch(part)]
    if len(groups) >= 3:
        for i in groups[1:-1]:
            parts[i] = _mask_digits(parts[i])
        return "".join(parts)
    digits = phone.strip()
    if len(digits) >= 8:
        return digits[:3] + _mask_digits(digits[3:-4]) + digits[-4:]
    return _mask_digits(digits[:-2]) + digits[-2:]


def mask_email(email: str | None) -> str:
    """Keep two characters of the mailbox and the domain: gildong@epost.go.kr → gi*****@epost.go.kr."""
    if not email:
        return ""
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return mask_name(email)
    keep = 1 if len(local) <= 2 else 2
    return local[:keep] + MASK * max(len(local) - keep, 1) + "@" + domain
