"""Changes to a survey's scheduled report e-mails (정기 보고), its targets and its weighting margins. Each
flushes and records an audit event; none commits (the request boundary does)."""
from __future__ import annotations

from sqlalchemy import select

from .. import audit
from ..database import db
from ..models import Cadence, IndexTarget, ReportSubscription, Survey, SurveyWeighting, utcnow


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


def save_targets(survey: Survey, wave_id: int | None, values: dict, updated_by_id: int | None) -> list[dict]:
    """Set the survey's (or one wave's) targets to ``values`` (:class:`.targets.Measure` → score or None to
    remove); returns the changes made, which the audit trail records."""
    rows = {f"{r.kind}:{r.code}": r for r in db.session.scalars(select(IndexTarget).where(
        IndexTarget.survey_id == survey.id,
        IndexTarget.wave_id == wave_id if wave_id else IndexTarget.wave_id.is_(None)))}
    changes = []
    for measure, value in values.items():
        row = rows.get(measure.key)
        old = row.target if row is not None else None
        if old == value:
            continue
        changes.append({"measure": measure.key, "name": measure.name, "from": old, "to": value})
        if value is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(IndexTarget(survey_id=survey.id, wave_id=wave_id, kind=measure.kind, code=measure.code,
                                       target=value, updated_by_id=updated_by_id))
        else:
            row.target, row.updated_at, row.updated_by_id = value, utcnow(), updated_by_id
    db.session.flush()
    if changes:
        audit.record("results.targets.save", "survey", survey.id, {"wave_id": wave_id, "changes": changes})
    return changes


def save_weighting(survey: Survey, *, enabled: bool, margins: dict | None, source: str,
                   updated_by_id: int | None) -> SurveyWeighting:
    """Keep the survey's population margins (None: keep the stored ones) and whether results are weighted."""
    setting = db.session.get(SurveyWeighting, survey.id)
    if setting is None:
        setting = SurveyWeighting(survey_id=survey.id, margins={})
        db.session.add(setting)
    if margins is not None:
        setting.margins = margins
    setting.enabled = bool(enabled and setting.margins)
    setting.source, setting.updated_at, setting.updated_by_id = source or None, utcnow(), updated_by_id
    db.session.flush()
    audit.record("results.weighting.save", "survey", survey.id,
                 {"enabled": setting.enabled, "variables": sorted(setting.margins),
                  "categories": sum(len(v) for v in setting.margins.values()), "source": setting.source})
    return setting
