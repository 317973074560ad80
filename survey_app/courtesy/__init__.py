"""Courtesy evaluations (친절도 조사): evaluators score a visit or call on a phone; supervisors see
stage scores, totals and ranks per office and staff member with drill-down to each evaluation.

Evaluations are ``Response`` rows of a wave of a ``staff_courtesy`` survey with ``evaluator_id``,
``subject_staff_id`` and ``subject_org_unit_id``; the channel is ``Response.channel`` (counter/phone)
and the visit or call time ``Response.hidden["visited_at"]``. Scoring uses ``analysis.courtesy``.
"""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("courtesy", __name__, url_prefix="/manage/courtesy")
csrf.exempt(bp)  # its forms check their own CSRF token

from . import views  # noqa: E402,F401

