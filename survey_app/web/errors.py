"""Friendly error pages (Korean; English on staff pages for staff who chose it; JSON under /api); never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from ..database import db
from .request_size import too_large_message

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("요청을 처리할 수 없습니다"), "The request could not be processed."),
    401: (_l("인증이 필요합니다"), "Authentication is required."),
    403: (_l("이 페이지를 볼 권한이 없습니다"), "You do not have permission to see this page."),
    404: (_l("페이지를 찾을 수 없습니다"), "The page could not be found."),
    405: (_l("허용되지 않은 요청입니다"), "This request method is not allowed."),
    413: (_l("보내신 내용이 너무 큽니다"), "The request is too large."),
    429: (_l("요청이 너무 많습니다. 잠시 후 다시 시도해 주십시오"), "Too many requests. Please try again shortly."),
    500: (_l("일시적인 오류가 발생했습니다"), "A temporary error occurred."),
    503: (_l("잠시 후 다시 시도해 주십시오"), "Please try again in a moment."),
}


def render_error(status: int, description: str | None = None):
    """An error page (or JSON body) for ``status``."""
    title_ko, title_en = MESSAGES.get(status, MESSAGES[500])
    if request.path.startswith("/api/"):
        return jsonify(error={"status": status, "message": title_en, "message_ko": str(title_ko)}), status
    page = render_template(
        "errors/error.html", status=status, title=str(title_ko), for_staff=_for_staff(),
        description=description, phone=current_app.config["CONTACT_CENTER_PHONE"],
    )
    return page, status


#: Where the staff pages live: an error there is a colleague's, not a customer's.
STAFF_PATHS = ("/manage", "/admin")


def _for_staff() -> bool:
    """Whether the error page is read by staff (a staff address, or anyone signed in): they get a way
    back to their work, not the customers' hotline."""
    if request.path.startswith(STAFF_PATHS):
        return True
    try:
        return bool(current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - the database may be why this page is shown at all
        db.session.rollback()
        return False


#: Headers an error answer must keep (when to retry, how to authenticate).
_KEPT_HEADERS = ("Retry-After", "WWW-Authenticate")


def _http_error(exc: HTTPException):
    body, status = render_error(exc.code or 500)
    kept = {name: value for name, value in exc.get_headers() if name in _KEPT_HEADERS}
    if status == 401 and request.path.startswith("/api/"):
        kept.setdefault("WWW-Authenticate", 'Bearer realm="survey_app"')
    return body, status, kept


def _too_large(_exc: RequestEntityTooLarge):
    return render_error(413, too_large_message())


def _csrf_error(_exc: CSRFError):
    return render_error(400, _("페이지가 만료되었거나 보안 확인에 실패했습니다. 페이지를 새로 고친 뒤 다시 시도해 주십시오."))


def _database_unavailable(exc: OperationalError):
    db.session.rollback()
    log.error("database unavailable: %s", exc.orig)
    return render_error(503)


def _unexpected(exc: Exception):
    db.session.rollback()
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unhandled error on %s", request.path)
    return render_error(500)


def init_app(app: Flask) -> None:
    """Install the error handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
