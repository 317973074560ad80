"""Changes to a survey's scheduled report e-mails (정기 보고). Each flushes and records an audit event;
none commits (the request boundary does)."""
from __future__ import annotations

from .. import audit
from ..database import db
from ..models import Cadence, ReportSubscription, Survey


def add_subscription(survey: Survey, *, recipients: list[str], cadence: str, wave_id: int | None,
                     weekday: int | None, day_of_month: int | None, created_by_id: int) -> ReportSubscription:
    """A new report of ``survey`` to ``recipients``; the day fields count only for their cadence."""
    sub = ReportSubscription(survey_id=survey.id, wave_id=wave_id, cadence=cadence, recipients=recipients,
                             created_by_id=created_by_id,
                             weekday=weekday if cadence == Cadence.WEEKLY else None,
                             day_of_month=day_of_month if cadence == Cadence.MONTHLY else None)
    db.session.add(sub)
    db.session.flush()
    audit.record("results.report_subscription.add", "report_subscription", sub.id,
                 {"survey_id": survey.id, "cadence": sub.cadence, "recipients": len(sub.recipients)})
    return sub


def toggle_subscription(sub: ReportSubscription) -> bool:
    """Pause a sending report or resume a paused one; returns whether it now sends."""
    sub.active = not sub.active
    db.session.flush()
    audit.record("results.report_subscription.active", "report_subscription", sub.id, {"active": sub.active})
    return sub.active


def delete_subscription(sub: ReportSubscription) -> None:
    """Delete a report and its delivery history."""
    audit.record("results.report_subscription.delete", "report_subscription", sub.id,
                 {"survey_id": sub.survey_id, "recipients": len(sub.recipients)})
    db.session.delete(sub)
    db.session.flush()
