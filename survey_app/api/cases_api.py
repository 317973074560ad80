"""API for the telephony and board systems: open a VOC case (idempotent), read its state."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from ..cases.categories import CATEGORIES
from ..cases.operations import PRIORITIES, STATUS_NAMES, CaseError, open_case
from ..cases.scopes import CASE
from ..database import db
from ..models import Case, CaseSource, Customer, OrgUnit, Permission
from ..web.access import api, can, scopes
from . import bp
from .distribution_api import _error, _text
from .idempotency import idempotent

API_SOURCES = (CaseSource.CALL, CaseSource.COUNTER, CaseSource.BOARD, CaseSource.SMS)


def case_body(case: Case) -> dict:
    """What the API says about a case."""
    return {"id": case.id, "number": case.number, "status": case.status, "status_ko": STATUS_NAMES[case.status],
            "category": case.category, "priority": case.priority, "source": case.source,
            "received_on": case.received_on.isoformat(), "due_on": case.due_on.isoformat(),
            "org_unit": case.org_unit.code if case.org_unit else None, "external_ref": case.external_ref}


def _choice(payload: dict, name: str, allowed, default=None) -> str:
    value = payload.get(name, default)
    if value not in allowed:
        raise ValueError(f"{name}: one of {', '.join(allowed)}")
    return value


def _handle_new_case() -> tuple[dict, int]:
    payload = request.get_json(silent=True)
    try:
        if not isinstance(payload, dict):
            raise ValueError("body: a JSON object")
        source = _choice(payload, "source", API_SOURCES)
        category = _choice(payload, "category", tuple(CATEGORIES))
        priority = _choice(payload, "priority", tuple(PRIORITIES), "normal")
        summary = _text(payload, "summary", required=True, limit=300)
        detail = _text(payload, "detail", required=False, limit=5000)
        customer_ref = _text(payload, "customer_id", required=False, limit=64)
        office = _text(payload, "office_code", required=False, limit=32)
        external_ref = _text(payload, "external_ref", required=False, limit=100)
    except ValueError as exc:
        return _error(422, "Invalid request body.", {"detail": str(exc)})
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == office)) if office else None
    if office and unit is None:
        return _error(422, "Unknown office_code.", {"detail": f"office_code: no unit {office}"})
    if not can(Permission.HANDLE_CASES, unit.id if unit else scopes.ORG_WIDE):
        return _error(403, "This key may not open cases for this unit.")
    customer = db.session.scalar(select(Customer).where(Customer.external_id == customer_ref)) if customer_ref else None
    if customer_ref and customer is None:
        return _error(422, "Unknown customer_id.", {"detail": f"customer_id: no customer {customer_ref}"})
    try:
        case = open_case(source=source, category=category, priority=priority, summary=summary, detail=detail,
                         customer_id=customer.id if customer else None, org_unit_id=unit.id if unit else None,
                         region=customer.region if customer else None, external_ref=external_ref)
    except CaseError as exc:
        return _error(422, "Invalid case.", {"detail": str(exc)})
    return case_body(case), 201


@bp.post("/cases")
@api(Permission.HANDLE_CASES)
def new_case():
    """Open a VOC case from the phone or board system (Idempotency-Key replays the first answer)."""
    return idempotent(_handle_new_case)


@bp.get("/cases/<int(max=2147483647):case_id>")
@api(Permission.VIEW_CASES, scope=CASE)
def case_status(case_id: int):
    """A case's status, deadline and owning unit."""
    return jsonify(case_body(db.session.get(Case, case_id)))
