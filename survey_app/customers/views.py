"""Staff screens for customers (고객 정보): the list, one customer's page, unmasking and consent changes.

Identifiers are masked by default; unmasking states a purpose and is written to the access log. Staff
see only customers of their org subtree (``scopes.CUSTOMER`` for one customer, ``visible_units`` for the
list). Person requests (열람·정정·삭제) and the 가명정보 export are in ``request_views``.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ..database import db
from ..models import Customer, OrgUnit, Permission
from ..privacy.crypto import key_ring
from ..web.access import can, requires, scopes, visible_units
from ..web.choices import select_choices
from ..web.i18n import select_locale
from ..web.numbers import query_number
from . import labels, panels  # noqa: F401  (panels register themselves on the customer page)
from . import page as customer_page
from .consent import consent_history, record_consent
from .forms import KIND_LABELS, PURPOSE_NAMES, ConsentForm, CustomerSearchForm, PurposeForm
from .identity import identity, reveal
from .rows import timeline_rows

bp = Blueprint("customers", __name__, url_prefix="/manage/customers")
LIST_SIZE = 50
MAX_LIST_PAGE = 100_000


def unit_choices(units: set[int] | None, blank: str) -> list:
    """Org units the user may see, as select options with a leading blank option."""
    query = select(OrgUnit.id, OrgUnit.code, OrgUnit.name).order_by(OrgUnit.code)
    if units is not None:
        query = query.where(OrgUnit.id.in_(units))
    return select_choices([("", blank)] + [(str(i), f"{name} ({code})") for i, code, name in db.session.execute(query)])


def _search(query: Select, text: str) -> Select:
    """Exact external id, else the keyed hash of a phone number or e-mail address."""
    ring = key_ring()
    if "@" in text:
        return query.where(Customer.email_hash == ring.email_hash(text))
    digits = sum(c.isdigit() for c in text)
    if digits >= 8 and not any(c.isalpha() for c in text):
        return query.where((Customer.phone_hash == ring.phone_hash(text)) | (Customer.external_id == text))
    return query.where(Customer.external_id == text)


def customer_query(form: CustomerSearchForm, units: set[int] | None) -> Select:
    """Customers in ``units`` (None: all) matching the search form, newest first."""
    query = select(Customer).options(joinedload(Customer.org_unit)).order_by(Customer.id.desc())
    if units is not None:
        query = query.where(Customer.org_unit_id.in_(units))
    if form.q.data and form.q.data.strip():
        query = _search(query, form.q.data.strip())
    if (form.office.data or "").isdigit():
        query = query.where(Customer.org_unit_id == int(form.office.data))
    if form.kind.data in KIND_LABELS:
        query = query.where(Customer.kind == form.kind.data)
    if form.customer_type.data and form.customer_type.data.strip():
        query = query.where(Customer.customer_type == form.customer_type.data.strip())
    return query


@bp.get("/")
@requires(Permission.VIEW_CUSTOMERS)
def index():
    """Customers of the user's org subtree, masked; search by customer number, phone or e-mail."""
    units = visible_units(Permission.VIEW_CUSTOMERS)
    form = CustomerSearchForm(request.args)
    form.office.choices = unit_choices(units, _("전체"))
    page = query_number("page", 1, low=1, high=MAX_LIST_PAGE)
    customers = []
    if form.validate():
        customers = db.session.scalars(customer_query(form, units)
                                       .limit(LIST_SIZE + 1).offset((page - 1) * LIST_SIZE)).all()
    rows = [(c, identity(c)) for c in customers[:LIST_SIZE]]
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("customers/index.html", form=form, rows=rows, page=page, args=args,
                           has_more=len(customers) > LIST_SIZE, kinds=KIND_LABELS)


def _kinds_shown() -> tuple[str, ...]:
    shown = request.args.get("show", "")
    return (shown,) if shown in customer_page.KINDS else customer_page.KINDS


