"""Writes to responses. They flush and never commit; the request boundary commits once.

Exactly once: the final submission flips ``status`` from partial to complete with one
conditional UPDATE. On PostgreSQL a concurrent second submission waits on the row lock,
then finds nothing to flip and is told the survey is already complete; the unique
constraint on ``invitation_id`` keeps a second response row from ever existing.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from typing import NamedTuple, Protocol

from sqlalchemy import (
    Integer,
    String,
    Text,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from .. import direct_sql
from ..database import db
from ..models import Answer, Invitation, Response, ResponseStatus, Wave, utcnow

TriggerFor = Callable[..., object]
"""Builds the case trigger's INSERT … SELECT for a new response: ``survey_app.cases.triggers.trigger_for_new_response``."""


class WaveOfInvitation(Protocol):
    """What the writes read of an invitation's wave."""

    version_id: int
    survey_id: int


class InvitationOnRecord(Protocol):
    """What the writes read of an invitation: the ORM object, or the plain values a respondent's page
    read (:class:`survey_app.respond.loading.InvitationOnPage`)."""

    id: int
    wave_id: int
    hidden: dict | None
    opened_at: datetime | None
    wave: WaveOfInvitation


class AlreadyCompleted(Exception):
    """The response was already submitted; nothing was changed."""


class AnswerRow(NamedTuple):
    """One stored answer value: a number, a choice code or a text, at a position (a named tuple: a final
    POST makes one per answer, and a frozen dataclass took twice as long to make)."""

    question_code: str
    position: int = 0
    value_num: float | None = None
    choice: str | None = None
    value_text: str | None = None


def _new_response(wave: Wave, **fields) -> Response:
    response = Response(wave_id=wave.id, version_id=wave.version_id, started_at=utcnow(), **fields)
    db.session.add(response)
    db.session.flush()
    return response


def _insert_unless_twin(invitation: InvitationOnRecord, channel: str, hidden: dict, returning=Response, **values):
    """INSERT … ON CONFLICT (invitation_id) DO NOTHING RETURNING the new row; None when a concurrent
    twin created it first (PostgreSQL waits for the twin's transaction, as a plain insert would)."""
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Response).values(
        wave_id=invitation.wave_id, version_id=invitation.wave.version_id, started_at=utcnow(),
        invitation_id=invitation.id, channel=channel, hidden=hidden, **values)
    return db.session.scalar(statement.on_conflict_do_nothing(index_elements=["invitation_id"]).returning(returning))


def mark_opened(invitation: Invitation) -> None:
    """Note when an invitation was first opened (its link followed, or its first answer saved)."""
    if invitation.opened_at is None:
        invitation.opened_at = utcnow()


def response_for_invitation(invitation: InvitationOnRecord, *, channel: str = "web", hidden: dict | None = None,
                            look_first: bool = True) -> Response:
    """The invitation's response, created on first use (a concurrent twin finds the same row).

    ``look_first=False`` when the caller has just looked and found none: the insert is tried at once.
    """
    if look_first:
        existing = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
        if existing is not None:
            return existing
    response = _insert_unless_twin(invitation, channel, {**(invitation.hidden or {}), **(hidden or {})})
    if response is None:
        return db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if invitation.opened_at is None:
        _record_opening(invitation, utcnow())
    return response


def _record_opening(invitation: InvitationOnRecord, now: datetime) -> None:
    """Store the invitation's first opening with an UPDATE of its row (``invitation`` may be the ORM object
    or the plain values a respondent's page read), and note it on ``invitation``."""
    table = Invitation.__table__
    db.session.execute(update(table).where(table.c.id == invitation.id, table.c.opened_at.is_(None))
                       .values(opened_at=now))
    _note_opening(invitation, now)


def _note_opening(invitation: InvitationOnRecord, now: datetime) -> None:
    if isinstance(invitation, Invitation):
        set_committed_value(invitation, "opened_at", now)  # stored already: nothing for the ORM to flush
    else:
        invitation.opened_at = now


def complete_at_once(invitation: InvitationOnRecord, rows: Iterable[AnswerRow], *, page: int, channel: str = "web",
                     hidden: dict | None = None, trigger_for: TriggerFor | None = None) -> int | None:
    """Store an invitation's whole response, already complete, when it is submitted on its first saved page.

    One INSERT of the response as complete and one of its answers (on PostgreSQL one statement doing
    both, and the invitation's first opening and ``trigger_for``'s case trigger with them), instead of
    creating a partial row and flipping it. Returns the new response's id, or None when the invitation
    already has a response (a concurrent twin made it first): the caller then completes that one through
    :func:`complete`, which refuses a second submission.
    """
    return _insert_with_answers(invitation, list(rows), page=page, channel=channel, hidden=hidden, complete=True,
                                trigger_for=trigger_for)


