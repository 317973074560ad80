"""Case pages: 내 업무, a unit's queue with bulk assign, a case with its SLA clock and actions, intake,
the dashboard and the rule editor of a survey. Writes go through :mod:`.operations`; a refusal shows the
page again with what was typed and a Korean reason (422), never a traceback."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from exports import write_case_list

from ..audit import record
from ..database import db
from ..models import Case, CaseRule, Customer, OrgUnit, Permission, RoleGrant, Survey, User
from ..web.access import can, requires, visible_units
from ..web.scopes import ORG_WIDE, SURVEY
from . import bp
from . import operations as ops
from .categories import category_name, root_causes
from .forms import (
    SOURCE_NAMES,
    AssignForm,
    BulkAssignForm,
    CloseForm,
    IntakeForm,
    NoteForm,
    TransferForm,
    category_choices,
)
from .pages import clock, dashboard, my_cases, queue, subtree
from .replies import CHANNEL_NAMES, send_reply
from .reply_views import (
    FAILURE_EVENTS,
    MESSAGE_EVENT_NAMES,
    load_template,
    message_event_name,
    reply_form,
    reply_parts,
    reply_preview,
)
from .reporting import CASE_LIST_HEADER, case_list_rows
from .rule_views import rule_page
from .rules import remove_rule
from .scopes import CASE

ACTIONS = ("assign", "start", "answer", "close", "reopen", "transfer", "note")


def _names() -> dict:
    return {"statuses": ops.STATUS_NAMES, "category_name": category_name, "priorities": ops.PRIORITIES,
            "sources": SOURCE_NAMES,
            "resolutions": ops.RESOLUTION_NAMES, "root_causes": root_causes(),
            "message_event_names": MESSAGE_EVENT_NAMES, "message_event_name": message_event_name,
            "failure_events": FAILURE_EVENTS, "channel_names": CHANNEL_NAMES}


def _units_in_view(permission: Permission) -> list[OrgUnit]:
    units = visible_units(permission)
    query = select(OrgUnit).order_by(OrgUnit.sort_order, OrgUnit.code)
    return list(db.session.scalars(query if units is None else query.where(OrgUnit.id.in_(units))))


def _handlers(unit_id: int | None) -> list[User]:
    """Active staff whose scope lets them handle cases of the unit."""
    users = db.session.scalars(select(User).where(User.active.is_(True), User.id.in_(select(RoleGrant.user_id)))
                               .order_by(User.display_name))
    return [user for user in users if ops.may_handle(user, unit_id)]


@bp.get("/")
@requires(Permission.VIEW_CASES)
def mine():
    """내 업무: my open cases, the nearest deadline first."""
    today = ops.seoul_today()
    cases = my_cases(current_user.id)
    return render_template("cases/mine.html", cases=cases, clocks={c.id: clock(c, today) for c in cases}, **_names())


def _chosen_units() -> tuple[set[int] | None, int | None]:
    visible = visible_units(Permission.VIEW_CASES)
    unit_id = request.args.get("unit", type=int)
    if unit_id is None:
        return visible, None
    if not can(Permission.VIEW_CASES, unit_id):
        abort(403)
    return subtree(unit_id), unit_id


@bp.get("/queue")
@requires(Permission.VIEW_CASES)
def unit_queue():
    """A unit's queue (and the units below it): unassigned first, then by deadline; bulk assign."""
    units, unit_id = _chosen_units()
    status = request.args.get("status") if request.args.get("status") in ops.STATUS_NAMES else None
    today = ops.seoul_today()
    cases = queue(units, status=status)
    form = BulkAssignForm()
    form.assignee.choices = [("", _("담당자 선택"))] + [(str(u.id), u.display_name) for u in _handlers(unit_id)]
    return render_template("cases/queue.html", cases=cases, clocks={c.id: clock(c, today) for c in cases},
                           units=_units_in_view(Permission.VIEW_CASES), unit_id=unit_id, status=status, form=form,
                           manages_templates=can(Permission.MANAGE_CASE_RULES, ORG_WIDE), **_names())


