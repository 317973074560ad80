"""``Idempotency-Key`` for POST endpoints: the first answer to a key is stored and replayed for repeats."""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import db
from ..models import IdempotencyRecord

HEADER = "Idempotency-Key"


def _request_hash() -> str:
    return hashlib.sha256(request.get_data() or b"").hexdigest()


def _replay(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_hash != digest:
        answer = jsonify(error={"status": 422, "message": "Idempotency-Key reused with a different request body.",
                                "message_ko": "같은 Idempotency-Key를 다른 요청에 썼습니다."})
        answer.status_code = 422
        return answer
    answer = jsonify(record.body)
    answer.status_code = record.status_code
    answer.headers["Idempotent-Replayed"] = "true"
    return answer


def idempotent(handler: Callable[[], tuple[dict, int]]) -> Response:
    """Run ``handler`` (returning body and status) once per Idempotency-Key of the calling API key."""
    key, digest = (request.headers.get(HEADER) or "").strip()[:200], _request_hash()
    if not key:
        body, status = handler()
        return _json(body, status)
    lookup = select(IdempotencyRecord).where(IdempotencyRecord.api_key_id == g.api_key.id, IdempotencyRecord.key == key)
    found = db.session.scalar(lookup)
    if found is not None:
        return _replay(found, digest)
    body, status = handler()
    if status < 500:
        try:
            with db.session.begin_nested():
                db.session.add(IdempotencyRecord(api_key_id=g.api_key.id, key=key, request_hash=digest,
                                                 status_code=status, body=body))
        except IntegrityError:
            return _replay(db.session.scalar(lookup), digest)
    return _json(body, status)


def _json(body: dict, status: int) -> Response:
    answer = jsonify(body)
    answer.status_code = status
    return answer