def start_with_answers(invitation: InvitationOnRecord, rows: Iterable[AnswerRow], *, page: int, channel: str = "web",
                       hidden: dict | None = None) -> int | None:
    """An invitation's first saved page: its (partial) response and the page's answers stored at once,
    instead of creating the row, locking it, deleting nothing and inserting. Returns the new response's
    id, or None when the invitation already has a response: the caller then saves through
    :func:`save_page`."""
    return _insert_with_answers(invitation, list(rows), page=page, channel=channel, hidden=hidden, complete=False)


def _insert_with_answers(invitation: InvitationOnRecord, rows: list[AnswerRow], *, page: int, channel: str,
                         hidden: dict | None, complete: bool, trigger_for: TriggerFor | None = None) -> int | None:
    now = utcnow()
    values = {"wave_id": invitation.wave_id, "version_id": invitation.wave.version_id, "invitation_id": invitation.id,
              "channel": channel, "hidden": {**(invitation.hidden or {}), **(hidden or {})}, "started_at": now,
              "finished_at": now if complete else None, "last_page": page,
              "status": (ResponseStatus.COMPLETE if complete else ResponseStatus.PARTIAL).value}
    one_statement = bool(rows) and db.engine.dialect.name == "postgresql"  # asked without making a session
    if one_statement:
        answers = json.dumps(rows, ensure_ascii=False)  # one text, not 150 values; each row an array
        statement = _response_with_answers(opening=invitation.opened_at is None, trigger_for=trigger_for)
        values["hidden"] = json.dumps(values["hidden"], ensure_ascii=False)  # the driver takes JSON as text
        # one statement, atomic by itself: run in autocommit straight on the driver, no BEGIN and COMMIT round trips
        response_id = direct_sql.scalar(statement, {**{f"new_{key}": value for key, value in values.items()},
                                                    "answers": answers, "survey_id": invitation.wave.survey_id})
    else:
        response_id = _insert_unless_twin(invitation, channel, values.pop("hidden"), returning=Response.id,
                                          **{key: values[key] for key in ("status", "finished_at", "last_page")})
        if response_id is not None:
            _insert_rows(response_id, rows)
            if trigger_for is not None:
                new_response = select(literal(response_id).label("id")).subquery()
                db.session.execute(trigger_for(new_response, literal(invitation.wave.survey_id), literal(now)))
    if response_id is not None and invitation.opened_at is None:
        if one_statement:
            _note_opening(invitation, now)  # the statement stored it
        else:
            _record_opening(invitation, now)
    return response_id


_RESPONSE_VALUES = ("wave_id", "version_id", "invitation_id", "channel", "hidden", "started_at", "finished_at",
                    "last_page", "status")
_ANSWER_VALUES = AnswerRow._fields  # the one-statement store sends each row as json.dumps writes the tuple


def _given_answers(name: str = "given"):
    """The statement's ``answers`` parameter as a table called ``name``: one JSON array of answer rows, each
    row an array of :data:`_ANSWER_VALUES` (an answer row as ``json.dumps`` writes a named tuple: a third of
    the text of an object per row, made in less than half the time). Texts come out unlimited: the INSERT
    checks their length, as it would a value given directly."""
    answers = Answer.__table__
    given = (func.jsonb_array_elements(cast(bindparam("answers", type_=Text()), postgresql.JSONB))
             .table_valued("value").render_derived(name=f"{name}_rows"))
    return select(*[cast(given.c.value.op("->>")(literal_column(str(index))),
                         Text() if isinstance(answers.c[value].type, String) else answers.c[value].type).label(value)
                    for index, value in enumerate(_ANSWER_VALUES)]).subquery(name)


@functools.cache
def _response_with_answers(*, opening: bool, trigger_for: TriggerFor | None):
    """PostgreSQL: a new response's INSERT and its answers' INSERT as one statement (one round
    trip), built once per variant. The answers come as one JSON array of rows (one parameter that the
    driver sends as it is, instead of five arrays it would encode value by value), read with
    ``jsonb_array_elements`` beside the id the response's insert returned; when that insert returns nothing
    (a twin exists), no answer is inserted either, nor the invitation's first opening (``opening``) or
    the case trigger (``trigger_for``)."""
    responses, answers = Response.__table__, Answer.__table__
    new_response = (postgresql.insert(responses)
                    .values({name: bindparam(f"new_{name}", type_=responses.c[name].type) for name in _RESPONSE_VALUES})
                    .on_conflict_do_nothing(index_elements=["invitation_id"]).returning(responses.c.id)
                    .cte("new_response"))
    given = _given_answers()
    new_answers = insert(answers).from_select(
        ["response_id", *_ANSWER_VALUES],
        select(new_response.c.id, *given.c).select_from(new_response).join(given, true())).cte("new_answers")
    statement = select(new_response.c.id).add_cte(new_answers)
    if opening:
        invitations = Invitation.__table__
        opened = (update(invitations).where(invitations.c.id == bindparam("new_invitation_id"),
                                            invitations.c.opened_at.is_(None), exists(select(new_response.c.id)))
                  .values(opened_at=bindparam("new_started_at")).cte("opened"))
        statement = statement.add_cte(opened)
    if trigger_for is not None:
        survey_id = bindparam("survey_id", type_=Integer())
        started = bindparam("new_started_at", type_=responses.c.started_at.type)
        trigger = trigger_for(new_response, survey_id, started, _given_answers("given_to_rules"))
        statement = statement.add_cte(trigger.cte("new_trigger"))
    return statement


