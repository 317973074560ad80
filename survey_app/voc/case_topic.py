"""A case's suggested topic (추천 주제) on the case page, and staff confirming or correcting it.

The ``voc-analysis`` job stores every new case's suggested topic with its probability (:mod:`.sources`); the
case page includes ``voc/_case_topic.html``, which reads it with ``case_topic(case)``. A confirmation or a
correction is stored on the analysis (:func:`.operations.confirm_topic`, audited) and becomes training data for
the next retrained topic model. The topic is not the case's legal category (단순 질의, 고충 …), which stays as it is.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..cases.scopes import CASE
from ..database import db
from ..models import Case, Permission, TextAnalysis, TextSource
from ..web.access import requires
from .analyser import topic_names
from .operations import TopicError, confirm_topic

bp = Blueprint("voc_cases", __name__, url_prefix="/manage/cases")


@dataclass(frozen=True)
class CaseTopic:
    """What the case page shows: the suggestion (code, name, probability in %) and the confirmed topic, if any."""

    suggested: str
    suggested_name: str
    percent: int
    confirmed: str | None
    confirmed_name: str | None


def case_topic(case: Case) -> CaseTopic | None:
    """The case's suggested and confirmed topic; None while the job has not analysed it yet."""
    row = db.session.scalar(select(TextAnalysis).where(TextAnalysis.source_kind == TextSource.CASE,
                                                       TextAnalysis.source_id == case.id,
                                                       TextAnalysis.source_code == ""))
    if row is None:
        return None
    names = topic_names()
    return CaseTopic(row.topic, names.get(row.topic, row.topic), round(100 * row.topic_probability),
                     row.confirmed_topic, names.get(row.confirmed_topic or "", row.confirmed_topic))


@bp.app_context_processor
def _helpers() -> dict:
    return {"case_topic": case_topic, "topic_choices": lambda: list(topic_names().items())}


@bp.post("/<int(max=2147483647):case_id>/topic")
@requires(Permission.HANDLE_CASES, scope=CASE)
def confirm(case_id: int):
    """Staff confirm the suggested topic or choose the right one; the choice trains the next topic model."""
    case = db.session.get(Case, case_id)
    try:
        with db.session.begin_nested():
            confirm_topic(TextSource.CASE, case.id, request.form.get("topic", ""), current_user)
    except TopicError as exc:
        flash(_("주제를 저장하지 못했습니다: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("cases.detail", case_id=case.id), 303)
    flash(_("주제를 저장했습니다. 다음 모델 학습에 반영됩니다."))
    return redirect(url_for("cases.detail", case_id=case.id), 303)
