"""From a completed response to a case: a trigger row in the respondent's transaction, a case in the job.

:func:`note_completed_response` is the respondent path's one call: a single INSERT … SELECT that adds a
trigger only when the survey is the VOC follow-up survey or has an active rule that may fire on the response's
answers (:func:`rule_may_fire`: the score, NPS and choice rules' own tests in SQL; a keyword or index rule
always may), so a survey without rules costs one cheap statement, a calm response leaves no trigger for the
job to read, and nothing is evaluated in Python while the respondent waits.

:func:`process_triggers` (the ``case-triggers`` job, ``survey-app cases process``) takes pending triggers
(PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so two runners never take the same ones), evaluates the rules in
Python, opens at most one case per trigger — the batch's cases, numbers, timeline lines, audit rows and
attached answers in one multi-row INSERT per table (:func:`survey_app.cases.operations.open_cases`) — and
marks each trigger processed, all in one transaction per batch. A process killed
mid-batch commits nothing of that batch; the next run finds the same triggers pending and ``cases.trigger_id``
(unique) makes a second case for one trigger impossible. Exactly once.
"""
from __future__ import annotations

import time

from sqlalchemy import and_, exists, insert, literal, or_, select, update
from sqlalchemy.orm import joinedload

from ..database import db
from ..models import (
    Answer,
    CaseRule,
    CaseRuleKind,
    CaseSource,
    CaseTrigger,
    Customer,
    Invitation,
    OrgUnit,
    Response,
    Survey,
    Wave,
    utcnow,
)
from .followup import FOLLOWUP_KIND, attach_followup
from .operations import NewCase, open_cases
from .rules import evaluate

_PRIORITY_ORDER = {"high": 0, "normal": 1, "low": 2}
READ_AHEAD = 20  # triggers whose responses, answers and customers are read in one go
ANSWER_COLUMNS = (Answer.response_id, Answer.question_code, Answer.position, Answer.value_num, Answer.choice,
                  Answer.value_text)


def note_completed_response(*, response_id: int | None = None, invitation_id: int | None = None) -> None:
    """Leave a trigger for the case job when the completed response's survey has case rules (one statement)."""
    if response_id is None and invitation_id is None:
        return
    mine = Response.id == response_id if response_id is not None else Response.invitation_id == invitation_id
    answers = Answer.__table__
    chosen = (select(Response.id, literal(utcnow()).label("created_at"))
              .join(Wave, Wave.id == Response.wave_id)
              .where(mine, trigger_wanted(Wave.survey_id, answers, answers.c.response_id == Response.id)))
    db.session.execute(insert(CaseTrigger).from_select(["response_id", "created_at"], chosen))


_ANSWER_TESTED = (CaseRuleKind.SCORE_AT_MOST, CaseRuleKind.NPS_DETRACTOR, CaseRuleKind.CHOICE_IS)


def rule_may_fire(survey_id, rows, *where):
    """SQL: an active rule of ``survey_id`` may fire on the answers ``rows`` (columns ``question_code``,
    ``value_num``, ``choice``; ``where`` narrows them to the response). The score, NPS and choice rules are
    tested as :func:`.rules.evaluate` tests them; a keyword or index rule needs Python (word stems, scoring), so
    it always may: the job decides. Never false where the job would open a case."""
    answer_fires = exists(select(literal(1)).select_from(rows).where(
        *where, rows.c.question_code == CaseRule.question_code,
        or_(and_(CaseRule.kind == CaseRuleKind.SCORE_AT_MOST, rows.c.value_num <= CaseRule.threshold),
            and_(CaseRule.kind == CaseRuleKind.NPS_DETRACTOR, rows.c.value_num >= 0, rows.c.value_num <= 6),
            and_(CaseRule.kind == CaseRuleKind.CHOICE_IS, rows.c.choice == CaseRule.choice)))
        .correlate_except(rows))  # the response's own rows: never every response's answers
    return exists(select(CaseRule.id).where(CaseRule.survey_id == survey_id, CaseRule.active.is_(True),
                                            or_(_needs_python(CaseRule.kind), answer_fires))
                  .correlate_except(CaseRule))


def _needs_python(kind):
    """SQL: a rule kind that SQL does not test. Plain comparisons, not ``NOT IN``: an expanding list would be
    rendered into the respondent's one-statement store again on every execution."""
    return and_(*[kind != tested for tested in _ANSWER_TESTED])


def trigger_wanted(survey_id, rows, *where):
    """SQL: the survey ``survey_id`` (an expression) is the VOC follow-up survey, or has an active case rule
    that may fire on the response's answers (:func:`rule_may_fire`)."""
    return or_(rule_may_fire(survey_id, rows, *where),
               exists().where(Survey.id == survey_id, Survey.kind == FOLLOWUP_KIND))


