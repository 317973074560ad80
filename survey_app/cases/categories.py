"""Case categories and their deadlines (민원 처리에 관한 법률 시행령), root-cause codes, and their Korean names.

Deadlines are business days and configurable per category (``CASE_DEADLINE_DAYS``: ``code=days,…``);
root causes are a configurable list (``CASE_ROOT_CAUSES``: ``code=이름,…``).
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from .calendar import add_business_days

#: code → (이름, legal days, basis)
CATEGORIES: dict[str, tuple[str, int, str]] = {
    "simple_inquiry": ("단순 질의", 7, "시행령 제14조"),
    "legal_inquiry": ("법령 질의", 14, "시행령 제15조"),
    "suggestion": ("건의", 14, "시행령 제15조"),
    "grievance": ("고충", 7, "시행령 제17조"),
    "complaint": ("불만", 7, "센터 기준"),
    "praise": ("칭찬", 14, "센터 기준"),
    "request": ("요청", 7, "센터 기준"),
}
DEFAULT_ROOT_CAUSES = ("delivery_delay=배송 지연,damage=파손·분실,staff_attitude=직원 응대,"
                       "process=업무 절차,system=전산 장애,policy=제도·규정,customer=고객 사정,other=기타")
INTERIM_NOTICE_DAYS = 30  # 처리 지연 중간 통지: when a case passes its deadline or 30 days


def _pairs(setting: str) -> dict[str, str]:
    pairs = {}
    for part in (current_app.config.get(setting) or "").split(","):
        if "=" in part:
            key, value = part.split("=", 1)
            pairs[key.strip()] = value.strip()
    return pairs


def category_name(code: str) -> str:
    """The category's Korean name (the code itself when unknown)."""
    return CATEGORIES.get(code, (code,))[0]


def deadline_days(category: str) -> int:
    """Business days allowed for a category: the setting's value, else the legal default."""
    configured = _pairs("CASE_DEADLINE_DAYS").get(category)
    if configured and configured.isdigit() and int(configured) > 0:
        return int(configured)
    if category not in CATEGORIES:
        raise ValueError(f"category must be one of {tuple(CATEGORIES)}: {category!r}")
    return CATEGORIES[category][1]


def due_date(category: str, received: date) -> date:
    """The deadline of a case of ``category`` received on ``received``."""
    return add_business_days(received, deadline_days(category))


def interim_notice_date(received: date, due: date) -> date:
    """When the progress notice to the customer falls due: the day after the deadline, or on day 30."""
    return min(due + timedelta(days=1), received + timedelta(days=INTERIM_NOTICE_DAYS))


def root_causes() -> dict[str, str]:
    """Root-cause codes → names, in the configured order."""
    return _pairs("CASE_ROOT_CAUSES") or dict(p.split("=", 1) for p in DEFAULT_ROOT_CAUSES.split(","))