def start_open_response(wave: Wave, *, resume_key_hash: str, device_key: str | None = None,
                        channel: str = "web", hidden: dict | None = None) -> Response:
    """A new anonymous response on an open link (one per device when ``device_key`` is given)."""
    return _new_response(wave, resume_key_hash=resume_key_hash, device_key=device_key,
                         channel=channel, hidden=hidden or {})


def _insert_rows(response_id: int, rows: Iterable[AnswerRow]) -> None:
    values = [{"response_id": response_id, **row._asdict()} for row in rows]
    if values:  # Core insert of the table: one multi-row INSERT, without the ORM's per-row bookkeeping
        db.session.execute(insert(Answer.__table__), values)


def _replace_answers(response_id: int, codes: Collection[str], rows: Iterable[AnswerRow]) -> None:
    if codes:
        db.session.execute(delete(Answer).where(Answer.response_id == response_id, Answer.question_code.in_(codes)))
    _insert_rows(response_id, rows)


def save_page(response_id: int, page: int, codes: Collection[str], rows: Iterable[AnswerRow]) -> None:
    """Store one page's answers (replacing that page's earlier answers) and remember the page.

    The UPDATE that remembers the page also takes the response's row lock and checks that it is still
    partial, in one statement; a submitted response raises :class:`AlreadyCompleted`.
    """
    remembered = db.session.execute(
        update(Response).where(Response.id == response_id, Response.status == ResponseStatus.PARTIAL)
        .values(last_page=case((Response.last_page < page, page), else_=Response.last_page))
        .returning(Response.id).execution_options(synchronize_session="fetch")).first()
    if remembered is None:
        if db.session.get(Response, response_id) is None:
            raise LookupError(response_id)
        raise AlreadyCompleted(response_id)
    _replace_answers(response_id, codes, rows)


def complete(response_id: int, codes: Collection[str], rows: Iterable[AnswerRow],
             keep_codes: Collection[str] | None = None) -> None:
    """Submit the final page exactly once; drop answers to questions logic now hides.

    Raises :class:`AlreadyCompleted` when another submission got there first.
    """
    flipped = db.session.execute(
        update(Response).where(Response.id == response_id, Response.status == ResponseStatus.PARTIAL)
        .values(status=ResponseStatus.COMPLETE, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if flipped != 1:
        raise AlreadyCompleted(response_id)
    # One DELETE for the replaced codes and the ones logic no longer keeps, then only kept rows inserted:
    # the same answers as replacing first and pruning after, one round trip fewer.
    stale = [Answer.question_code.in_(codes)] if codes else []
    if keep_codes is not None:
        keep = set(keep_codes)
        stale.append(Answer.question_code.not_in(sorted(keep)))
        rows = [row for row in rows if row.question_code in keep]
    if stale:
        db.session.execute(delete(Answer).where(Answer.response_id == response_id, or_(*stale)))
    _insert_rows(response_id, rows)
    db.session.flush()


@functools.cache
def _answers_of_response():
    answers = Answer.__table__
    return (select(answers.c.question_code, answers.c.position, answers.c.value_num, answers.c.choice,
                   answers.c.value_text)
            .where(answers.c.response_id == bindparam("response_id"))
            .order_by(answers.c.question_code, answers.c.position))


def committed_answers(response_id: int) -> dict[str, list]:
    """The response's answers as last committed, grouped by question code, positions in order: plain rows
    (``question_code``, ``position``, ``value_num``, ``choice``, ``value_text``) read in autocommit straight on
    the driver (:mod:`..direct_sql`), for the respondent's page, which writes nothing before it reads them."""
    grouped: dict[str, list] = {}
    for row in direct_sql.all_rows(_answers_of_response(), {"response_id": response_id}):
        grouped.setdefault(row.question_code, []).append(row)
    return grouped


def stored_answers(response_id: int) -> dict[str, list[Answer]]:
    """The response's answers grouped by question code, positions in order."""
    grouped: dict[str, list[Answer]] = {}
    rows = db.session.scalars(select(Answer).where(Answer.response_id == response_id)
                              .order_by(Answer.question_code, Answer.position))
    for answer in rows:
        grouped.setdefault(answer.question_code, []).append(answer)
    return grouped