def trigger_for_new_response(new_response, survey_id, created_at, answers=None):
    """The trigger's INSERT … SELECT for the response a CTE (``new_response``, column ``id``) has just inserted,
    when ``survey_id`` wants one: the respondent's one-statement store carries it, so the trigger is written in
    the response's own transaction (:func:`survey_app.responses.operations.complete_at_once`). ``answers``: the
    response's answers as the statement was given them (its own inserted rows are not visible to it); by
    default the stored answers of the response."""
    if answers is None:
        table = Answer.__table__
        wanted = trigger_wanted(survey_id, table, table.c.response_id == new_response.c.id)
    else:
        wanted = trigger_wanted(survey_id, answers)
    chosen = select(new_response.c.id, created_at).where(wanted)
    return insert(CaseTrigger).from_select(["response_id", "created_at"], chosen)


def _pending(limit: int) -> list[CaseTrigger]:
    query = (select(CaseTrigger).where(CaseTrigger.processed_at.is_(None)).order_by(CaseTrigger.id).limit(limit)
             .with_for_update(skip_locked=True))
    return list(db.session.scalars(query))


def _pause() -> None:
    """A no-op between triggers; the crash test replaces it to kill the job mid-batch."""


def process_triggers(limit: int = 200, max_seconds: float | None = None) -> dict[str, int]:
    """One batch: open cases for pending triggers, attach follow-up answers; commits once. Returns counts.

    The batch's cases are written together (:func:`open_cases`: a few multi-row statements) and its triggers
    marked processed in the same transaction. ``max_seconds``: stop taking triggers of the batch after this long
    (the rest stay pending, released by the commit), so on a loaded machine cases become visible in steps of
    about that, not of a whole batch."""
    counts = {"triggers": 0, "cases": 0, "followups": 0}
    pending = _pending(limit)
    batch, started = _Batch(), time.monotonic()
    outcomes: dict[int, str] = {}
    new_cases: list[NewCase] = []
    for number, trigger in enumerate(pending):
        if max_seconds is not None and counts["triggers"] and time.monotonic() - started > max_seconds:
            break
        if number % READ_AHEAD == 0:  # read a few at a time: a batch cut short by its budget read little in vain
            batch.load([t.response_id for t in pending[number:number + READ_AHEAD]])
        _pause()
        outcome, new_case = _handle(trigger, batch)
        outcomes[trigger.id] = outcome
        new_cases.extend([new_case] if new_case is not None else [])
        counts["triggers"] += 1
        counts["followups"] += outcome == "followup"
    counts["cases"] = len(open_cases(new_cases))
    _mark_processed(outcomes)
    db.session.commit()
    return counts


def _mark_processed(outcomes: dict[int, str]) -> None:
    """Set the triggers' outcome and processed time: one UPDATE per outcome (case, no_rule, followup …)."""
    now, by_outcome = utcnow(), {}
    for trigger_id, outcome in outcomes.items():
        by_outcome.setdefault(outcome, []).append(trigger_id)
    for outcome, ids in by_outcome.items():
        db.session.execute(update(CaseTrigger).where(CaseTrigger.id.in_(ids)).values(processed_at=now, outcome=outcome),
                           execution_options={"synchronize_session": False})


