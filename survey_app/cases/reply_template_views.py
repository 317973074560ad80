"""The reply templates page (답변 문구 관리): the texts the case page's reply form offers, listed, added,
changed, retired and restored by staff who set case rules for the whole organisation. Each change is checked
(Korean reasons, 422, what was typed kept) and audit logged; an SMS text is shown with its size."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..database import db
from ..distribution.messages import sms_size
from ..models import CaseReplyTemplate, Permission
from ..web.access import requires
from ..web.scopes import ORGANISATION
from . import bp
from .categories import CATEGORIES, category_name
from .forms import ReplyTemplateForm
from .operations import CaseError
from .reply_templates import (
    PURPOSES,
    TEMPLATE_CHANNELS,
    add_template,
    all_templates,
    change_template,
    known_fields,
    restore_template,
    retire_template,
    sms_kind,
    with_samples,
)


def _form(template: CaseReplyTemplate | None = None) -> ReplyTemplateForm:
    data = None if template is None else {
        "name": template.name, "channel": template.channel, "purpose": template.purpose,
        "category": template.category or "", "subject": template.subject or "", "body": template.body}
    form = ReplyTemplateForm() if request.method == "POST" else ReplyTemplateForm(formdata=None, data=data)
    form.channel.choices = list(TEMPLATE_CHANNELS.items())
    form.purpose.choices = list(PURPOSES.items())
    form.category.choices = [("", _("모든 분류"))] + [(code, name) for code, (name, _d, _b) in CATEGORIES.items()]
    return form


def sms_sizes(templates: list[CaseReplyTemplate]) -> dict[int, str]:
    """'SMS · 78바이트' (or LMS, or too long) of each SMS template filled with the longest likely values."""
    shown = {}
    for template in (t for t in templates if t.channel == "sms"):
        size, _limit = sms_size(with_samples(template.body))
        try:
            kind = sms_kind(template.body)
        except ValueError:
            kind = _("너무 깁니다")
        shown[template.id] = _("%(kind)s · 최대 %(size)d바이트", kind=kind, size=size)
    return shown


def _page(form: ReplyTemplateForm, status: int = 200, error: str | None = None,
          editing: CaseReplyTemplate | None = None):
    templates = all_templates()
    return render_template("cases/reply_templates.html", templates=templates, sizes=sms_sizes(templates), form=form,
                           error=error, editing=editing, purposes=PURPOSES, channels=TEMPLATE_CHANNELS,
                           category_name=category_name, known=known_fields()), status


def _values(form: ReplyTemplateForm) -> dict:
    return {"name": form.name.data, "channel": form.channel.data, "purpose": form.purpose.data,
            "category": form.category.data, "subject": form.subject.data, "body": form.body.data}


def _refuse(form: ReplyTemplateForm) -> None:
    raise CaseError(next(iter(e for errors in form.errors.values() for e in errors), _("입력한 내용을 확인해 주십시오.")))


def _saved(template: CaseReplyTemplate, message: str) -> None:
    """Say it was saved, and when an SMS goes as an LMS (longer, dearer) say that too."""
    flash(message)
    if template.channel == "sms" and template.retired_at is None and sms_kind(template.body) == "LMS":
        flash(_("이 문자 문구는 90바이트를 넘어 장문(LMS)으로 보내집니다. 단문으로 보내려면 줄여 주십시오."))


@bp.route("/reply-templates", methods=["GET", "POST"])
@requires(Permission.MANAGE_CASE_RULES, scope=ORGANISATION)
def reply_templates():
    """The reply templates (in use first), and a form to add one."""
    form = _form()
    if request.method == "GET":
        return _page(form)
    try:
        with db.session.begin_nested():
            template = add_template(**_values(form)) if form.validate() else _refuse(form)
    except CaseError as exc:
        return _page(form, 422, str(exc))
    _saved(template, _("답변 문구를 추가했습니다. 사건 화면의 답변 보내기에서 고를 수 있습니다."))
    return redirect(url_for("cases.reply_templates"), 303)


@bp.route("/reply-templates/<int(max=2147483647):template_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_CASE_RULES, scope=ORGANISATION)
def reply_template_edit(template_id: int):
    """Change one reply template (replies already sent keep their text)."""
    template = db.session.get(CaseReplyTemplate, template_id) or abort(404)
    form = _form(template)
    if request.method == "GET":
        return _page(form, editing=template)
    try:
        with db.session.begin_nested():
            change_template(template, **_values(form)) if form.validate() else _refuse(form)
    except CaseError as exc:
        db.session.refresh(template)
        return _page(form, 422, str(exc), editing=template)
    _saved(template, _("답변 문구를 고쳤습니다. 이미 보낸 답변은 보낸 내용 그대로 남습니다."))
    return redirect(url_for("cases.reply_templates"), 303)


@bp.post("/reply-templates/<int(max=2147483647):template_id>/retire")
@requires(Permission.MANAGE_CASE_RULES, scope=ORGANISATION)
def reply_template_retire(template_id: int):
    """Stop offering a reply template."""
    return _switch(template_id, retire_template, _("답변 문구를 더 이상 쓰지 않도록 했습니다."))


@bp.post("/reply-templates/<int(max=2147483647):template_id>/restore")
@requires(Permission.MANAGE_CASE_RULES, scope=ORGANISATION)
def reply_template_restore(template_id: int):
    """Offer a retired reply template again."""
    return _switch(template_id, restore_template, _("답변 문구를 다시 쓰도록 했습니다."))


def _switch(template_id: int, change, done: str):
    template = db.session.get(CaseReplyTemplate, template_id) or abort(404)
    try:
        with db.session.begin_nested():
            change(template)
    except CaseError as exc:
        db.session.refresh(template)
        return _page(_form(), 422, str(exc))
    flash(done)
    return redirect(url_for("cases.reply_templates"), 303)
