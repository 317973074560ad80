"""Staff results pages: one wave's full result, and a survey across its waves (``/manage/results``).

Access: ``results.view`` for the survey's unit (a nationwide survey: any holder). A viewer limited to
part of the organisation sees the numbers of their units' responses only (``visible_units``).
"""
from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from analysis.results import SMALL_N
from questionnaires import QuestionnaireError

from ..database import db
from ..models import Permission, Survey, Wave
from ..models import Survey as SurveyModel
from ..web.access import requires, scopes, signed_in, visible_units
from ..web.scopes import Scope
from . import charts
from .build import load_for, survey_trend, survey_waves
from .export_data import frequencies
from .glossary import terms_for
from .model import Figure, TrendPoint, WaveResult
from .office_change import previous_office_changes
from .stored import Served, served_result
from .targets import target_checks
from .text import number, p_value

bp = Blueprint("results", __name__, url_prefix="/manage/results")


def _wave_resolve(wave_id: int, **_: Any) -> Any:
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        abort(404)
    return wave.survey.org_unit_id  # a nationwide survey: any holder, who sees their units' data


def _wave_example(unit_id: int | None) -> dict:
    survey = db.session.get(SurveyModel, scopes.SURVEY_RESULTS.example(unit_id)["survey_id"])
    version = survey.publish({"code": "SCOPE", "sections": []})
    wave = Wave(code=f"W-RESULTS-{survey.id}", name="결과 범위 시험", survey=survey, version=version)
    db.session.add(wave)
    db.session.flush()
    return {"wave_id": wave.id}


#: The wave's survey's unit; a nationwide survey is open to any holder, who sees only their units' data.
WAVE_RESULTS = Scope("wave_results", _wave_resolve, _wave_example)


def interval(fig: Figure | None, digits: int = 1) -> str:
    """A figure's interval, ``low ~ high`` (``low to high`` in English): a dash between two numbers
    that may be negative reads as a third minus sign."""
    if fig is None or not math.isfinite(fig.ci_low):
        return "–"
    return _("%(low)s ~ %(high)s", low=number(fig.ci_low, digits), high=number(fig.ci_high, digits))


def _bars(result: WaveResult) -> list[charts.Bar]:
    return [charts.Bar(d.name, d.score.value, d.score.ci_low, d.score.ci_high) for d in result.dimensions]


def _trend_bars(points: tuple[TrendPoint, ...]) -> list[charts.Bar]:
    nan = float("nan")
    return [charts.Bar(p.wave_name, p.score.value if p.score else nan, p.score.ci_low if p.score else nan,
                       p.score.ci_high if p.score else nan) for p in points]


def scale_points(result: WaveResult) -> str:
    """The scales this wave's scored items use, for the footnote ("5점" or "5·7점"); empty when none."""
    return "·".join(str(k) for k in sorted({i.points for i in result.items if i.points > 1}))


def has_headline_rule(questionnaire) -> bool:
    """Whether the survey says how to make a headline: an index, dimensions (their mean), or a checklist."""
    scoring = questionnaire.scoring
    return bool(scoring.indices or scoring.dimensions or scoring.checklists)


def _helpers() -> dict[str, Any]:
    return {"number": number, "interval": interval, "p_value": p_value}


def computing_page(wave: Wave, served: Served):
    """The page shown while a large wave's first result is being computed in the background."""
    return render_template("results/computing.html", wave=wave, served=served,
                           refresh_minutes=max(1, round(current_app.config["RESULTS_REFRESH_SECONDS"] / 60)))


@bp.get("/")
@signed_in
def index():
    """The survey list, whose 결과 보기 column links every survey's results: a trimmed address lands there."""
    return redirect(url_for("manage.index"))


@bp.get("/waves/<int:wave_id>")
@requires(Permission.VIEW_RESULTS, scope=WAVE_RESULTS)
def wave(wave_id: int):
    """One wave's results: response rate, index, KPIs, dimensions, segments, trend, courtesy, drivers."""
    found = db.session.get(Wave, wave_id)
    try:
        served = served_result(found, units=visible_units(Permission.VIEW_RESULTS))
    except QuestionnaireError:
        return render_template("results/unreadable.html", wave=found, reason="questionnaire"), 200
    except ValueError as exc:  # the statistics refused these data; say so instead of failing the page
        current_app.logger.warning("results of wave %s could not be computed: %s", wave_id, exc)
        return render_template("results/unreadable.html", wave=found, reason="data"), 200
    if served.result is None:
        return computing_page(found, served)
    result = served.result
    targets = target_checks(result, found.survey)  # compared now: a changed target needs no recomputation
    previous_name, offices = previous_office_changes(found, result, visible_units(Permission.VIEW_RESULTS))
    workbook = ("result_exports.workbook" in current_app.view_functions
                and url_for("result_exports.workbook", wave_id=wave_id))
    return render_template(
        "results/wave.html", result=result, wave=found, workbook_url=workbook or None, small_n=SMALL_N,
        computed_at=served.computed_at, served=served,  # shown in the app's time zone
        targets=targets, glossary=terms_for(result, targets=bool(targets)),
        office_changes=offices, previous_wave_name=previous_name,
        refresh_minutes=max(1, round(current_app.config["RESULTS_REFRESH_SECONDS"] / 60)),
        dimension_chart=charts.score_bars("dimension-chart", _("차원별 점수와 95% 신뢰구간"), _bars(result)),
        trend_chart=charts.trend_line("trend-chart", _("차수별 대표 지표 추이"), _trend_bars(result.trend)),
        scales=scale_points(result), has_headline_rule=has_headline_rule(found.version.questionnaire), **_helpers())


@bp.get("/waves/<int:wave_id>/answers")
@requires(Permission.VIEW_RESULTS, scope=WAVE_RESULTS)
def answers(wave_id: int):
    """Counts and percents per choice of each closed question, as the workbook's 문항별 응답 sheet."""
    found = db.session.get(Wave, wave_id)
    units = visible_units(Permission.VIEW_RESULTS)
    try:
        questionnaire = found.version.questionnaire
        visible = None if units is None else set(load_for(found, questionnaire, units).response_ids.tolist())
    except QuestionnaireError:
        return render_template("results/unreadable.html", wave=found, reason="questionnaire"), 200
    return render_template("results/answers.html", wave=found, restricted=units is not None,
                           tables=frequencies(found.id, questionnaire, visible), **_helpers())


@bp.get("/surveys/<int:survey_id>")
@requires(Permission.VIEW_RESULTS, scope=scopes.SURVEY_RESULTS)
def survey(survey_id: int):
    """A survey across its waves: each wave's headline, NPS, CSAT and change from the wave before."""
    found = db.session.get(Survey, survey_id)
    units = visible_units(Permission.VIEW_RESULTS)
    points = survey_trend(found, units=units) if survey_waves(found.id) else ()
    return render_template("results/survey.html", survey=found, points=points, restricted=units is not None,
                           trend_chart=charts.trend_line("trend-chart", _("차수별 대표 지표 추이"), _trend_bars(points)),
                           **_helpers())