class _Batch:
    """What a batch of triggers reads, each kind in one query: the responses with their invitation and contact;
    their waves with survey and version; their answers; the contacts' customers; rules per survey and units per
    office code."""

    def __init__(self) -> None:
        self.responses: dict[int, Response] = {}
        self.waves: dict[int, Wave] = {}
        self.answers: dict[int, dict[str, list[Answer]]] = {}
        self.customers: dict[int, Customer] = {}
        self.rules: dict[int, list[CaseRule]] = {}
        self.units: dict[str, int | None] = {}

    def load(self, response_ids: list[int]) -> None:
        """Read what the triggers of ``response_ids`` need: three queries, whatever their number."""
        self.responses.update((r.id, r) for r in db.session.scalars(
            select(Response).where(Response.id.in_(response_ids))
            .options(joinedload(Response.invitation).joinedload(Invitation.contact))).unique())
        # Their waves (with survey and version) once each, not once per response: a version carries its whole
        # definition. Held here, ``response.wave`` then comes from the session without a query.
        waves = {self.responses[i].wave_id for i in response_ids if i in self.responses} - set(self.waves)
        if waves:
            self.waves.update((w.id, w) for w in db.session.scalars(
                select(Wave).where(Wave.id.in_(waves)).options(joinedload(Wave.survey), joinedload(Wave.version))))
        # Only the answers the rules look at, as plain rows (not ORM objects): the rules only read them.
        query = select(*ANSWER_COLUMNS).where(Answer.response_id.in_(response_ids))
        codes = self.codes_needed({self.waves[self.responses[i].wave_id].survey
                                   for i in response_ids if i in self.responses})
        if codes is not None:
            query = query.where(Answer.question_code.in_(codes))
        for answer in db.session.execute(query.order_by(Answer.response_id, Answer.question_code, Answer.position)):
            self.answers.setdefault(answer.response_id, {}).setdefault(answer.question_code, []).append(answer)
        contacts = [self.responses[i].invitation.contact for i in response_ids
                    if i in self.responses and self.responses[i].invitation is not None]
        wanted = {c.customer_id for c in contacts if c is not None and c.customer_id} - set(self.customers)
        if wanted:
            self.customers.update((c.id, c) for c in db.session.scalars(select(Customer).where(Customer.id.in_(wanted))))

    def codes_needed(self, surveys: set[Survey]) -> set[str] | None:
        """The question codes the surveys' rules read; None (every answer) for an index rule, which scores a whole
        dimension, or the follow-up survey."""
        rules = [rule for survey in surveys for rule in self.rules_of(survey.id)]
        if any(s.kind == FOLLOWUP_KIND for s in surveys) or any(r.kind == CaseRuleKind.INDEX_AT_MOST for r in rules):
            return None
        return {rule.question_code for rule in rules}

    def rules_of(self, survey_id: int) -> list[CaseRule]:
        """The survey's active rules (read once per batch)."""
        if survey_id not in self.rules:
            self.rules[survey_id] = list(db.session.scalars(
                select(CaseRule).where(CaseRule.survey_id == survey_id, CaseRule.active.is_(True))
                .order_by(CaseRule.id)))
        return self.rules[survey_id]

    def unit_by_code(self, code: str) -> int | None:
        """The org unit with office code ``code`` (read once per batch)."""
        if code not in self.units:
            self.units[code] = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
        return self.units[code]


def _handle(trigger: CaseTrigger, batch: _Batch) -> tuple[str, NewCase | None]:
    """The trigger's outcome, and the case to open when a rule fired."""
    response = batch.responses.get(trigger.response_id) or db.session.get(Response, trigger.response_id)
    survey = response.wave.survey
    answers = batch.answers.get(response.id, {})
    if survey.kind == FOLLOWUP_KIND:
        return ("followup" if attach_followup(response, answers) else "no_case"), None
    hits = evaluate(batch.rules_of(survey.id), answers)
    if not hits:
        return "no_rule", None
    return "case", _case_for(response, trigger, hits, batch)


def _office_of(response: Response, contact, batch: _Batch) -> int | None:
    if response.subject_org_unit_id is not None:
        return response.subject_org_unit_id
    code = (response.hidden or {}).get("office_code")
    if code:
        unit_id = batch.unit_by_code(str(code))
        if unit_id is not None:
            return unit_id
    return contact.org_unit_id if contact is not None else None


def _case_for(response: Response, trigger: CaseTrigger, hits, batch: _Batch) -> NewCase:
    """The case a response's rule hits open: the first rule's category, the highest priority, every hit attached."""
    invitation: Invitation | None = response.invitation
    contact = invitation.contact if invitation is not None else None
    customer = None
    if contact is not None and contact.customer_id:
        customer = batch.customers.get(contact.customer_id) or db.session.get(Customer, contact.customer_id)
    priority = min((hit.rule.priority for hit in hits), key=lambda p: _PRIORITY_ORDER.get(p, 1))
    questionnaire = response.wave.version.questionnaire
    attached = []
    for hit in hits:
        question = questionnaire.question(hit.question_code)
        attached.append({"rule_id": hit.rule.id, "question_code": hit.question_code, "value": hit.value,
                         "question_text": question.text.ko[:500] if question is not None else None,
                         "reason": hit.reason})
    return NewCase(source=CaseSource.RESPONSE, category=hits[0].rule.category, priority=priority,
                   summary=f"{response.wave.survey.title}: " + ", ".join(hit.reason for hit in hits),
                   customer_id=customer.id if customer else None, org_unit_id=_office_of(response, contact, batch),
                   region=customer.region if customer else None, response_id=response.id, trigger_id=trigger.id,
                   was_detractor=any(hit.rule.kind in (CaseRuleKind.NPS_DETRACTOR, CaseRuleKind.SCORE_AT_MOST)
                                     for hit in hits), answers=attached)
