"""Customer messages: a reply to a VOC case, an interim notice, a retention message — text staff wrote, to
one customer, through the same outbox as survey invitations.

:func:`queue_customer_message` is the one way in (other features, e.g. retention, call it too). It refuses
an erased, opted-out or unconsenting customer, or one without an address for the channel, with a Korean
reason and adds nothing; otherwise it adds one pending row due at once or at the end of the quiet hours
(``CUSTOMER_MESSAGE_QUIET_HOURS``). The sender composes it with :func:`compose_customer_message` at send time,
checking opt-out and consent again, defers it in quiet hours and retries failures with the usual backoff;
the outcome goes on the case's timeline (``sender``/``outcomes``).

The customer's name stays a placeholder (``{이름}``) in the stored text and is filled in when it is sent, so
the outbox keeps no name or address.
"""
from __future__ import annotations

import re
import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..audit import current_actor, record
from ..customers.consent import may_contact
from ..customers.identity import identity
from ..models import (
    CUSTOMER_MESSAGE_KINDS,
    CaseEvent,
    ConsentPurpose,
    Contact,
    Customer,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    utcnow,
)
from ..privacy.contacts import view
from .channels import Outgoing
from .checks import in_quiet_hours, next_allowed, parse_clock, sms_type
from .compose import Decision
from .messages import LONGEST_NAME

CHANNELS = ("sms", "email")
NAME_PLACEHOLDERS = ("이름", "name")
_FIELD = re.compile(r"\{([^{}]*)\}")


class MessageRefused(ValueError):
    """A customer message that may not or cannot be sent; the message is Korean, for the member of staff."""


def quiet_hours() -> tuple[time, time]:
    """(start, end) of ``CUSTOMER_MESSAGE_QUIET_HOURS`` ('21:00-08:00'); no messages go out in between."""
    start, _sep, end = (current_app.config.get("CUSTOMER_MESSAGE_QUIET_HOURS") or "00:00-00:00").partition("-")
    return parse_clock(start), parse_clock(end or start)


def is_quiet(moment: datetime) -> bool:
    """Whether ``moment`` falls in the customer-message quiet hours."""
    return in_quiet_hours(moment, *quiet_hours(), ZoneInfo(current_app.config["TIMEZONE"]))


def send_time(moment: datetime) -> datetime:
    """``moment``, or the end of the quiet hours it falls in."""
    return next_allowed(moment, *quiet_hours(), ZoneInfo(current_app.config["TIMEZONE"]))


def purpose_of(kind: str) -> str | None:
    """The consent a kind of message needs: marketing for retention messages; none for service replies."""
    return ConsentPurpose.MARKETING if kind == MessageKind.RETENTION else None


def _opted_out(session: Session, customer: Customer | None, contact: Contact | None) -> bool:
    if contact is not None and contact.opted_out_at is not None:
        return True
    return customer is not None and bool(session.scalar(select(exists().where(
        Contact.customer_id == customer.id, Contact.opted_out_at.is_not(None)))))


def suppression_reason(session: Session, customer: Customer | None, contact: Contact | None,
                       kind: str) -> str | None:
    """Why nothing may go to this customer (Korean), or None: erased, 수신거부, or no consent for the purpose."""
    if customer is None and contact is None:
        return _("메시지를 받을 고객 기록이 없습니다.")
    if (customer is not None and customer.anonymised_at is not None) or (
            contact is not None and contact.anonymised_at is not None):
        return _("고객 정보가 파기되어 메시지를 보낼 수 없습니다.")
    if _opted_out(session, customer, contact):
        return _("수신거부한 고객입니다. 메시지를 보내지 않았습니다.")
    purpose = purpose_of(kind)
    if purpose is not None and customer is not None and not may_contact(customer, purpose):
        return _("고객이 안내 메시지 수신에 동의하지 않아 보낼 수 없습니다.")
    return None


def has_address(channel: str, customer: Customer | None, contact: Contact | None) -> bool:
    """Whether the customer (or the contact they answered from) has a phone number or e-mail for ``channel``."""
    column = "phone_enc" if channel == "sms" else "email_enc"
    return any(person is not None and getattr(person, column) for person in (contact, customer))


def _address_and_name(channel: str, customer: Customer | None, contact: Contact | None) -> tuple[str, str]:
    field = "phone" if channel == "sms" else "email"
    people = ([view(contact, masked=False)] if contact is not None else []) + (
        [identity(customer, masked=False)] if customer is not None else [])
    address = next((getattr(p, field) for p in people if getattr(p, field)), "")
    name = next((p.name for p in people if p.name), "")
    return address, name


