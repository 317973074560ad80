"""개인정보 처리 기록: who accessed whose personal data, when, from which address, what they did and why.

Rows are only ever inserted (the database refuses UPDATE and DELETE) and are kept at least two years;
nothing in the application deletes them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_datetime
from sqlalchemy import Select, insert, select

from ..audit import current_actor
from ..database import db
from ..models import AccessAction, PersonalDataAccess, PersonalDataSubject

MIN_RETENTION_YEARS = 2


def log_access(action: str, subject_type: str, subject_ids: Iterable[int], *, purpose: str | None = None,
               details: dict[str, Any] | None = None, actor_name: str | None = None) -> PersonalDataAccess:
    """Append one access-log row and one subject row per person touched; flushes, never commits."""
    actor_id, name, address = current_actor()
    ids = sorted(set(subject_ids))
    entry = PersonalDataAccess(action=action, subject_type=subject_type, subject_count=len(ids), purpose=purpose,
                               details=details or {}, actor_id=actor_id, actor_name=actor_name or name,
                               actor_address=address)
    db.session.add(entry)
    db.session.flush()
    if ids:
        rows = [{"access_id": entry.id, "subject_type": subject_type, "subject_id": i} for i in ids]
        db.session.execute(insert(PersonalDataSubject), rows)
    return entry


def log_access_bulk(action: str, subject_type: str, subject_ids: Iterable[int], *, purpose: str | None = None,
                    details: dict[str, Any] | None = None) -> PersonalDataAccess:
    """:func:`log_access` for very many subjects (imports): the same rows, subjects written with COPY on
    PostgreSQL. Flushes, never commits."""
    ids = sorted(set(subject_ids))
    if db.session.get_bind().dialect.name != "postgresql":
        return log_access(action, subject_type, ids, purpose=purpose, details=details)
    actor_id, name, address = current_actor()
    entry = PersonalDataAccess(action=action, subject_type=subject_type, subject_count=len(ids), purpose=purpose,
                               details=details or {}, actor_id=actor_id, actor_name=name, actor_address=address)
    db.session.add(entry)
    db.session.flush()
    raw = db.session.connection().connection.driver_connection
    if not subject_type.replace("_", "").isalnum():
        raise ValueError(f"subject_type must be a plain identifier: {subject_type!r}")
    with raw.cursor() as cursor, cursor.copy("COPY personal_data_subjects (access_id, subject_type, subject_id) "
                                             "FROM STDIN") as copy:
        for start in range(0, len(ids), 10000):  # integers and a plain word: nothing to escape in COPY text
            copy.write("".join(f"{entry.id}\t{subject_type}\t{int(i)}\n" for i in ids[start:start + 10000]))
    return entry


@dataclass(frozen=True)
class AccessQuery:
    """Filters for searching the access log; empty fields do not filter."""

    actor: str = ""
    action: str = ""
    subject_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def filter_log(query: Select, log, filters: AccessQuery) -> Select:
    """Apply the who / what / when filters shared by the access log and the audit log."""
    if filters.actor:
        query = query.where(log.actor_name == filters.actor)
    if filters.action:
        query = query.where(log.action == filters.action)
    if filters.since:
        query = query.where(log.occurred_at >= filters.since)
    if filters.until:
        query = query.where(log.occurred_at < filters.until)
    return query


def access_query(filters: AccessQuery) -> Select:
    """The access-log rows matching ``filters``, newest first."""
    query = filter_log(select(PersonalDataAccess).order_by(PersonalDataAccess.id.desc()), PersonalDataAccess, filters)
    if filters.subject_id is not None:
        touched = select(PersonalDataSubject.access_id).where(PersonalDataSubject.subject_id == filters.subject_id)
        query = query.where(PersonalDataAccess.id.in_(touched))
    return query


CSV_HEADER = ["번호(id)", "일시(한국 시간)", "처리자(actor)", "접속지(address)", "처리 내용(action)",
              "정보주체 유형(subject type)", "건수(count)", "정보주체(subjects)", "목적(purpose)"]


def local_time(moment: datetime) -> str:
    """A logged instant as the staff pages show it: in the configured time zone (Korea), to the second."""
    return format_datetime(moment, "yyyy-MM-dd HH:mm:ss")


def csv_rows(entries: Iterable[PersonalDataAccess]) -> Iterable[list[str]]:
    """Rows for the access-log export, one per access, subject ids joined by spaces."""
    for e in entries:
        subjects = db.session.scalars(select(PersonalDataSubject.subject_id)
                                      .where(PersonalDataSubject.access_id == e.id)
                                      .order_by(PersonalDataSubject.subject_id)).all()
        yield [str(e.id), local_time(e.occurred_at), e.actor_name or "", e.actor_address or "",
               AccessAction.LABELS.get(e.action, e.action), e.subject_type, str(e.subject_count),
               " ".join(map(str, subjects)), e.purpose or ""]
