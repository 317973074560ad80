"""Staff screens: contact file upload → validation report → confirmed import; QR codes of open and office links."""
from __future__ import annotations

import contextlib
import secrets
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..database import db
from ..models import OrgLevel, OrgUnit, Permission, Wave
from ..privacy.crypto import key_ring
from ..privacy.files import private_folder, write_private
from ..web.access import requires, scopes, visible_units
from ..web.request_size import accepts_upload
from .contact_files import ContactFileError
from .contacts_import import import_contacts, validate_file
from .forms import ConfirmForm, UploadForm
from .office_links import office_url
from .qr import qr_bytes
from .views import bp

UPLOAD_CONTEXT = "contacts.upload"
MAX_SHOWN = 500


def _upload_folder() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _upload_path(upload_id: str) -> Path:
    if not upload_id.isalnum() or len(upload_id) != 32:
        abort(404)
    return _upload_folder() / f"{upload_id}.bin"


def _discard_stale_uploads() -> None:
    """Delete uploads whose import was never confirmed within ``UPLOAD_KEEP_HOURS``."""
    cutoff = time.time() - current_app.config["UPLOAD_KEEP_HOURS"] * 3600
    for path in _upload_folder().glob("*.bin"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _keep(data: bytes, filename: str) -> str:
    """Keep the uploaded file encrypted (mode 0600) until it is confirmed (it holds personal data)."""
    upload_id = secrets.token_hex(16)
    private_folder(_upload_folder())
    _discard_stale_uploads()
    name = filename.replace("\n", " ").encode("utf-8")
    write_private(_upload_path(upload_id), key_ring().encrypt_bytes(name + b"\n" + data, UPLOAD_CONTEXT))
    return upload_id


def _load(upload_id: str) -> tuple[bytes, str]:
    path = _upload_path(upload_id)
    if not path.is_file():
        abort(404)
    name, _sep, data = key_ring().decrypt_bytes(path.read_bytes(), UPLOAD_CONTEXT).partition(b"\n")
    return data, name.decode("utf-8")


@bp.route("/contacts/import", methods=["GET", "POST"])
@accepts_upload
@requires(Permission.MANAGE_CONTACTS)
def contacts_import():
    """Upload a contact list; the validation report comes before anything is imported."""
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("distribution/import.html", form=form), 400 if request.method == "POST" else 200
    upload = form.file.data
    data = upload.read()
    try:
        report = validate_file(data, upload.filename or "upload.csv", visible_units(Permission.MANAGE_CONTACTS))
    except ContactFileError as exc:
        form.file.errors.append(str(exc))
        return render_template("distribution/import.html", form=form), 400
    return render_template("distribution/import_report.html", report=report, shown=report.problems[:MAX_SHOWN],
                           upload_id=_keep(data, upload.filename or "upload.csv"), form=ConfirmForm())


@bp.post("/contacts/import/<upload_id>")
@requires(Permission.MANAGE_CONTACTS)
def contacts_import_confirm(upload_id: str):
    """Import a validated upload: every valid row or nothing (bad rows only when the user skips them)."""
    data, filename = _load(upload_id)
    form = ConfirmForm()
    report = validate_file(data, filename, visible_units(Permission.MANAGE_CONTACTS))  # again: contacts may have changed
    if report.problems and not form.skip_invalid.data:
        return render_template("distribution/import_report.html", report=report, shown=report.problems[:MAX_SHOWN],
                               upload_id=upload_id, form=form, refused=True), 400
    import_contacts(report, source=filename, skip_invalid=True)
    _upload_path(upload_id).unlink(missing_ok=True)
    flash(_("%(n)s명을 등록했습니다.", n=report.imported))
    return redirect(url_for("distribution.contacts_import"))


@bp.get("/waves/<int(max=2147483647):wave_id>/links")
@requires(Permission.MANAGE_WAVES, scope=scopes.WAVE)
def links(wave_id: int):
    """The wave's open link and kiosk link with QR codes, and signed links for one office's counter or kiosk."""
    wave = db.session.get(Wave, wave_id)
    office = _office(request.args.get("office"))
    return render_template("distribution/links.html", wave=wave, urls=_open_urls(wave, office),
                           offices=_offices() if wave.open_link_key else [], office=office)


def _open_urls(wave: Wave, office: OrgUnit | None = None) -> dict[str, str]:
    if not wave.open_link_key:
        return {}
    base = f"{current_app.config['BASE_URL'].rstrip('/')}/o/{wave.open_link_key}"
    urls = {"open": base, "kiosk": base + "?kiosk=1"}
    if office is not None:
        urls.update(office_open=office_url(wave, office), office_kiosk=office_url(wave, office, kiosk=True))
    return urls


def _offices_in_scope():
    """Offices whose links this staff member may make: those of the units they run waves for."""
    query = select(OrgUnit).where(OrgUnit.level == OrgLevel.OFFICE)
    units = visible_units(Permission.MANAGE_WAVES)
    return query if units is None else query.where(OrgUnit.id.in_(units))


def _offices() -> list[OrgUnit]:
    return list(db.session.scalars(_offices_in_scope().where(OrgUnit.active).order_by(OrgUnit.sort_order, OrgUnit.name)))


def _office(code: str | None) -> OrgUnit | None:
    """The office named by ``code`` (None when no code is given; 404 when it is no office this staff member
    may make links for: another region's office is as unknown as a made-up code)."""
    if not code:
        return None
    office = db.session.scalar(_offices_in_scope().where(OrgUnit.code == code[:32]))
    if office is None:
        abort(404)
    return office


@bp.get("/waves/<int(max=2147483647):wave_id>/qr.<kind>")
@requires(Permission.MANAGE_WAVES, scope=scopes.WAVE)
def qr(wave_id: int, kind: str):
    """A QR code (svg or png) of the open link, or of the kiosk link with ``?kiosk=1``; ``?office=<code>``
    makes it that office's signed link."""
    office = _office(request.args.get("office"))
    urls = _open_urls(db.session.get(Wave, wave_id), office)
    if kind not in ("svg", "png") or not urls:
        abort(404)
    kiosk = request.args.get("kiosk") == "1"
    data, mimetype = qr_bytes(urls[("office_" if office else "") + ("kiosk" if kiosk else "open")], kind)
    name = f"wave-{wave_id}{f'-{office.code}' if office else ''}{'-kiosk' if kiosk else ''}.{kind}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'inline; filename="{name}"'})