def fill_name(text: str, name: str) -> str:
    """``text`` with ``{이름}``/``{name}`` replaced by the customer's name."""
    return _FIELD.sub(lambda m: name if m.group(1).strip() in NAME_PLACEHOLDERS else m.group(0), text)


def check_text(channel: str, subject: str, body: str) -> None:
    """Refuse an empty text, placeholders other than the name, or an SMS too long for an LMS."""
    if not body.strip():
        raise MessageRefused(_("보낼 내용을 적어 주십시오."))
    if channel == "email" and not subject.strip():
        raise MessageRefused(_("전자우편 제목을 적어 주십시오."))
    unknown = [f for f in _FIELD.findall(subject + body) if f.strip() not in NAME_PLACEHOLDERS]
    if unknown:
        raise MessageRefused(_("알 수 없는 항목 %(field)s이(가) 있습니다. 고객 이름은 {이름}으로 적어 주십시오.",
                               field="{" + unknown[0] + "}"))
    if channel == "sms":
        try:
            sms_type(fill_name(body, LONGEST_NAME))
        except ValueError as exc:
            raise MessageRefused(_("문자가 너무 깁니다: %(reason)s", reason=exc)) from None


def queue_customer_message(session: Session, *, customer: Customer | None, channel: str, subject: str, body: str,
                           kind: str, case_id: int | None = None, contact: Contact | None = None,
                           dedupe_key: str | None = None, now: datetime | None = None,
                           template: str | None = None) -> OutboxMessage:
    """Queue one message to a customer in the outbox and return it (flushes, never commits).

    ``kind`` is one of ``CUSTOMER_MESSAGE_KINDS`` (a retention message needs marketing consent); ``body`` may
    hold ``{이름}`` for the customer's name, filled in when it is sent. The address is the ``contact``'s
    (the one the customer answered from), else the customer record's. With ``case_id`` the message is
    noted on the case's timeline (with the ``template`` name it started from, if any) and its outcome —
    sent, a failed attempt to be retried, failed for good, cancelled — is written there by the sender. ``dedupe_key`` makes a
    second call return the first message instead of queueing another. Raises :class:`MessageRefused`
    (Korean) for an erased, opted-out or unconsenting customer, a missing address or an unusable text.
    """
    if kind not in CUSTOMER_MESSAGE_KINDS or channel not in CHANNELS:
        raise MessageRefused(_("보낼 수 없는 메시지 종류나 경로입니다."))
    if dedupe_key is not None:
        existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    reason = suppression_reason(session, customer, contact, kind)
    if reason is not None:
        raise MessageRefused(reason)
    if not has_address(channel, customer, contact):
        raise MessageRefused(_("고객의 휴대전화 번호가 없어 문자를 보낼 수 없습니다.") if channel == "sms"
                             else _("고객의 전자우편 주소가 없어 메일을 보낼 수 없습니다."))
    check_text(channel, subject or "", body)
    message = OutboxMessage(dedupe_key=dedupe_key or f"msg:{kind}:{uuid.uuid4().hex}", channel=channel, kind=kind,
                            status=OutboxStatus.PENDING, next_attempt_at=send_time(now or utcnow()),
                            case_id=case_id, customer_id=customer.id if customer is not None else None,
                            contact_id=contact.id if contact is not None else None,
                            subject=(subject or "").strip()[:200] or None, body=body.strip())
    session.add(message)
    session.flush()
    if case_id is not None:
        session.add(CaseEvent(case_id=case_id, kind="message_queued", actor_id=current_actor()[0], note=message.body,
                              data={"message": message.id, "channel": channel, "message_kind": kind,
                                    "deferred": message.next_attempt_at > (now or utcnow()),
                                    **({"template": template} if template else {})}))
        session.flush()
    record("customer_message.queue", "outbox_message", message.id,
           details={"kind": kind, "channel": channel, "case": case_id,
                    "customer": customer.id if customer is not None else None})
    return message


def compose_customer_message(session: Session, message: OutboxMessage, customer: Customer | None,
                             contact: Contact | None) -> Decision:
    """What to do with one claimed customer message: an :class:`Outgoing`, or a cancellation and why."""
    reason = suppression_reason(session, customer, contact, message.kind)
    if reason is not None:
        return Decision(status=OutboxStatus.CANCELLED, reason=reason)
    address, name = _address_and_name(message.channel, customer, contact)
    if not address:
        return Decision(status=OutboxStatus.CANCELLED, reason="연락처가 없거나 파기되었습니다 (no address)")
    body = fill_name(message.body or "", name or "고객")
    if message.channel == "sms":
        return Decision(Outgoing(f"outbox-{message.id}", address, body, message_type=sms_type(body)))
    return Decision(Outgoing(f"outbox-{message.id}", address, body, subject=fill_name(message.subject or "", name)))