@bp.post("/queue/assign")
@requires(Permission.HANDLE_CASES)
def bulk_assign():
    """Assign the ticked cases to one member of staff; each case is checked on its own."""
    assignee = db.session.get(User, request.form.get("assignee", type=int) or 0)
    ids = [int(v) for v in request.form.getlist("cases") if v.isdigit()]
    if assignee is None or not ids:
        flash(_("배정할 사건과 담당자를 골라 주십시오."))
        return redirect(url_for("cases.unit_queue", **request.args))
    done, refused = 0, []
    for case in db.session.scalars(select(Case).where(Case.id.in_(ids))):
        if not can(Permission.HANDLE_CASES, case.org_unit_id or ORG_WIDE):
            refused.append(f"{case.number}: " + _("이 사건을 배정할 권한이 없습니다."))
            continue
        try:
            with db.session.begin_nested():
                ops.assign(case, assignee)
            done += 1
        except ops.CaseError as exc:
            refused.append(f"{case.number}: {exc}")
    flash(_("%(n)d건을 %(name)s 님에게 배정했습니다.", n=done, name=assignee.display_name))
    for line in refused:
        flash(line)
    return redirect(url_for("cases.unit_queue", **request.args))


def _case_forms(case: Case, formdata=None) -> dict:
    forms = {name: cls(formdata=formdata if request.form.get("action") == name else None, prefix=name)
             for name, cls in (("assign", AssignForm), ("answer", NoteForm), ("close", CloseForm),
                               ("reopen", NoteForm), ("transfer", TransferForm), ("note", NoteForm),
                               ("start", NoteForm))}
    for form in forms.values():
        if not form.version.data:
            form.version.data = str(case.version)
    forms["assign"].assignee.choices = [("", _("담당자 선택"))] + [(str(u.id), u.display_name)
                                                                 for u in _handlers(case.org_unit_id)]
    forms["close"].root_cause.choices = [("", _("원인 분류 선택"))] + list(root_causes().items())
    forms["transfer"].unit.choices = [("", _("부서 선택"))] + [
        (str(u.id), u.name) for u in _units_in_view(Permission.VIEW_CASES) if u.id != case.org_unit_id]
    return forms


def _detail(case: Case, forms: dict | None = None, status: int = 200, error: str | None = None,
            reply: dict | None = None):
    customer = db.session.get(Customer, case.customer_id) if case.customer_id else None
    handle = can(Permission.HANDLE_CASES, case.org_unit_id or ORG_WIDE)
    return render_template("cases/detail.html", case=case, clock=clock(case, ops.seoul_today()), customer=customer,
                           forms=forms or _case_forms(case), error=error, handle=handle,
                           **(reply or (reply_parts(case) if handle else {})), **_names()), status


@bp.get("/<int(max=2147483647):case_id>")
@requires(Permission.VIEW_CASES, scope=CASE)
def detail(case_id: int):
    """A case: who, what, the SLA clock, the triggering answers, the timeline and what can be done next."""
    return _detail(db.session.get(Case, case_id))


def _apply(case: Case, action: str, form) -> None:
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    if action == "assign":
        assignee = db.session.get(User, int(form.assignee.data)) if (form.assignee.data or "").isdigit() else None
        if assignee is None:
            raise ops.CaseError(_("담당자를 골라 주십시오."))
        ops.assign(case, assignee, expected_version=version)
    elif action == "start":
        ops.start(case, expected_version=version)
    elif action == "answer":
        ops.answer(case, form.note.data or "", expected_version=version)
    elif action == "close":
        ops.close(case, root_cause=form.root_cause.data or "", resolution=form.resolution.data or "",
                  note=form.note.data, expected_version=version)
    elif action == "reopen":
        ops.reopen(case, form.note.data or "", expected_version=version)
    elif action == "transfer":
        unit = db.session.get(OrgUnit, int(form.unit.data)) if (form.unit.data or "").isdigit() else None
        if unit is None:
            raise ops.CaseError(_("이관할 부서를 골라 주십시오."))
        ops.transfer(case, unit, form.note.data or "", expected_version=version)
    else:
        ops.add_note(case, form.note.data or "")


@bp.post("/<int(max=2147483647):case_id>/<action>")
@requires(Permission.HANDLE_CASES, scope=CASE)
def act(case_id: int, action: str):
    """One action on a case; a refusal or someone else's change shows the page again with what was typed."""
    if action not in ACTIONS:
        abort(404)
    case = db.session.get(Case, case_id)
    forms = _case_forms(case, request.form)
    form = forms[action]
    if not form.validate():
        return _detail(case, forms, 422, _("입력한 내용을 확인해 주십시오."))
    try:
        with db.session.begin_nested():
            _apply(case, action, form)
    except ops.CaseError as exc:
        db.session.refresh(case)
        return _detail(case, forms, 409 if isinstance(exc, ops.CaseConflict) else 422, str(exc))
    except StaleDataError:
        db.session.rollback()
        case = db.session.get(Case, case_id)
        return _detail(case, _case_forms(case, request.form), 409, str(ops.CaseConflict()))
    flash(_("처리했습니다."))
    return redirect(url_for("cases.detail", case_id=case.id), 303)


