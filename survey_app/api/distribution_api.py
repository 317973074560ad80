"""API for the contact center's phone system and dashboards: post-call invitations, wave status, the spec."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from ..database import db
from ..distribution.funnel import STAGES, outbox_counts, wave_funnel
from ..distribution.postcall import CallReport, PostCallError, record_call, running_plan
from ..models import DistributionPlan, OutboxMessage, Permission, Wave
from ..web.access import api, can, public, scopes
from . import bp
from .idempotency import idempotent
from .openapi import spec

OUTCOME_MESSAGES = {
    "queued": ("설문 안내 문자를 보낼 예정입니다.", "An SMS invitation is queued."),
    "opt_out": ("수신거부한 고객이라 보내지 않습니다.", "The customer opted out; nothing is sent."),
    "no_resurvey": ("최근에 조사한 고객이라 보내지 않습니다.", "Surveyed recently; nothing is sent."),
    "no_consent": ("고객이 동의하지 않아 고객 정보를 저장하지 않았고 문자도 보내지 않습니다.",
                   "The customer did not consent; nothing is stored or sent."),
}


def _error(status: int, message: str, fields: dict | None = None) -> tuple[dict, int]:
    return {"error": {"status": status, "message": message, **({"fields": fields} if fields else {})}}, status


def _text(payload: dict, name: str, *, required: bool, limit: int) -> str | None:
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise ValueError(f"{name}: required")
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"{name}: a string of at most {limit} characters")
    return value.strip()


def _report(payload: object) -> CallReport:
    if not isinstance(payload, dict):
        raise ValueError("body: a JSON object")
    consent = payload.get("consent", True)
    if not isinstance(consent, bool):
        raise ValueError("consent: true or false")
    return CallReport(_text(payload, "wave", required=True, limit=64), _text(payload, "call_id", required=True, limit=100),
                      _text(payload, "customer_number", required=True, limit=30),
                      _text(payload, "agent_id", required=False, limit=64), _text(payload, "queue", required=False, limit=64),
                      consent)


def _call_body(call, report: CallReport) -> dict:
    ko, en = OUTCOME_MESSAGES.get(call.outcome, ("", ""))
    send_at = None
    if call.invitation_id is not None:
        message = db.session.get(OutboxMessage, _first_message_id(call.invitation_id))
        send_at = message.next_attempt_at.isoformat() if message is not None else None
    return {"call_id": call.call_id, "wave": report.wave_code, "outcome": call.outcome,
            "invitation_id": call.invitation_id, "send_at": send_at, "message": en, "message_ko": ko}


def _first_message_id(invitation_id: int) -> int | None:
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.invitation_id == invitation_id)
                             .order_by(OutboxMessage.id).limit(1))


def _handle_post_call() -> tuple[dict, int]:
    try:
        report = _report(request.get_json(silent=True))
    except ValueError as exc:
        return _error(422, "Invalid request body.", {"detail": str(exc)})
    try:
        plan = running_plan(report.wave_code)
        if not can(Permission.CREATE_INVITATIONS, plan.wave.survey.org_unit_id or scopes.ORG_WIDE):
            return _error(403, "This key may not create invitations for this wave.")
        call, created = record_call(report)
    except PostCallError as exc:
        return _error(exc.status, str(exc))
    if call is None:
        return _no_consent_body(report), 200
    return _call_body(call, report), 201 if created else 200


def _no_consent_body(report: CallReport) -> dict:
    """The answer to a call whose customer did not consent: nothing was recorded."""
    ko, en = OUTCOME_MESSAGES["no_consent"]
    return {"call_id": report.call_id, "wave": report.wave_code, "outcome": "no_consent", "invitation_id": None,
            "send_at": None, "message": en, "message_ko": ko}


@bp.post("/post-call")
@api(Permission.CREATE_INVITATIONS)
def post_call():
    """A finished call: queue an SMS invitation (once per call id; Idempotency-Key replays the first answer)."""
    return idempotent(_handle_post_call)


@bp.get("/waves/<int(max=2147483647):wave_id>/status")
@api(Permission.VIEW_RESULTS, scope=scopes.WAVE)
def wave_status(wave_id: int):
    """A wave's state, funnel by channel, outbox counts and response rate."""
    wave = db.session.get(Wave, wave_id)
    plan = db.session.get(DistributionPlan, wave_id)
    funnel = wave_funnel(wave_id)
    rate = funnel.total.response_rate
    return jsonify(wave={"id": wave.id, "code": wave.code, "name": wave.name, "state": wave.state,
                         "opens_at": wave.opens_at.isoformat() if wave.opens_at else None,
                         "closes_at": wave.closes_at.isoformat() if wave.closes_at else None},
                   plan_status=plan.status if plan else None, totals=funnel.total.counts,
                   by_channel=[{"channel": r.channel, **{s: r.counts[s] for s in STAGES}} for r in funnel.rows],
                   outbox=outbox_counts(wave_id), response_rate=rate)


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.0 description of this API."""
    return jsonify(spec())


