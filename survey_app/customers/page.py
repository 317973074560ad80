"""What the customer page (고객 정보) shows: summaries computed in SQL and one paged timeline.

A customer may have thousands of orders and calls; the page never loads them all. Totals (orders by
status, amounts, calls by channel) are SQL aggregates; the timeline merges the newest ``PAGE_SIZE`` of
each kind for the page asked (offset paging, bounded by ``MAX_PAGE``). Later capabilities (VOC cases,
segments, churn risk) add a panel with :func:`add_panel` instead of editing this module.
"""
from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..database import db
from ..models import Contact, Customer, Interaction, Invitation, Order, Response, SurveyVersion, Wave
from ..privacy.contacts import ContactView, view
from .scores import ResponseScores, numeric_answers, score_response

PAGE_SIZE = 50
MAX_PAGE = 200
KINDS = ("interaction", "order", "survey")


@dataclass(frozen=True)
class SurveyAnswered:
    """One response of the customer: which wave, when, how far, and its scores."""

    response_id: int
    wave_code: str
    wave_name: str
    at: datetime
    status: str
    channel: str
    scores: ResponseScores | None


@dataclass(frozen=True)
class Event:
    """One timeline row: when, which kind, and the row itself."""

    at: datetime
    kind: str
    item: Any


@dataclass(frozen=True)
class Summary:
    """Totals over every order and interaction of the customer, computed in the database."""

    orders: int = 0
    order_amount: int = 0
    orders_by_status: dict[str, int] = field(default_factory=dict)
    first_order: datetime | None = None
    last_order: datetime | None = None
    interactions: int = 0
    interactions_by_channel: dict[str, int] = field(default_factory=dict)
    last_interaction: datetime | None = None
    surveys: int = 0


@dataclass(frozen=True)
class Panel:
    """A section a later capability adds to the page (VOC cases, segment, churn risk): its own template
    (given ``context``), or ``FACTS_TEMPLATE`` with ``context={"facts": [(label, value), ...]}``."""

    title: str
    template: str
    context: dict


FACTS_TEMPLATE = "customers/_facts_panel.html"
_PANELS: list[Callable[[Customer], Panel | None]] = []


def add_panel(build: Callable[[Customer], Panel | None]) -> Callable[[Customer], Panel | None]:
    """Register a panel builder (usable as a decorator); it returns None when it has nothing to show."""
    _PANELS.append(build)
    return build


def panels(customer: Customer) -> list[Panel]:
    """The panels later capabilities contribute for this customer."""
    return [p for p in (build(customer) for build in _PANELS) if p is not None]


def _responses_query(customer_id: int):
    return (select(Response, Wave.code, Wave.name).join(Invitation, Invitation.id == Response.invitation_id)
            .join(Contact, Contact.id == Invitation.contact_id).join(Wave, Wave.id == Response.wave_id)
            .where(Contact.customer_id == customer_id))


def summary(customer_id: int) -> Summary:
    """Order and interaction totals, and how many surveys the customer answered."""
    by_status = dict(db.session.execute(select(Order.status, func.count()).where(Order.customer_id == customer_id)
                                        .group_by(Order.status)).all())
    count, amount, first, last = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Order.amount), 0), func.min(Order.ordered_at),
               func.max(Order.ordered_at)).where(Order.customer_id == customer_id)).one()
    by_channel = dict(db.session.execute(select(Interaction.channel, func.count())
                                         .where(Interaction.customer_id == customer_id)
                                         .group_by(Interaction.channel)).all())
    last_call = db.session.scalar(select(func.max(Interaction.occurred_at)).where(Interaction.customer_id == customer_id))
    surveys = db.session.scalar(select(func.count()).select_from(_responses_query(customer_id).subquery()))
    return Summary(orders=count, order_amount=int(amount), orders_by_status=by_status, first_order=first,
                   last_order=last, interactions=sum(by_channel.values()), interactions_by_channel=by_channel,
                   last_interaction=last_call, surveys=surveys or 0)


def _interactions(customer_id: int, limit: int) -> list[Event]:
    rows = db.session.scalars(select(Interaction).options(joinedload(Interaction.org_unit))
                              .where(Interaction.customer_id == customer_id)
                              .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(limit))
    return [Event(r.occurred_at, "interaction", r) for r in rows]


def _orders(customer_id: int, limit: int) -> list[Event]:
    rows = db.session.scalars(select(Order).where(Order.customer_id == customer_id)
                              .order_by(Order.ordered_at.desc(), Order.id.desc()).limit(limit))
    return [Event(r.ordered_at, "order", r) for r in rows]


def surveys_answered(customer_id: int, limit: int | None = None) -> list[SurveyAnswered]:
    """The customer's responses, newest first, each with its scores."""
    query = _responses_query(customer_id).order_by(Response.started_at.desc(), Response.id.desc())
    rows = db.session.execute(query.limit(limit) if limit else query).all()
    answers = numeric_answers([r.id for r, _c, _n in rows])
    return [SurveyAnswered(r.id, code, name, r.finished_at or r.started_at, r.status, r.channel,
                           _scores(r, answers.get(r.id, {})) if r.finished_at else None)
            for r, code, name in rows]


def _scores(response: Response, answers: dict[str, float]) -> ResponseScores | None:
    """The response's scores under its own questionnaire version; None (not an error page) if they cannot be
    computed, e.g. a stored answer the version no longer accepts."""
    try:
        return score_response(db.session.get(SurveyVersion, response.version_id), answers)
    except ValueError:
        return None


def _surveys(customer_id: int, limit: int) -> list[Event]:
    return [Event(s.at, "survey", s) for s in surveys_answered(customer_id, limit)]


SOURCES = {"interaction": _interactions, "order": _orders, "survey": _surveys}


def timeline(customer_id: int, page: int = 1, kinds: tuple[str, ...] = KINDS) -> tuple[list[Event], bool]:
    """One page of the merged timeline, newest first, and whether an older page exists."""
    page = max(1, min(page, MAX_PAGE))
    wanted = page * PAGE_SIZE + 1
    streams = [SOURCES[k](customer_id, wanted) for k in kinds]
    merged = list(heapq.merge(*streams, key=lambda e: e.at, reverse=True))
    start = (page - 1) * PAGE_SIZE
    return merged[start:start + PAGE_SIZE], len(merged) > start + PAGE_SIZE


@dataclass(frozen=True)
class LinkedContact:
    """A contact that resolves to the customer (masked) and its invitations."""

    contact: ContactView
    invitations: list[tuple[Invitation, str]]


def linked_contacts(customer_id: int, limit: int = 50) -> list[LinkedContact]:
    """The customer's contacts, masked, each with its invitations (wave code) newest first."""
    contacts = db.session.scalars(select(Contact).where(Contact.customer_id == customer_id)
                                  .order_by(Contact.id).limit(limit)).all()
    invitations: dict[int, list] = {c.id: [] for c in contacts}
    if contacts:
        rows = db.session.execute(select(Invitation, Wave.code).join(Wave, Wave.id == Invitation.wave_id)
                                  .where(Invitation.contact_id.in_(invitations))
                                  .order_by(Invitation.created_at.desc()))
        for invitation, wave_code in rows:
            invitations[invitation.contact_id].append((invitation, wave_code))
    return [LinkedContact(view(c), invitations[c.id]) for c in contacts]
