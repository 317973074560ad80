"""The rule editor of a survey: CS staff choose a question, a condition and a category, without code."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from questionnaires import Questionnaire, vocab

from ..database import db
from ..models import CaseRule, Survey
from .categories import category_name
from .forms import RuleForm, category_choices
from .index_rules import index_targets
from .operations import PRIORITIES, CaseError
from .rules import KIND_NAMES, TEXT_TYPES, add_rule, survey_questionnaire


def _question_choices(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """Every question a rule can look at: scale questions, matrix rows, choices and free text."""
    found = []
    for question in questionnaire.questions():
        text = question.text.ko[:60]
        if question.type == vocab.MATRIX:
            found += [(row.code, f"{row.code} · {text} — {row.text.ko[:40]}") for row in question.rows]
        elif question.type in vocab.SCALE_TYPES or question.choices is not None or question.type in TEXT_TYPES:
            found.append((question.code, f"{question.code} · {text}"))
    return found + index_targets(questionnaire)


def rule_page(survey: Survey):
    """Show the rules and the form; add a rule that fits the questionnaire, else show why not (422)."""
    questionnaire = survey_questionnaire(survey)
    form = RuleForm()
    form.kind.choices = list(KIND_NAMES.items())
    form.question_code.choices = _question_choices(questionnaire) if questionnaire is not None else []
    form.category.choices = category_choices()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                with db.session.begin_nested():
                    add_rule(survey, kind=form.kind.data, question_code=form.question_code.data,
                             threshold=form.threshold.data, choice=(form.choice.data or "").strip() or None,
                             keyword=form.keyword.data, category=form.category.data, priority=form.priority.data)
                flash(_("규칙을 추가했습니다. 이제부터 완료되는 응답에 적용됩니다."))
                return redirect(url_for("cases.rules", survey_id=survey.id), 303)
            except CaseError as exc:
                form.kind.errors = [str(exc)]
        status = 422
    rules = list(db.session.scalars(select(CaseRule).where(CaseRule.survey_id == survey.id, CaseRule.active.is_(True))
                                    .order_by(CaseRule.id)))
    return render_template("cases/rules.html", survey=survey, form=form, rules=rules, kinds=KIND_NAMES,
                           category_name=category_name, priorities=PRIORITIES), status
