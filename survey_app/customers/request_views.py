"""Screens for a person's requests (열람·정정·삭제) and the 가명정보 analysis export, on the customers blueprint.

Each is a personal-data access with a stated purpose or reason, written to the access log; corrections
and erasures are audited. Nothing changes before the form is valid.
"""
from __future__ import annotations

import tempfile
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from ..audit import record
from ..database import db
from ..models import AccessAction, Customer, Permission, utcnow
from ..privacy.access_log import log_access_bulk
from ..web.access import requires, scopes, visible_units
from . import labels
from .erasure import ErasureError, erase_customer
from .forms import KIND_LABELS, PURPOSE_NAMES, DisclosureForm, ErasureForm, PseudonymisedExportForm, RectifyForm
from .identity import SUBJECT
from .pseudonymised import ExportScope, write_zip
from .requests import disclosure, rectify
from .views import bp, unit_choices

SPOOL_BYTES = 32 * 1024 * 1024  # a larger export goes to a temporary file, not memory


def _customer(customer_id: int) -> Customer:
    return db.session.get(Customer, customer_id)


@bp.route("/<int:customer_id>/rectify", methods=["GET", "POST"])
@requires(Permission.HANDLE_PERSON_REQUESTS, scope=scopes.CUSTOMER)
def rectify_page(customer_id: int):
    """정정 요청: correct identifiers (blank keeps the stored value), region, office, kind and type."""
    customer = _customer(customer_id)
    if customer.anonymised_at is not None:
        abort(404)
    form = RectifyForm(obj=None if request.method == "POST" else customer)
    form.office.choices = unit_choices(visible_units(Permission.HANDLE_PERSON_REQUESTS), _("없음"))
    if request.method == "GET":
        form.office.data = str(customer.org_unit_id or "")
        form.name.data = form.phone.data = form.email.data = form.address.data = ""
    if not form.validate_on_submit():
        return render_template("customers/rectify.html", customer=customer, form=form), \
            400 if request.method == "POST" else 200
    office = int(form.office.data) if (form.office.data or "").isdigit() else None
    changed = rectify(customer, reason=form.reason.data.strip(),
                      identifiers={f: getattr(form, f).data for f in ("name", "phone", "email", "address")},
                      place={"region": (form.region.data or "").strip() or None, "org_unit_id": office,
                             "kind": form.kind.data, "customer_type": (form.customer_type.data or "").strip() or None})
    flash(_("정정했습니다: %(fields)s", fields=", ".join(changed)) if changed else _("바뀐 내용이 없습니다."))
    return redirect(url_for(".detail", customer_id=customer_id))


@bp.route("/<int:customer_id>/disclose", methods=["GET", "POST"])
@requires(Permission.HANDLE_PERSON_REQUESTS, scope=scopes.CUSTOMER)
def disclose(customer_id: int):
    """열람 요청: everything held on the person, after a stated purpose (written to the access log)."""
    customer, form = _customer(customer_id), DisclosureForm()
    held = disclosure(customer, purpose=form.purpose.data.strip()) if form.validate_on_submit() else None
    status = 400 if request.method == "POST" and held is None else 200
    return render_template("customers/disclose.html", customer=customer, form=form, held=held,
                           purposes=PURPOSE_NAMES, channel_labels=labels.CHANNEL_LABELS,
                           order_labels=labels.ORDER_STATUS_LABELS, kinds=KIND_LABELS, methods=labels.METHOD_NAMES), status


@bp.route("/<int:customer_id>/erase", methods=["GET", "POST"])
@requires(Permission.HANDLE_PERSON_REQUESTS, scope=scopes.CUSTOMER)
def erase(customer_id: int):
    """삭제 요청: after a reason and the customer number typed again, erase the person everywhere."""
    customer, form = _customer(customer_id), ErasureForm()
    valid = form.validate_on_submit()
    if valid and form.confirm.data.strip() != customer.external_id:
        form.confirm.errors = [*form.confirm.errors, _("고객번호가 일치하지 않습니다. 다시 확인해 주십시오.")]
        valid = False
    if not valid:
        return render_template("customers/erase.html", customer=customer, form=form), \
            400 if request.method == "POST" else 200
    try:
        report = erase_customer(customer, reason=form.reason.data.strip())
    except ErasureError as exc:
        form.reason.errors = [str(exc)]
        return render_template("customers/erase.html", customer=customer, form=form), 400
    flash(_("삭제 요청을 처리했습니다. 개인정보를 지우고 통계용 기록만 익명으로 남겼습니다 (연락처 %(contacts)s건 파기, "
            "서술형 답변 %(texts)s개 삭제).", contacts=report.contacts, texts=report.texts_blanked))
    return redirect(url_for(".detail", customer_id=customer_id))


@bp.route("/export", methods=["GET", "POST"])
@requires(Permission.EXPORT_PSEUDONYMISED)
def export_pseudonymised():
    """가명정보 analysis export of the customers in scope: a zip of three CSV files, after a stated purpose."""
    form = PseudonymisedExportForm()
    if not form.validate_on_submit():
        return render_template("customers/export.html", form=form), 400 if request.method == "POST" else 200
    now = utcnow()
    scope = ExportScope(units=visible_units(Permission.EXPORT_PSEUDONYMISED),
                        include_business=bool(form.include_business.data),
                        since=now - timedelta(days=30 * form.months.data) if form.months.data else None)
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - send_file closes it
    covered = write_zip(spooled, scope, now)
    spooled.seek(0)
    log_access_bulk(AccessAction.EXPORT, SUBJECT, covered, purpose=form.purpose.data.strip(),
                    details={"pseudonymised": True, "format": "zip"})
    record("customers.export_pseudonymised", details={"customers": len(covered), "months": form.months.data})
    return send_file(spooled, mimetype="application/zip", as_attachment=True,
                     download_name=f"customers-pseudonymised-{now:%Y%m%d}.zip")
