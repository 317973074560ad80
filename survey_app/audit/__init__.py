"""The audit trail of staff actions (publish, edit, export, user and role changes), append-only.

Call :func:`record` from operations; it adds a row to the session and the request boundary commits it.
"""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from ..database import db, insert_rows
from ..models import AuditEvent


def current_actor() -> tuple[int | None, str | None, str | None]:
    """(user id, username, client address) of the current request; a CLI or job run is 'system'.

    Shared by the audit trail and the personal-data access log, which must name the same actor.
    """
    if not has_request_context():
        return None, "system", None
    if current_user and current_user.is_authenticated:
        return current_user.id, current_user.username, request.remote_addr
    return None, None, request.remote_addr


def record(action: str, object_type: str | None = None, object_id: Any = None,
           details: dict[str, Any] | None = None) -> AuditEvent:
    """Append one audit event for the current actor (a CLI or job run has none)."""
    actor_id, name, address = current_actor()
    event = AuditEvent(action=action, object_type=object_type,
                       object_id=None if object_id is None else str(object_id),
                       actor_id=actor_id, actor_name=name, actor_address=address, details=details or {})
    db.session.add(event)
    return event


def record_many(action: str, object_type: str | None, objects: list[tuple[Any, dict[str, Any]]]) -> None:
    """Append one audit event per (object id, details) for the current actor, in one multi-row INSERT."""
    actor_id, name, address = current_actor()
    insert_rows(AuditEvent.__table__, [
        {"action": action, "object_type": object_type, "object_id": None if object_id is None else str(object_id),
         "actor_id": actor_id, "actor_name": name, "actor_address": address, "details": details or {}}
        for object_id, details in objects])
