"""Reply templates staff manage (문구 관리): the texts the case page's reply form starts from, kept in the
database (seeded by migration 0020 with the three built-in ones, for SMS and e-mail).

Writes — add, change, retire, restore — check first (a name, a channel, what kind of message, a known
category, an e-mail subject, a body with only known placeholders, an SMS that fits an LMS with long values),
then change, flush and write the audit log; none commits. Placeholders: ``{이름}`` (filled when sent) and the
case's details ``{사건번호}``, ``{접수일}``, ``{처리기한}``, ``{예정일}``, ``{담당부서}``, ``{센터전화}``.
"""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import current_actor, record
from ..database import db
from ..distribution.checks import sms_type
from ..distribution.messages import LONGEST_NAME
from ..models import Case, CaseReplyTemplate, MessageKind, utcnow
from .categories import CATEGORIES
from .operations import CaseError

#: What a template is for: the kind of message it queues (an interim notice does not count as first contact).
PURPOSES = {MessageKind.CASE_REPLY: _l("처리 결과 안내"), MessageKind.INTERIM_NOTICE: _l("중간 안내 (처리 기간 연장)"),
            MessageKind.CONTACT_ATTEMPT: _l("연락 시도 안내")}
TEMPLATE_CHANNELS = {"sms": _l("문자(SMS)"), "email": _l("전자우편")}
NAME_FIELDS = ("이름", "name")
CASE_FIELDS = ("사건번호", "접수일", "처리기한", "예정일", "담당부서", "센터전화")
#: The longest values the SMS length check assumes when a template is saved (no case is known then).
SAMPLE_VALUES = {"이름": LONGEST_NAME, "name": LONGEST_NAME, "사건번호": "VOC-2026-000000",
                 "접수일": "2026년 12월 31일", "처리기한": "2026년 12월 31일", "예정일": "2026년 12월 31일",
                 "담당부서": "서울지방우정청 광화문우체국", "센터전화": "1588-1300"}
MAX_BODY = 2000
_FIELD = re.compile(r"\{([^{}]*)\}")


def known_fields() -> str:
    """The placeholders a reply template may hold, as staff write them."""
    return ", ".join("{" + f + "}" for f in ("이름", *CASE_FIELDS))


def placeholder_problem(text: str) -> str | None:
    """Why ``text``'s placeholders cannot be filled (Korean), or None."""
    unknown = [f for f in _FIELD.findall(text) if f.strip() not in (*NAME_FIELDS, *CASE_FIELDS)]
    if unknown:
        names = ", ".join("{" + u + "}" for u in dict.fromkeys(unknown))
        return _("알 수 없는 항목이 있습니다: %(names)s. 쓸 수 있는 항목은 %(known)s입니다.", names=names,
                 known=known_fields())
    if "{" in _FIELD.sub("", text) or "}" in _FIELD.sub("", text):
        return _("중괄호 { }의 짝이 맞지 않습니다. 항목은 {사건번호}처럼 적어 주십시오.")
    return None


def sms_kind(body: str) -> str:
    """'SMS' or 'LMS' for the body filled with the longest likely values; raises ValueError beyond an LMS."""
    return sms_type(with_samples(body))


def with_samples(body: str) -> str:
    """``body`` filled with the longest likely values (the center's own phone number)."""
    values = {**SAMPLE_VALUES, "센터전화": current_app.config["CONTACT_CENTER_PHONE"]}
    return _FIELD.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), body)


def template_problem(*, name: str, channel: str, purpose: str, category: str | None, subject: str,
                     body: str, template_id: int | None = None) -> str | None:
    """Why a reply template cannot be saved (Korean), or None."""
    if not name or len(name) > 100:
        return _("문구 이름을 100자 이내로 적어 주십시오.")
    if channel not in TEMPLATE_CHANNELS:
        return _("보낼 경로(문자 또는 전자우편)를 골라 주십시오.")
    if purpose not in PURPOSES:
        return _("문구의 용도를 골라 주십시오.")
    if category is not None and category not in CATEGORIES:
        return _("알 수 없는 분류입니다. 목록에서 골라 주십시오.")
    if channel == "email" and not subject:
        return _("전자우편 문구에는 제목을 적어 주십시오.")
    if len(subject) > 200:
        return _("전자우편 제목은 200자 이내로 적어 주십시오.")
    if not body or len(body) > MAX_BODY:
        return _("보낼 내용을 2,000자 이내로 적어 주십시오.")
    problem = placeholder_problem(subject + body)
    if problem:
        return problem
    if channel == "sms":
        try:
            sms_kind(body)
        except ValueError as exc:
            return _("문자가 너무 깁니다: %(reason)s", reason=exc)
    return _duplicate(name, channel, template_id)


