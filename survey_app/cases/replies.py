"""Replies to a case's customer by SMS or e-mail: a template staff manage (:mod:`.reply_templates`) picked and
edited, filled with the case's details and queued through the outbox by
:func:`survey_app.distribution.customer_messages.queue_customer_message` (quiet hours, opt-out, retries).

The case's details (``{사건번호}``, ``{접수일}``, ``{처리기한}``, ``{예정일}``, ``{담당부서}``, ``{센터전화}``) are
filled in when the reply is queued; ``{이름}`` stays until it is sent, so the outbox keeps no name. The interim
notice (:func:`queue_interim_notice`) goes out once per case, queued by the deadline watch from the interim
template in use.
"""
from __future__ import annotations

import re
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import record
from ..customers.identity import identity
from ..database import db
from ..distribution.customer_messages import MessageRefused, has_address, queue_customer_message
from ..models import Case, CaseEvent, CaseReplyTemplate, Contact, Customer, MessageKind, OutboxMessage, Response
from ..privacy.contacts import view
from .calendar import add_business_days
from .categories import deadline_days
from .operations import CaseError, _check_version, note_first_contact, seoul_today
from .reply_templates import pick_template

CHANNEL_NAMES = {"sms": "문자(SMS)", "email": "전자우편"}
_FIELD = re.compile(r"\{([^{}]*)\}")


def case_values(case: Case, today: date) -> dict[str, str]:
    """What a template's case placeholders become for ``case`` on ``today``."""
    expected = add_business_days(max(today, case.due_on), min(deadline_days(case.category), 7))
    return {"사건번호": case.number, "접수일": _korean_date(case.received_on), "처리기한": _korean_date(case.due_on),
            "예정일": _korean_date(expected), "담당부서": case.org_unit.name if case.org_unit else "우체국 고객센터",
            "센터전화": current_app.config["CONTACT_CENTER_PHONE"]}


def _korean_date(day: date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


def fill_case(text: str, values: dict[str, str]) -> str:
    """``text`` with the case placeholders filled in; ``{이름}`` (and anything unknown) left as it is."""
    return _FIELD.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), text)


def template_text(template: CaseReplyTemplate, case: Case, today: date) -> tuple[str, str]:
    """(subject, body) of a template for a case, the case's details filled in, ``{이름}`` kept."""
    values = case_values(case, today)
    return fill_case(template.subject or "", values), fill_case(template.body, values)


def recipient(case: Case) -> tuple[Customer | None, Contact | None]:
    """The case's customer, and the contact they answered from (else the customer's first contact)."""
    customer = db.session.get(Customer, case.customer_id) if case.customer_id else None
    contact = None
    if case.response_id is not None:
        response = db.session.get(Response, case.response_id)
        if response is not None and response.invitation is not None:
            contact = response.invitation.contact
    if contact is None and customer is not None:
        contact = db.session.scalar(select(Contact).where(Contact.customer_id == customer.id).order_by(Contact.id)
                                    .limit(1))
    return customer, contact


def reachable_channels(case: Case) -> list[str]:
    """The channels the case's customer has an address for (SMS first)."""
    customer, contact = recipient(case)
    return [channel for channel in CHANNEL_NAMES if has_address(channel, customer, contact)]


def preview(body: str, case: Case) -> str:
    """The text as the customer will read it, with the name masked (홍*동) for the screen."""
    customer, contact = recipient(case)
    names = [view(contact).name if contact is not None else "", identity(customer).name if customer else ""]
    name = next((n for n in names if n), "") or _("고객")
    return _FIELD.sub(lambda m: name if m.group(1).strip() in ("이름", "name") else m.group(0), body)


def chosen_template(value: str | int | None) -> CaseReplyTemplate:
    """The template a reply form names (its id); raises :class:`CaseError` when none or a retired one."""
    text = str(value or "")
    template = db.session.get(CaseReplyTemplate, int(text)) if text.isdigit() and int(text) < 2**31 else None
    if template is None:
        raise CaseError(_("안내 문구를 골라 주십시오."))
    if template.retired_at is not None:
        raise CaseError(_("그 안내 문구는 더 이상 쓰지 않습니다. 다른 문구를 골라 주십시오."))
    return template


def send_reply(case: Case, *, channel: str, template: str | int | None, subject: str, body: str,
               expected_version: int | None = None) -> OutboxMessage:
    """Queue a reply to the case's customer; it is on the timeline at once and its outcome follows.
    Raises :class:`CaseError` (Korean) when it may not or cannot go; nothing changes then. Flushes."""
    _check_version(case, expected_version)
    chosen = chosen_template(template)
    if channel not in CHANNEL_NAMES:
        raise CaseError(_("보낼 경로(문자 또는 전자우편)를 골라 주십시오."))
    customer, contact = recipient(case)
    try:
        message = queue_customer_message(db.session, customer=customer, contact=contact, channel=channel,
                                         subject=subject, body=fill_case(body, case_values(case, seoul_today())),
                                         kind=chosen.purpose, case_id=case.id, template=chosen.name)
    except MessageRefused as exc:
        raise CaseError(str(exc)) from None
    if chosen.purpose != MessageKind.INTERIM_NOTICE:
        note_first_contact(case)
    db.session.flush()
    record("case.reply", "case", case.id, details={"message": message.id, "channel": channel,
                                                   "template": chosen.id, "template_name": chosen.name})
    return message


def queue_interim_notice(case: Case, today: date) -> OutboxMessage | None:
    """The 중간 안내 to the customer, once per case (SMS if there is a number and an SMS template, else e-mail);
    when it cannot go, the timeline says why so the handler calls instead. Flushes."""
    customer, contact = recipient(case)
    try:
        channels = reachable_channels(case)
        if not channels:
            raise MessageRefused(_("고객 연락처가 없어 중간 안내를 보내지 못했습니다."))
        found = [(c, t) for c in channels if (t := pick_template(case, MessageKind.INTERIM_NOTICE, c)) is not None]
        if not found:
            raise MessageRefused(_("쓰고 있는 중간 안내 문구가 없어 중간 안내를 보내지 못했습니다."))
        channel, template = found[0]
        subject, body = template_text(template, case, today)
        return queue_customer_message(db.session, customer=customer, contact=contact, channel=channel,
                                      subject=subject, body=body, kind=MessageKind.INTERIM_NOTICE, case_id=case.id,
                                      dedupe_key=f"case:{case.id}:interim", template=template.name)
    except MessageRefused as exc:
        db.session.add(CaseEvent(case_id=case.id, kind="interim_not_sent",
                                 note=f"{exc} 고객에게 전화로 진행 상황을 알려 주십시오.", data={}))
        db.session.flush()
        return None
