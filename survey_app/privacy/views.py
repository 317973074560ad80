"""Staff screens for contacts: masked by default; unmasking and downloads state a purpose and are logged."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import Select, select

from ..audit import record
from ..database import db
from ..models import AccessAction, Contact, OrgUnit, Permission
from ..web.access import can, requires, scopes, visible_units
from ..web.downloads import csv_response
from ..web.numbers import query_number
from .access_log import log_access
from .contacts import SUBJECT, reveal, view
from .crypto import key_ring
from .forms import ContactSearchForm, ExportForm, PurposeForm

bp = Blueprint("contacts", __name__, url_prefix="/manage/contacts")
PAGE_SIZE = 100
MAX_PAGE = 1_000_000  # keeps the OFFSET within a 64-bit integer


def _in_units(query: Select, units: set[int] | None) -> Select:
    """Limit contacts to ``units`` (None: all, including contacts with no unit)."""
    return query if units is None else query.where(Contact.org_unit_id.in_(units))


def _search(query: Select, text: str) -> Select:
    ring = key_ring()
    if "@" in text:
        return query.where(Contact.email_hash == ring.email_hash(text))
    return query.where(Contact.phone_hash == ring.phone_hash(text))


@bp.get("/")
@requires(Permission.VIEW_CONTACTS)
def index():
    """Contacts in the user's scope, masked; search by exact phone number or e-mail."""
    form = ContactSearchForm(request.args)
    page = query_number("page", 1, low=1, high=MAX_PAGE)
    query = _in_units(select(Contact), visible_units(Permission.VIEW_CONTACTS)).order_by(Contact.id.desc())
    if form.validate() and form.q.data:
        query = _search(query, form.q.data.strip())
    contacts = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("contacts/index.html", rows=[view(c) for c in contacts], form=form, page=page,
                           has_more=len(contacts) == PAGE_SIZE)


@bp.get("/<int:contact_id>")
@requires(Permission.VIEW_CONTACTS, scope=scopes.CONTACT)
def detail(contact_id: int):
    """One contact, masked; a button to unmask it if the user may."""
    contact = db.session.get(Contact, contact_id)
    may_unmask = can(Permission.UNMASK_PERSONAL_DATA, scopes.CONTACT.resolve(contact_id=contact_id))
    return render_template("contacts/detail.html", row=view(contact), form=PurposeForm(), may_unmask=may_unmask)


@bp.post("/<int:contact_id>/reveal")
@requires(Permission.UNMASK_PERSONAL_DATA, scope=scopes.CONTACT)
def reveal_contact(contact_id: int):
    """Show one contact unmasked, after a stated purpose; the view is written to the access log."""
    contact, form = db.session.get(Contact, contact_id), PurposeForm()
    if not form.validate_on_submit():
        return render_template("contacts/detail.html", row=view(contact), form=form, may_unmask=True), 400
    return render_template("contacts/detail.html", row=reveal(contact, purpose=form.purpose.data.strip()),
                           form=form, may_unmask=True)


def _export_units(unmasked: bool) -> set[int] | None:
    units = visible_units(Permission.EXPORT_PERSONAL_DATA)
    if not unmasked:
        return units
    unmask = visible_units(Permission.UNMASK_PERSONAL_DATA)
    return unmask if units is None else units if unmask is None else units & unmask


def _unit_codes() -> dict[int, str]:
    return dict(db.session.execute(select(OrgUnit.id, OrgUnit.code)).all())


EXPORT_HEADER = ["번호(id)", "이름(name)", "전화번호(phone)", "전자우편(e-mail)", "조직(unit)", "수신 동의(consent)",
                 "등록일(created)"]


@bp.route("/export", methods=["GET", "POST"])
@requires(Permission.EXPORT_PERSONAL_DATA)
def export():
    """Download contacts in scope as CSV after stating a purpose; masked unless asked and permitted."""
    form = ExportForm()
    may_unmask = can(Permission.UNMASK_PERSONAL_DATA)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("contacts/export.html", form=form, may_unmask=may_unmask), status
    unmasked = bool(form.unmasked.data)
    if unmasked and not may_unmask:
        abort(403)
    query = _in_units(select(Contact), _export_units(unmasked)).order_by(Contact.id)
    contacts, codes = db.session.scalars(query).all(), _unit_codes()
    log_access(AccessAction.EXPORT, SUBJECT, [c.id for c in contacts], purpose=form.purpose.data.strip(),
               details={"unmasked": unmasked, "format": "csv"})
    record("contacts.export", details={"count": len(contacts), "unmasked": unmasked})
    rows = ([v.id, v.name, v.phone, v.email, codes.get(v.org_unit_id, ""), "Y" if c.consent else "N",
             c.created_at.strftime("%Y-%m-%d")] for c in contacts for v in [view(c, masked=not unmasked)])
    return csv_response("contacts.csv", EXPORT_HEADER, rows)
