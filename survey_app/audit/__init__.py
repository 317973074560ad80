"""The audit trail of staff actions."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from ..database import db
from ..models import AuditEvent


def _actor() -> tuple[int | None, str | None]:
    if not has_request_context():
        return None, None
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    return user_id, request.remote_addr


def record(action: str, object_type: str | None = None, object_id: Any = None,
           details: dict[str, Any] | None = None) -> AuditEvent:
    """Append one audit event for the current actor (a CLI or job run has none)."""
    actor_id, address = _actor()
    event = AuditEvent(action=action, object_type=object_type,
                       object_id=None if object_id is None else str(object_id),
                       actor_id=actor_id, actor_address=address, details=details or {})
    db.session.add(event)
    return event
