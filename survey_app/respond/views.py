"""Respondent-facing views."""
from __future__ import annotations

from flask import current_app, render_template

from . import bp


@bp.get("/")
def home():
    """The public landing page: what this site is and how to get help."""
    return render_template("respond/home.html", phone=current_app.config["CONTACT_CENTER_PHONE"])
