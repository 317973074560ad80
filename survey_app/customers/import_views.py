"""Staff page: upload a customer, interaction or order file → the report of every bad row → import when clean.

The upload streams into an encrypted kept file (:mod:`.uploads`); the check and the import read a private
plaintext copy of it, so neither holds the file in memory.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..models import Permission
from ..web.access import requires, visible_units
from ..web.request_size import accepts_upload
from . import uploads
from .files import TableFileError
from .import_forms import ConfirmImportForm, CustomerImportForm
from .importing import ImportRefused, ImportReport, import_file
from .schemas import KIND_LABELS

bp = Blueprint("customer_imports", __name__, url_prefix="/manage/customers/import")
MAX_SHOWN = 1000


def _import(upload_id: str, *, dry_run: bool) -> tuple[dict, ImportReport]:
    with uploads.opened(upload_id) as (meta, path):
        report = import_file(meta["kind"], path, meta["filename"], visible=visible_units(Permission.MANAGE_CUSTOMERS),
                             create_missing=meta["create_missing"], dry_run=dry_run)
    return meta, report


def _report_page(report: ImportReport, meta: dict, upload_id: str | None, status: int = 200, refused: bool = False):
    shown = sorted(report.problems, key=lambda p: (p.row, p.column))[:MAX_SHOWN]
    return render_template("customers/import_report.html", report=report, shown=shown, meta=meta,
                           kind_label=KIND_LABELS[meta["kind"]], upload_id=upload_id, form=ConfirmImportForm(),
                           refused=refused), status


@bp.route("/", methods=["GET", "POST"])
@accepts_upload
@requires(Permission.MANAGE_CUSTOMERS)
def upload():
    """Upload a file; every row is checked and reported before anything is imported."""
    form = CustomerImportForm()
    if not form.validate_on_submit():
        return render_template("customers/import.html", form=form), 400 if request.method == "POST" else 200
    meta = {"kind": form.kind.data, "filename": (form.file.data.filename or "upload.csv")[:200],
            "create_missing": bool(form.create_missing.data)}
    upload_id = uploads.keep(form.file.data.stream, meta)
    try:
        meta, report = _import(upload_id, dry_run=True)
    except (TableFileError, ImportRefused) as exc:
        uploads.discard(upload_id)
        form.file.errors.append(str(exc))
        return render_template("customers/import.html", form=form), 400
    if not report.ok:
        uploads.discard(upload_id)
        return _report_page(report, meta, None, 422)
    return _report_page(report, meta, upload_id)


@bp.post("/<upload_id>")
@requires(Permission.MANAGE_CUSTOMERS)
def confirm(upload_id: str):
    """Import a checked upload: every row or none (checked again, as the records may have changed)."""
    if not ConfirmImportForm().validate_on_submit():
        return redirect(url_for(".upload"))
    try:
        meta, report = _import(upload_id, dry_run=False)
    except (TableFileError, ImportRefused) as exc:
        flash(str(exc), "error")
        return redirect(url_for(".upload"))
    if not report.ok:
        return _report_page(report, meta, upload_id, 422, refused=True)
    uploads.discard(upload_id)
    flash(_("%(kind)s %(total)s건을 등록했습니다: 새로 %(created)s건, 바뀜 %(updated)s건, 그대로 %(same)s건.",
            kind=KIND_LABELS[meta["kind"]], total=f"{report.total:,}", created=f"{report.created:,}",
            updated=f"{report.updated:,}", same=f"{report.unchanged:,}"))
    return redirect(url_for(".upload"))
