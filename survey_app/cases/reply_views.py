"""The reply form of a case page: pick the channel and a template, edit the text, preview it, send it.

Loading a template or previewing shows the case page again with the form as typed (no script needed);
sending queues the reply through the outbox (:func:`.replies.send_reply`); a refusal (opted out, no
address, text too long) shows the page again with the Korean reason (422) and queues nothing.
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from ..database import db
from ..distribution.checks import sms_type
from ..distribution.messages import sms_size
from ..models import Case, OutboxMessage
from .forms import ReplyForm
from .operations import seoul_today
from .replies import CHANNEL_NAMES, TEMPLATES, preview, reachable_channels, template_text

OUTBOX_STATUS_NAMES = {"pending": "보내기 전", "sending": "보내는 중", "sent": "보냄", "failed": "보내지 못함",
                       "bounced": "반송됨", "cancelled": "보내지 않음"}

#: Timeline lines of customer messages (the note carries the text or the reason).
MESSAGE_EVENT_NAMES = {"message_queued": "고객에게 보낼 메시지를 발송 대기열에 넣었습니다",
                       "message_sent": "고객에게 메시지를 보냈습니다",
                       "message_failed": "고객에게 메시지를 보내지 못했습니다",
                       "message_cancelled": "고객에게 메시지를 보내지 않았습니다",
                       "interim_not_sent": "중간 안내를 보내지 못했습니다"}


def reply_form(case: Case, formdata=None) -> ReplyForm:
    """The reply form: as posted, else the first reachable channel with the 처리 결과 안내 filled in."""
    form = ReplyForm(formdata=formdata, prefix="reply")
    channels = reachable_channels(case)
    form.channel.choices = [(c, _(CHANNEL_NAMES[c])) for c in channels]
    form.template.choices = [(code, _(t.name)) for code, t in TEMPLATES.items()]
    if not form.version.data:
        form.version.data = str(case.version)
    if formdata is None and channels:
        form.channel.data, form.template.data = channels[0], "result"
        load_template(form, case)
    return form


def load_template(form: ReplyForm, case: Case) -> None:
    """Put the chosen template's text for the chosen channel into the form."""
    code = form.template.data if form.template.data in TEMPLATES else "result"
    channel = form.channel.data if form.channel.data in CHANNEL_NAMES else "sms"
    form.subject.data, form.body.data = template_text(code, channel, case, seoul_today())


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