def _region_name(region: str | None) -> str | None:
    """A region stored as a unit code (R-SEOUL) shown by the unit's name; other text as it is."""
    if not region:
        return None
    return db.session.scalar(select(OrgUnit.name).where(OrgUnit.code == region)) or region


def render_customer(customer: Customer, *, shown=None, purpose_form=None, consent_form=None, status: int = 200):
    """The customer page with identifiers masked unless ``shown`` holds revealed ones."""
    page = query_number("page", 1, low=1, high=customer_page.MAX_PAGE)
    events, has_more = customer_page.timeline(customer.id, page, _kinds_shown())
    unit = scopes.CUSTOMER.resolve(customer_id=customer.id)
    return render_template(
        "customers/detail.html", customer=customer, who=shown or identity(customer), page=page,
        rows=timeline_rows(events, select_locale()),
        has_more=has_more, show=request.args.get("show", ""), summary=customer_page.summary(customer.id),
        history=consent_history(customer.id), contacts=customer_page.linked_contacts(customer.id),
        panels=customer_page.panels(customer), purposes=PURPOSE_NAMES, methods=labels.METHOD_NAMES, kinds=KIND_LABELS,
        purpose_form=purpose_form or PurposeForm(), consent_form=consent_form or ConsentForm(),
        may_unmask=can(Permission.UNMASK_PERSONAL_DATA, unit), may_manage=can(Permission.MANAGE_CUSTOMERS, unit),
        may_request=can(Permission.HANDLE_PERSON_REQUESTS, unit), channel_labels=labels.CHANNEL_LABELS,
        invitation_channels=labels.INVITATION_CHANNEL_LABELS, invitation_statuses=labels.INVITATION_STATUS_LABELS,
        region_name=_region_name(customer.region),
        order_labels=labels.ORDER_STATUS_LABELS), status


@bp.get("/<int:customer_id>")
@requires(Permission.VIEW_CUSTOMERS, scope=scopes.CUSTOMER)
def detail(customer_id: int):
    """One customer: profile (masked), consents with their history, and one timeline of calls, orders, surveys."""
    return render_customer(db.session.get(Customer, customer_id))


@bp.post("/<int:customer_id>/reveal")
@requires(Permission.UNMASK_PERSONAL_DATA, scope=scopes.CUSTOMER)
def reveal_customer(customer_id: int):
    """The customer page unmasked, after a stated purpose; the view is written to the access log."""
    customer, form = db.session.get(Customer, customer_id), PurposeForm()
    if not form.validate_on_submit():
        return render_customer(customer, purpose_form=form, status=400)
    return render_customer(customer, shown=reveal(customer, purpose=form.purpose.data.strip()), purpose_form=form)


@bp.post("/<int:customer_id>/consent")
@requires(Permission.MANAGE_CUSTOMERS, scope=scopes.CUSTOMER)
def change_consent(customer_id: int):
    """Record a grant or withdrawal the customer stated; it takes effect at once (invitations stop)."""
    customer, form = db.session.get(Customer, customer_id), ConsentForm()
    if customer.anonymised_at is not None:
        flash(_("삭제(익명 처리)된 고객의 동의는 바꿀 수 없습니다."), "error")
        return redirect(url_for(".detail", customer_id=customer_id))
    if not form.validate_on_submit():
        return render_customer(customer, consent_form=form, status=400)
    granted, purpose = form.granted.data == "yes", form.purpose.data
    event = record_consent(customer, purpose, granted, method="staff", note=(form.note.data or "").strip() or None)
    name = PURPOSE_NAMES[purpose]
    if event is None:
        flash(_("%(purpose)s 동의는 이미 그 상태입니다.", purpose=name), "info")
    else:
        flash(_("%(purpose)s 동의를 기록했습니다.", purpose=name) if granted
              else _("%(purpose)s 동의 철회를 기록했습니다. 바로 적용됩니다.", purpose=name), "success")
    return redirect(url_for(".detail", customer_id=customer_id))
