"""Retention: contacts are purged or anonymised when their purpose ends (N days after their waves close).

How the clock works, per survey (``SurveyPrivacy``; default ``SURVEY_CONTACT_RETENTION_DAYS``, purge):

1. When a wave has closed, each invited contact's ``purge_after`` becomes at least ``close + N days``
   (a wave closed without a ``closes_at`` starts the clock when this job first sees it closed).
   Unless the survey is identified by design, the invitations are also cut from the contact, so
   responses keep no link to the person.
2. A contact whose ``purge_after`` has passed and who has no invitation to a wave still running is
   purged (the row is deleted) or anonymised (identifiers erased, segment attributes kept).

Every purge or anonymisation is written to the access log. Run daily (``run_retention_job``) or with
``survey-app purge-contacts``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import exists, select, update

from ..customers.retention import run_customer_retention
from ..database import db
from ..models import (
    AccessAction,
    Contact,
    Invitation,
    RetentionAction,
    SurveyPrivacy,
    Wave,
    utcnow,
)
from ..web.ratelimit import purge_old_buckets
from .access_log import log_access
from .contacts import SUBJECT, purge_contacts

ACTION_RANK = {RetentionAction.ANONYMISE: 0, RetentionAction.PURGE: 1}  # the stricter action wins


@dataclass
class RetentionReport:
    """What one retention run did."""

    waves_processed: int = 0
    unlinked_invitations: int = 0
    purged: list[int] = field(default_factory=list)
    anonymised: list[int] = field(default_factory=list)
    customers: Any = None  # survey_app.customers.retention.CustomerRetentionReport

    def lines(self) -> list[str]:
        """A short summary for the CLI."""
        return [f"마감된 차수 {self.waves_processed}개 처리 (closed waves processed)",
                f"응답과 연락처의 연결 해제 {self.unlinked_invitations}건 (invitations unlinked)",
                f"파기 {len(self.purged)}건 (contacts purged)", f"익명 처리 {len(self.anonymised)}건 (contacts anonymised)",
                *(self.customers.lines() if self.customers else ())]


def policy_for(survey_id: int) -> tuple[int, str, bool]:
    """(retention days, action, identified) of a survey, with the configured default."""
    policy = db.session.get(SurveyPrivacy, survey_id)
    if policy is None:
        return current_app.config["CONTACT_RETENTION_DAYS"], RetentionAction.PURGE, False
    return policy.retention_days, policy.retention_action, policy.identified


def _closed_waves(now: datetime) -> list[Wave]:
    has_contacts = exists().where(Invitation.wave_id == Wave.id, Invitation.contact_id.is_not(None))
    return list(db.session.scalars(select(Wave).where(Wave.is_closed_at(now), has_contacts)))


def _schedule_wave(wave: Wave, now: datetime, report: RetentionReport) -> None:
    """Set the purge date of the wave's contacts and, unless identified, cut the invitations from them."""
    days, action, identified = policy_for(wave.survey_id)
    due = (wave.closes_at or now) + timedelta(days=days)
    contact_ids = select(Invitation.contact_id).where(Invitation.wave_id == wave.id, Invitation.contact_id.is_not(None))
    for contact in db.session.scalars(select(Contact).where(Contact.id.in_(contact_ids))):
        first = contact.purge_after is None
        if wave.closes_at is not None or first:
            contact.purge_after = max(contact.purge_after or due, due)
        contact.purge_action = action if first else max(contact.purge_action, action, key=ACTION_RANK.get)
    if not identified:
        result = db.session.execute(update(Invitation).where(Invitation.wave_id == wave.id, Invitation.contact_id.is_not(None))
                                    .values(contact_id=None).execution_options(synchronize_session=False))
        report.unlinked_invitations += result.rowcount or 0
    report.waves_processed += 1


def _due_contacts(now: datetime) -> list[Contact]:
    running = (select(Invitation.id).join(Wave, Wave.id == Invitation.wave_id)
               .where(Invitation.contact_id == Contact.id, ~Wave.is_closed_at(now)))
    query = select(Contact).where(Contact.purge_after <= now, Contact.anonymised_at.is_(None), ~exists(running))
    return list(db.session.scalars(query))


def anonymise(contact: Contact, now: datetime) -> None:
    """Erase a contact's identifiers and lookup hashes; segment attributes stay for analysis."""
    contact.name_enc = contact.phone_enc = contact.email_enc = None
    contact.phone_hash = contact.email_hash = None
    contact.anonymised_at = now


def _apply(contacts: list[Contact], now: datetime, report: RetentionReport) -> None:
    for contact in contacts:
        if contact.purge_action == RetentionAction.ANONYMISE:
            anonymise(contact, now)
            report.anonymised.append(contact.id)
        else:
            report.purged.append(contact.id)
    purge_contacts(report.purged)


def run_retention(now: datetime | None = None) -> RetentionReport:
    """Schedule contacts of closed waves and purge or anonymise those whose time has come; flushes only."""
    now, report = now or utcnow(), RetentionReport()
    for wave in _closed_waves(now):
        _schedule_wave(wave, now, report)
    db.session.flush()
    _apply(_due_contacts(now), now, report)
    if report.purged:
        log_access(AccessAction.PURGE, SUBJECT, report.purged, purpose="보유 기간 경과 (retention period ended)")
    if report.anonymised:
        log_access(AccessAction.ANONYMISE, SUBJECT, report.anonymised, purpose="보유 기간 경과 (retention period ended)")
    return report


def run_retention_job() -> RetentionReport:
    """The scheduled job: one retention run (contacts, then customer records per kind) and old rate-limit
    counters removed, committed once at the end."""
    report = run_retention()
    report.customers = run_customer_retention(utcnow())
    purge_old_buckets()
    db.session.commit()
    return report
