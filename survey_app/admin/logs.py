"""The audit log of staff actions and the personal-data access log (개인정보 처리 기록): search and export."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from sqlalchemy import Select, select

from ..audit import record
from ..database import db
from ..models import AccessAction, AuditEvent, Permission
from ..privacy.access_log import CSV_HEADER, AccessQuery, access_query, csv_rows, filter_log, local_time
from ..web.access import requires, scopes
from ..web.downloads import csv_response
from . import bp
from .forms import LogSearchForm

PAGE_SIZE = 200
EXPORT_LIMIT = 100_000


def _bounds(form: LogSearchForm) -> tuple[datetime | None, datetime | None]:
    """The searched period (days in the configured time zone, as the log shows them) as UTC instants;
    the end date is included."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])

    def at(day, extra=0):
        start = datetime.combine(day, time.min, tzinfo=zone) + timedelta(days=extra) if day else None
        return start.astimezone(UTC) if start else None
    return at(form.since.data), at(form.until.data, 1)


def _filters() -> tuple[LogSearchForm, AccessQuery]:
    form = LogSearchForm(request.args)
    if not form.validate():
        return form, AccessQuery()
    since, until = _bounds(form)
    return form, AccessQuery(actor=(form.actor.data or "").strip(), action=(form.action.data or "").strip(),
                             subject_id=form.subject.data, since=since, until=until)


def _audit_query(f: AccessQuery) -> Select:
    query = filter_log(select(AuditEvent).order_by(AuditEvent.id.desc()), AuditEvent, f)
    if f.subject_id is not None:
        query = query.where(AuditEvent.object_id == str(f.subject_id))
    return query


@bp.get("/audit")
@requires(Permission.VIEW_AUDIT_LOG, scope=scopes.ORGANISATION)
def audit_log():
    """Staff actions (publish, edit, export, user and role changes), newest first, searchable."""
    form, filters = _filters()
    events = db.session.scalars(_audit_query(filters).limit(PAGE_SIZE)).all()
    return render_template("admin/audit.html", events=events, form=form)


@bp.get("/audit.csv")
@requires(Permission.VIEW_AUDIT_LOG, scope=scopes.ORGANISATION)
def audit_export():
    """The matching audit events as CSV."""
    _form, filters = _filters()
    events = db.session.scalars(_audit_query(filters).limit(EXPORT_LIMIT)).all()
    record("audit.export", details={"count": len(events)})
    header = ["번호(id)", "일시(한국 시간)", "처리자(actor)", "접속지(address)", "작업(action)", "대상(object)", "내용(details)"]
    rows = ([e.id, local_time(e.occurred_at), e.actor_name or "", e.actor_address or "", e.action,
             f"{e.object_type or ''} {e.object_id or ''}".strip(), e.details] for e in events)
    return csv_response("audit-log.csv", header, rows)


@bp.get("/access-log")
@requires(Permission.VIEW_ACCESS_LOG, scope=scopes.ORGANISATION)
def access_log():
    """개인정보 처리 기록: who accessed whose personal data, when, from where, what and why."""
    form, filters = _filters()
    entries = db.session.scalars(access_query(filters).limit(PAGE_SIZE)).all()
    return render_template("admin/access_log.html", entries=entries, form=form, labels=AccessAction.LABELS)


@bp.get("/access-log.csv")
@requires(Permission.VIEW_ACCESS_LOG, scope=scopes.ORGANISATION)
def access_log_export():
    """The matching access-log rows as CSV (the export itself is audited)."""
    _form, filters = _filters()
    entries = db.session.scalars(access_query(filters).limit(EXPORT_LIMIT)).all()
    record("access_log.export", details={"count": len(entries)})
    return csv_response("personal-data-access-log.csv", CSV_HEADER, csv_rows(entries))
