"""Demo courtesy evaluations (친절도 조사): a month of counter visits to every office and calls to every
contact-centre team, two staff members each, so the supervisors' ranking and drill-down have data."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from questionnaires import load_template

from .courtesy.operations import prefilled_answers, staff_of, start_evaluation, submit_evaluation
from .database import db
from .demo_responses import Respondent, fill_shown
from .demo_surveys import KST, demo_survey
from .models import OrgLevel, OrgUnit, Survey, User, Wave, WaveState
from .respond.pages import answer_fields
from .responses.operations import stored_answers
from .responses.values import answers_from_rows

COURTESY_TEMPLATE = "staff_courtesy"
COURTESY_SURVEY = "CS-COURTESY"
COURTESY_WAVE = ("CS-COURTESY-2026-11", "2026년 11월 직원 친절도 조사", datetime(2026, 11, 1, tzinfo=KST),
                 datetime(2026, 12, 31, 23, 59, tzinfo=KST))
#: How the setup step's free answers look in the demo: the person's name, a wait in minutes or seconds.
WAITS = {"counter": ("E4", 0, 15), "phone": ("E5", 5, 120)}


def seed_courtesy_survey(evaluator: User) -> bool:
    """The courtesy survey with an open wave of evaluations made by ``evaluator``, unless it exists;
    returns whether it was created."""
    if db.session.scalar(select(Survey.id).where(Survey.code == COURTESY_SURVEY)) is not None:
        return False
    questionnaire = load_template(COURTESY_TEMPLATE)
    survey = demo_survey(COURTESY_SURVEY, questionnaire)
    version = survey.publish(questionnaire.to_dict(), changelog="최초 게시 (first publication)")
    code, name, opens, closes = COURTESY_WAVE
    wave = Wave(code=code, name=name, survey=survey, version=version, state=WaveState.OPEN, opens_at=opens,
                closes_at=closes)
    db.session.add(wave)
    db.session.flush()
    rng = random.Random(20261101)
    units = db.session.scalars(select(OrgUnit).where(OrgUnit.level.in_([OrgLevel.OFFICE, OrgLevel.TEAM]))
                               .order_by(OrgUnit.code))
    for unit in units:
        channel = "phone" if unit.level == OrgLevel.TEAM else "counter"
        unit_mood = rng.gauss(0, 0.5)
        for person in rng.sample(staff_of(unit.id), 2):
            who = Respondent(unit_mood + rng.gauss(0, 0.6), {})
            for _ in range(rng.randint(1, 2)):
                visited = opens + timedelta(minutes=rng.randint(9 * 60, 17 * 60), days=rng.randint(0, 20))
                _evaluate(wave, questionnaire, evaluator, unit, person, channel, visited, who, rng)
    db.session.flush()
    return True


def _evaluate(wave, questionnaire, evaluator, unit, person, channel, visited, who, rng) -> None:
    response = start_evaluation(wave, questionnaire, evaluator=evaluator, unit=unit, staff=person,
                                channel=channel, visited_at=visited)
    wait_code, low, high = WAITS[channel]
    seen = {**answers_from_rows(answer_fields(questionnaire), stored_answers(response.id)),
            **prefilled_answers(questionnaire, channel, visited), "E3": person.name, wait_code: rng.randint(low, high)}
    submit_evaluation(response, questionnaire, fill_shown(questionnaire, who, rng, seen))
