"""Composing one outbox message at send time: who, what text, and whether it should go at all."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from ..models import Contact, DistributionPlan, Invitation, MessageKind, OutboxMessage, OutboxStatus, hash_token
from ..privacy.contacts import view
from .channels import Outgoing
from .checks import sms_type
from .messages import MessageValues, render, unsubscribe_text
from .tokens import invitation_token, one_click_unsubscribe_link, personal_link, unsubscribe_link

REMINDER_PREFIX = "[다시 알림] "
DEFAULT_SUBJECT = "{이름}님, 우체국 서비스 만족도 조사에 참여해 주십시오"
DEFAULT_EMAIL = ("{이름}님, 안녕하십니까. 우체국 서비스에 대한 의견을 듣고자 합니다.\n"
                 "아래 주소에서 {마감일}까지 응답해 주십시오.\n{링크}\n")
DEFAULT_SMS = "[우체국] {이름}님, 만족도 조사에 참여해 주십시오. {링크} ({마감일}까지)"


@dataclass(frozen=True)
class Decision:
    """Send ``outgoing`` now, or settle the message without sending (status and reason)."""

    outgoing: Outgoing | None = None
    status: str | None = None
    reason: str = ""
    permanent_failure: bool = False


def close_date_text(moment: datetime | None) -> str:
    """'2026년 12월 31일' in the app's time zone ('마감 시까지' when there is no close time)."""
    if moment is None:
        return "마감 시까지"
    local = moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return f"{local.year}년 {local.month}월 {local.day}일"


def _values(invitation: Invitation, contact_name: str, token: str) -> MessageValues:
    phone = current_app.config["CONTACT_CENTER_PHONE"]
    return MessageValues(name=contact_name or "고객", link=personal_link(token),
                         close_date=close_date_text(invitation.wave.closes_at),
                         unsubscribe=unsubscribe_text(unsubscribe_link(token), phone))


def _skip_reason(message: OutboxMessage, invitation: Invitation | None, contact: Contact | None,
                 completed: bool) -> str | None:
    if invitation is None or contact is None or contact.anonymised_at is not None:
        return "연락처가 없거나 파기되었습니다 (contact no longer exists)"
    if contact.opted_out_at is not None:
        return "수신거부한 고객입니다 (the person opted out)"
    if invitation.wave.is_closed:  # past its close time too: the link would only say 'closed'
        return "차수가 마감되었습니다 (wave closed)"
    if message.kind == MessageKind.REMINDER and completed:
        return "이미 응답을 마쳤습니다 (already completed)"
    return None


def email_text(plan: DistributionPlan | None, values: MessageValues, *, reminder: bool) -> tuple[str, str]:
    """(subject, body) of the plan's e-mail for ``values``; a reminder's subject starts with '[다시 알림]'."""
    prefix = REMINDER_PREFIX if reminder else ""
    subject = prefix + render((plan.email_subject if plan else "") or DEFAULT_SUBJECT, values, unsubscribe=False)
    return subject, render((plan.email_body if plan else "") or DEFAULT_EMAIL, values)


def compose(message: OutboxMessage, invitation: Invitation | None, contact: Contact | None,
            plan: DistributionPlan | None, completed: bool) -> Decision:
    """What to do with one claimed message: an :class:`Outgoing`, or a cancellation/failure and why."""
    reason = _skip_reason(message, invitation, contact, completed)
    if reason:
        return Decision(status=OutboxStatus.CANCELLED, reason=reason)
    token = invitation_token(invitation.wave_id, contact.id)
    if hash_token(token) != invitation.token_hash:
        return Decision(status=OutboxStatus.FAILED, permanent_failure=True,
                        reason="링크를 다시 만들 수 없습니다: SECRET_KEY가 바뀌었습니다 (link cannot be rebuilt)")
    person = view(contact, masked=False)
    values = _values(invitation, person.name, token)
    prefix = REMINDER_PREFIX if message.kind == MessageKind.REMINDER else ""
    if message.channel == "sms":
        text = prefix + render((plan.sms_text if plan else "") or DEFAULT_SMS, values)
        return Decision(Outgoing(f"outbox-{message.id}", person.phone, text, message_type=sms_type(text)))
    subject, body = email_text(plan, values, reminder=message.kind == MessageKind.REMINDER)
    return Decision(Outgoing(f"outbox-{message.id}", person.email, body, subject=subject,
                             unsubscribe_url=one_click_unsubscribe_link(token)))
