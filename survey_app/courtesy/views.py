"""Courtesy evaluation views (being built)."""
from __future__ import annotations

from flask import render_template

from ..models import Permission
from ..web.access import requires, scopes, signed_in
from . import bp


@bp.get("/")
@signed_in
def index():
    """Waves an evaluator may enter evaluations for, and results a supervisor may read."""
    return render_template("courtesy/index.html", waves=[])


@bp.get("/waves/<int:wave_id>/results")
@requires(Permission.VIEW_RESULTS, scope=scopes.WAVE)
def results(wave_id: int):
    """Scores per office and staff member."""
    return render_template("courtesy/index.html", waves=[])
