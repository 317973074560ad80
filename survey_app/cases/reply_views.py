"""The reply form of a case page: pick the channel and a template, edit the text, preview it, send it.

Loading a template or previewing shows the case page again with the form as typed (no script needed);
sending queues the reply through the outbox (:func:`.replies.send_reply`); a refusal (opted out, no
address, text too long) shows the page again with the Korean reason (422) and queues nothing.
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..database import db
from ..distribution.checks import sms_type
from ..distribution.messages import sms_size
from ..models import Case, CaseEvent, MessageKind, OutboxMessage
from .forms import ReplyForm
from .operations import seoul_today
from .replies import CHANNEL_NAMES, preview, reachable_channels, template_text
from .reply_templates import pick_template, templates_for

OUTBOX_STATUS_NAMES = {"pending": "보내기 전", "sending": "보내는 중", "sent": "보냄", "failed": "보내지 못함",
                       "bounced": "반송됨", "cancelled": "보내지 않음"}

#: Timeline lines of customer messages (the note carries the text or the reason).
MESSAGE_EVENT_NAMES = {"message_queued": _l("고객에게 보낼 메시지를 발송 대기열에 넣었습니다"),
                       "message_sent": _l("고객에게 메시지를 보냈습니다"),
                       "message_retrying": _l("고객에게 보낼 메시지 발송 실패 (재시도 예정)"),
                       "message_failed": _l("고객에게 메시지를 보내지 못했습니다"),
                       "message_cancelled": _l("고객에게 메시지를 보내지 않았습니다"),
                       "interim_not_sent": _l("중간 안내를 보내지 못했습니다")}
#: A failed attempt named by what did not reach the customer, so the owner knows to call.
FAILURE_EVENT_NAMES = {
    ("message_retrying", MessageKind.CASE_REPLY): _l("답변 발송 실패 (재시도 예정)"),
    ("message_failed", MessageKind.CASE_REPLY): _l("답변 발송 최종 실패 — 고객이 답변을 받지 못했습니다"),
    ("message_retrying", MessageKind.INTERIM_NOTICE): _l("중간 안내 발송 실패 (재시도 예정)"),
    ("message_failed", MessageKind.INTERIM_NOTICE): _l("중간 안내 발송 최종 실패 — 고객이 안내를 받지 못했습니다"),
    ("message_retrying", MessageKind.CONTACT_ATTEMPT): _l("연락 시도 안내 발송 실패 (재시도 예정)"),
    ("message_failed", MessageKind.CONTACT_ATTEMPT): _l("연락 시도 안내 발송 최종 실패 — 고객이 안내를 받지 못했습니다"),
    ("message_retrying", MessageKind.INVITATION): _l("처리 만족도 조사 발송 실패 (재시도 예정)"),
    ("message_failed", MessageKind.INVITATION): _l("처리 만족도 조사 발송 최종 실패 — 고객이 조사 안내를 받지 못했습니다"),
}
FAILURE_EVENTS = ("message_retrying", "message_failed")


def message_event_name(event: CaseEvent) -> str:
    """The timeline line of a customer message's event: a failure says what did not reach the customer."""
    name = FAILURE_EVENT_NAMES.get((event.kind, (event.data or {}).get("message_kind")))
    return str(name or MESSAGE_EVENT_NAMES[event.kind])


def reply_form(case: Case, formdata=None) -> ReplyForm:
    """The reply form: as posted, else the first reachable channel with its first template in use filled in."""
    form = ReplyForm(formdata=formdata, prefix="reply")
    channels = reachable_channels(case)
    form.channel.choices = [(c, _(CHANNEL_NAMES[c])) for c in channels]
    offered = templates_for(case, channels)
    form.template.choices = [(str(t.id), f"{t.name} ({_(CHANNEL_NAMES[t.channel])})") for t in offered]
    if not form.version.data:
        form.version.data = str(case.version)
    if formdata is None and offered:
        first = pick_template(case, MessageKind.CASE_REPLY, channels[0]) or offered[0]
        form.template.data = str(first.id)
        load_template(form, case)
    return form


def load_template(form: ReplyForm, case: Case) -> None:
    """Put the chosen template's text into the form, and its channel (a retired or unknown one loads nothing)."""
    offered = {str(t.id): t for t in templates_for(case, [c for c, _label in form.channel.choices])}
    template = offered.get(form.template.data or "")
    if template is None:
        return
    form.channel.data = template.channel
    form.subject.data, form.body.data = template_text(template, case, seoul_today())


def reply_preview(form: ReplyForm, case: Case) -> dict | None:
    """What the customer will read (name masked) and, for an SMS, its size and type."""
    text = preview(form.body.data or "", case)
    if not text.strip():
        return None
    shown = {"text": text, "subject": preview(form.subject.data or "", case) if form.channel.data == "email" else ""}
    if form.channel.data == "sms":
        size, limit = sms_size(text)
        try:
            kind = sms_type(text)
        except ValueError:
            kind = None
        shown.update(size=size, limit=limit, kind=kind)
    return shown


def case_messages(case: Case) -> list[OutboxMessage]:
    """The customer messages of a case in the outbox, newest first."""
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)
                                   .order_by(OutboxMessage.id.desc())))


def reply_parts(case: Case, form: ReplyForm | None = None, shown: dict | None = None) -> dict:
    """What ``cases/_reply.html`` needs."""
    form = form or reply_form(case)
    return {"reply_form": form, "reply_preview": shown, "reply_messages": case_messages(case),
            "outbox_statuses": OUTBOX_STATUS_NAMES, "reply_step": request.form.get("step") if request.method == "POST" else None}