@bp.post("/<int(max=2147483647):case_id>/reply")
@requires(Permission.HANDLE_CASES, scope=CASE)
def reply(case_id: int):
    """Reply to the customer: load a template, preview the text, or send it through the outbox."""
    case = db.session.get(Case, case_id)
    form, step = reply_form(case, request.form), request.form.get("step")
    if step == "load":
        load_template(form, case)
        return _detail(case, reply=reply_parts(case, form))
    if not form.validate():
        return _detail(case, status=422, error=_("입력한 내용을 확인해 주십시오."), reply=reply_parts(case, form))
    if step != "send":
        return _detail(case, reply=reply_parts(case, form, reply_preview(form, case)))
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        with db.session.begin_nested():
            send_reply(case, channel=form.channel.data or "", template=form.template.data or "",
                       subject=form.subject.data or "", body=form.body.data or "", expected_version=version)
    except ops.CaseError as exc:
        db.session.refresh(case)
        return _detail(case, status=409 if isinstance(exc, ops.CaseConflict) else 422, error=str(exc),
                       reply=reply_parts(case, form, reply_preview(form, case)))
    flash(_("답변을 발송 대기열에 넣었습니다. 보내지면 처리 이력에 표시됩니다."))
    return redirect(url_for("cases.detail", case_id=case.id), 303)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.HANDLE_CASES)
def intake():
    """A case taken by phone, at the counter, from the board or an SMS counselling chat."""
    form = IntakeForm()
    form.category.choices = category_choices()
    form.org_unit.choices = [("", _("자동 배정 (분류·지역·센터)"))] + [
        (str(u.id), u.name) for u in _units_in_view(Permission.HANDLE_CASES)]
    if not form.validate_on_submit():
        return render_template("cases/intake.html", form=form), 422 if request.method == "POST" else 200
    unit_id = int(form.org_unit.data) if (form.org_unit.data or "").isdigit() else None
    if unit_id is not None and not can(Permission.HANDLE_CASES, unit_id):
        form.org_unit.errors = [_("그 부서의 사건을 접수할 권한이 없습니다.")]
        return render_template("cases/intake.html", form=form), 422
    customer = (db.session.scalar(select(Customer).where(Customer.external_id == form.customer_ref.data.strip()))
                if form.customer_ref.data else None)
    if form.customer_ref.data and customer is None:
        form.customer_ref.errors = [_("그 고객 번호를 찾지 못했습니다. 번호를 확인하거나 비워 두십시오.")]
        return render_template("cases/intake.html", form=form), 422
    case = ops.open_case(source=form.source.data, category=form.category.data, priority=form.priority.data,
                         summary=form.summary.data, detail=form.detail.data or None,
                         customer_id=customer.id if customer else None, org_unit_id=unit_id,
                         region=customer.region if customer else None)
    flash(_("%(number)s 사건으로 접수했습니다.", number=case.number))
    return redirect(url_for("cases.detail", case_id=case.id), 303)


@bp.get("/dashboard")
@requires(Permission.VIEW_CASES)
def board():
    """A unit's handling: backlog, overdue, medians, share within the deadline, recovery, top root causes."""
    units, unit_id = _chosen_units()
    figures = dashboard(units, ops.seoul_today())
    return render_template("cases/dashboard.html", d=figures, units=_units_in_view(Permission.VIEW_CASES),
                           unit_id=unit_id, **_names())


@bp.route("/rules/<int(max=2147483647):survey_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_CASE_RULES, scope=SURVEY)
def rules(survey_id: int):
    """The survey's case rules: when a completed response opens a case."""
    return rule_page(db.session.get(Survey, survey_id))


@bp.post("/rules/<int(max=2147483647):survey_id>/<int(max=2147483647):rule_id>/off")
@requires(Permission.MANAGE_CASE_RULES, scope=SURVEY)
def rule_off(survey_id: int, rule_id: int):
    """Switch a rule off."""
    rule = db.session.get(CaseRule, rule_id)
    if rule is None or rule.survey_id != survey_id:
        abort(404)
    remove_rule(rule)
    flash(_("규칙을 껐습니다."))
    return redirect(url_for("cases.rules", survey_id=survey_id), 303)



@bp.get("/export.xlsx")
@requires(Permission.VIEW_CASES)
def export():
    """The case list of the units in view as an Excel file (no personal data: numbers, units, summaries)."""
    buffer = io.BytesIO()
    write_case_list(CASE_LIST_HEADER, case_list_rows(visible_units(Permission.VIEW_CASES)), buffer)
    record("case.export", "case", None, details={})
    return send_file(io.BytesIO(buffer.getvalue()), as_attachment=True, download_name="voc-cases.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
