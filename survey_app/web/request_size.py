"""How much a request may send: file uploads up to ``MAX_UPLOAD_MB``, every other request ``MAX_REQUEST_KB``.

Werkzeug refuses a larger body with 413 before reading it, so an anonymous 300 MB POST no longer grows a
worker. The limit must be set before anything reads the form (the CSRF check does), so ``init_app`` is
called before the other request hooks are registered.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

UPLOAD_MARK = "accepts_upload"


def accepts_upload(view: Callable) -> Callable:
    """Mark a view that takes a file upload (put it right under the route decorator)."""
    setattr(view, UPLOAD_MARK, True)
    return view


def is_upload_view() -> bool:
    """Whether this request's view takes a file upload."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, UPLOAD_MARK, False))


def allow_uploads() -> None:
    """Raise this request's body limit to the upload limit when its view takes files."""
    if is_upload_view():
        request.max_content_length = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def too_large_message() -> str:
    """What to tell the user whose request was refused as too large."""
    if is_upload_view():
        return _("파일은 %(mb)s MB까지 올릴 수 있습니다. 파일을 나누어 다시 올려 주십시오.",
                 mb=current_app.config["MAX_UPLOAD_MB"])
    return _("보내신 내용이 너무 깁니다. 내용을 줄여 다시 보내 주십시오.")


def init_app(app: Flask) -> None:
    """Set the body limits and install the per-view upload limit as the first request hook."""
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_REQUEST_KB"] * 1024
    app.config["MAX_FORM_MEMORY_SIZE"] = min(app.config["MAX_CONTENT_LENGTH"], 500 * 1024)
    app.before_request(allow_uploads)


__all__ = ["RequestEntityTooLarge", "accepts_upload", "allow_uploads", "init_app", "too_large_message"]
