"""API for systems that push customer records as they happen: POST /customers, /interactions, /orders.

One JSON object or a list of up to ``MAX_RECORDS``; the same fields, checks and upsert as a file import
(:mod:`survey_app.customers.importing`), all objects or none, and an ``Idempotency-Key`` replays the first
answer. A key without an org unit may write anywhere; a key of a unit only into its subtree.
"""
from __future__ import annotations

from flask import current_app, request

from ..customers.importing import ImportRefused, ImportReport, import_records
from ..customers.schemas import schema_for
from ..database import db
from ..models import Permission
from ..web.access import api, visible_units
from . import bp
from .idempotency import idempotent

MAX_RECORDS = 500
SCALARS = (str, int, float, bool, type(None))


def _error(status: int, message: str, message_ko: str, problems: list | None = None) -> tuple[dict, int]:
    body = {"status": status, "message": message, "message_ko": message_ko}
    if problems is not None:
        body["problems"] = problems
        body["fields"] = {f"{p['index']}.{p['field']}": p["message"] for p in problems[:50]}
    return {"error": body}, status


def _objects(payload: object) -> list[dict] | tuple[dict, int]:
    objects = [payload] if isinstance(payload, dict) else payload
    if not isinstance(objects, list) or not objects or not all(isinstance(o, dict) for o in objects):
        return _error(422, "Body: a JSON object or a non-empty list of objects.",
                      "본문은 JSON 객체 하나이거나 객체 목록이어야 합니다.")
    if len(objects) > MAX_RECORDS:
        return _error(413, f"At most {MAX_RECORDS} records per request.",
                      f"한 번에 {MAX_RECORDS}건까지 보낼 수 있습니다.")
    return objects


def _shape_problems(kind: str, objects: list[dict]) -> list[dict]:
    """Unknown keys, values that are not scalars, and an external id twice in the request."""
    known = {f.name for f in schema_for(kind).fields}
    problems, seen = [], {}
    for index, obj in enumerate(objects):
        for key, value in obj.items():
            if key not in known:
                problems.append({"index": index, "field": str(key)[:64], "message": "알 수 없는 항목입니다"})
            elif not isinstance(value, SCALARS):
                problems.append({"index": index, "field": key, "message": "값은 문자열, 숫자, 참/거짓이어야 합니다"})
        external_id = obj.get("external_id")
        if isinstance(external_id, str) and external_id in seen:
            problems.append({"index": index, "field": "external_id",
                             "message": f"{seen[external_id]}번째 항목과 번호가 겹칩니다"})
        elif isinstance(external_id, str):
            seen[external_id] = index
    return problems


def _run(kind: str, objects: list[dict], *, dry_run: bool) -> list[ImportReport]:
    """Import the objects grouped by the fields they carry (a field left out is left unchanged)."""
    schema = schema_for(kind, current_app.config["TIMEZONE"])
    groups: dict[frozenset, list[tuple[int, dict]]] = {}
    for index, obj in enumerate(objects):
        groups.setdefault(frozenset(obj), []).append((index, obj))
    create_missing = request.args.get("create_missing") in ("1", "true", "yes")
    return [import_records(schema, records, set(keys), source=f"api:{kind}", headings={f.name: f.name for f in
                                                                                       schema.fields},
                           visible=visible_units(Permission.MANAGE_CUSTOMERS), create_missing=create_missing,
                           dry_run=dry_run, method="api") for keys, records in groups.items()]


def _handle(kind: str) -> tuple[dict, int]:
    objects = _objects(request.get_json(silent=True))
    if isinstance(objects, tuple):
        return objects
    problems = _shape_problems(kind, objects)
    if problems:
        return _error(422, "Invalid records; nothing was stored.", "잘못된 항목이 있어 아무것도 저장하지 않았습니다.",
                      problems)
    try:
        checked = _run(kind, objects, dry_run=True)
    except ImportRefused as exc:
        return _error(403, "This key may not create stub customers.", str(exc))
    problems = [{"index": p.row, "field": p.column, "message": p.message} for r in checked for p in r.problems]
    if problems:
        return _error(422, "Invalid records; nothing was stored.", "잘못된 항목이 있어 아무것도 저장하지 않았습니다.",
                      sorted(problems, key=lambda p: (p["index"], p["field"])))
    done = _run(kind, objects, dry_run=False)
    db.session.flush()
    return {"kind": kind, "received": len(objects), "created": sum(r.created for r in done),
            "updated": sum(r.updated for r in done), "unchanged": sum(r.unchanged for r in done),
            "stubs": sum(r.stubs for r in done), "consent_events": sum(r.consent_events for r in done)}, 200


@bp.post("/customers")
@api(Permission.MANAGE_CUSTOMERS)
def post_customers():
    """Customers, created or updated by their external id (Idempotency-Key replays the first answer)."""
    return idempotent(lambda: _handle("customers"))


@bp.post("/interactions")
@api(Permission.MANAGE_CUSTOMERS)
def post_interactions():
    """Counselling contacts (상담 이력), created or updated by their external id."""
    return idempotent(lambda: _handle("interactions"))


@bp.post("/orders")
@api(Permission.MANAGE_CUSTOMERS)
def post_orders():
    """우체국쇼핑 orders, created or updated by their external id."""
    return idempotent(lambda: _handle("orders"))