def _duplicate(name: str, channel: str, template_id: int | None) -> str | None:
    same = db.session.scalar(select(CaseReplyTemplate.id).where(
        CaseReplyTemplate.name == name, CaseReplyTemplate.channel == channel, CaseReplyTemplate.retired_at.is_(None),
        CaseReplyTemplate.id != (template_id or 0)))
    if same is not None:
        return _("같은 이름의 %(channel)s 문구가 이미 있습니다. 있는 문구를 고치거나 이름을 바꿔 주십시오.",
                 channel=TEMPLATE_CHANNELS[channel])
    return None


def _cleaned(name: str | None, channel: str | None, purpose: str | None, category: str | None,
             subject: str | None, body: str | None) -> dict:
    channel = (channel or "").strip()
    return {"name": (name or "").strip(), "channel": channel, "purpose": (purpose or "").strip(),
            "category": (category or "").strip() or None,
            "subject": (subject or "").strip() if channel == "email" else "",
            "body": (body or "").replace("\r\n", "\n").strip()}


def _details(template: CaseReplyTemplate) -> dict:
    return {"template": template.id, "name": template.name, "channel": template.channel,
            "purpose": template.purpose, "category": template.category}


def add_template(*, name: str | None, channel: str | None, purpose: str | None, category: str | None = None,
                 subject: str | None = None, body: str | None) -> CaseReplyTemplate:
    """A new reply template, after the checks; raises :class:`CaseError` (Korean) and adds nothing when refused."""
    values = _cleaned(name, channel, purpose, category, subject, body)
    problem = template_problem(**values)
    if problem:
        raise CaseError(problem)
    template = CaseReplyTemplate(**{**values, "subject": values["subject"] or None})
    db.session.add(template)
    db.session.flush()
    record("case.template_add", "case_reply_template", template.id, details=_details(template))
    return template


def change_template(template: CaseReplyTemplate, *, name: str | None, channel: str | None, purpose: str | None,
                    category: str | None = None, subject: str | None = None, body: str | None) -> None:
    """Change a reply template, after the same checks; nothing changes when refused. Replies already sent
    keep the text they were sent with."""
    values = _cleaned(name, channel, purpose, category, subject, body)
    problem = template_problem(**values, template_id=template.id)
    if problem:
        raise CaseError(problem)
    before = _details(template)
    for key, value in {**values, "subject": values["subject"] or None}.items():
        setattr(template, key, value)
    template.updated_at, template.updated_by_id = utcnow(), current_actor()[0]
    db.session.flush()
    record("case.template_edit", "case_reply_template", template.id,
           details={"before": before, "after": _details(template)})


def retire_template(template: CaseReplyTemplate) -> None:
    """Stop offering a template (kept, so the audit log and the history still name it)."""
    if template.retired_at is not None:
        raise CaseError(_("이미 쓰지 않는 문구입니다."))
    template.retired_at, template.updated_at, template.updated_by_id = utcnow(), utcnow(), current_actor()[0]
    db.session.flush()
    record("case.template_retire", "case_reply_template", template.id, details=_details(template))


def restore_template(template: CaseReplyTemplate) -> None:
    """Offer a retired template again (refused when an active one has its name and channel)."""
    problem = _duplicate(template.name, template.channel, template.id)
    if template.retired_at is None or problem:
        raise CaseError(problem or _("지금 쓰고 있는 문구입니다."))
    template.retired_at, template.updated_at, template.updated_by_id = None, utcnow(), current_actor()[0]
    db.session.flush()
    record("case.template_restore", "case_reply_template", template.id, details=_details(template))


def all_templates() -> list[CaseReplyTemplate]:
    """Every template for the management page: those in use first, by purpose, name and channel."""
    order, channels = list(PURPOSES), list(TEMPLATE_CHANNELS)
    rows = db.session.scalars(select(CaseReplyTemplate)).all()
    return sorted(rows, key=lambda t: (t.retired_at is not None, order.index(t.purpose) if t.purpose in order else 9,
                                       t.name, channels.index(t.channel) if t.channel in channels else 9, t.id))


def templates_for(case: Case, channels: list[str] | None = None) -> list[CaseReplyTemplate]:
    """The templates offered on ``case``'s reply form: in use, for every category or the case's, on ``channels``."""
    return [t for t in all_templates() if t.retired_at is None and t.category in (None, case.category)
            and (channels is None or t.channel in channels)]


def pick_template(case: Case, purpose: str, channel: str) -> CaseReplyTemplate | None:
    """The template a message of ``purpose`` on ``channel`` starts from: the case category's, else a general one."""
    offered = [t for t in templates_for(case, [channel]) if t.purpose == purpose]
    return next((t for t in offered if t.category == case.category), offered[0] if offered else None)
