"""VOC cases (고객의 소리 처리): a case per unhappy customer, with an owner, a deadline, a timeline and a follow-up.

A completed response whose survey has case rules leaves one small :class:`CaseTrigger` row in the
respondent's own transaction; the ``case-triggers`` job turns each trigger into at most one case
(``Case.trigger_id`` is unique), so a job killed mid-batch loses nothing and doubles nothing.
The state machine lives on the model (:meth:`Case.can_move_to`); ``version`` is an optimistic lock:
two staff closing the same case at once — one wins, the other is told.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, utcnow
from .customers import Customer
from .org import OrgUnit
from .users import User


class CaseStatus:
    """접수 → 배정 → 처리 중 → 답변 완료 → 종결; 재개 (reopened) goes back to work; 이관 is a logged event
    that moves a case to another unit's queue (status back to 접수)."""

    RECEIVED = "received"  # 접수
    ASSIGNED = "assigned"  # 배정
    IN_PROGRESS = "in_progress"  # 처리 중
    ANSWERED = "answered"  # 답변 완료
    CLOSED = "closed"  # 종결
    REOPENED = "reopened"  # 재개
    ALL = (RECEIVED, ASSIGNED, IN_PROGRESS, ANSWERED, CLOSED, REOPENED)
    OPEN = (RECEIVED, ASSIGNED, IN_PROGRESS, ANSWERED, REOPENED)

    #: Allowed moves. Transfer (이관) is allowed from every open status and lands on RECEIVED.
    TRANSITIONS: dict[str, frozenset[str]] = {
        RECEIVED: frozenset({ASSIGNED}),
        ASSIGNED: frozenset({ASSIGNED, IN_PROGRESS}),
        IN_PROGRESS: frozenset({ANSWERED}),
        ANSWERED: frozenset({CLOSED, IN_PROGRESS}),
        CLOSED: frozenset({REOPENED}),
        REOPENED: frozenset({ASSIGNED, IN_PROGRESS}),
    }


class CaseSource:
    """Where a case came from."""

    RESPONSE = "response"  # a survey rule fired
    CALL = "call"  # 전화
    COUNTER = "counter"  # 창구
    BOARD = "board"  # 게시판
    SMS = "sms"  # 문자 상담
    API = "api"
    RETENTION = "retention"  # a call-back of a retention action (이탈 방지 해피콜)
    ALL = (RESPONSE, CALL, COUNTER, BOARD, SMS, API, RETENTION)
    INTAKE = (CALL, COUNTER, BOARD, SMS)


class Resolution:
    """해결 여부, asked when a case is closed."""

    YES = "yes"
    NO = "no"
    PARTLY = "partly"
    ALL = (YES, NO, PARTLY)


class CaseRuleKind:
    """What a survey rule looks at."""

    SCORE_AT_MOST = "score_at_most"  # a question (or its matrix row) at or below a threshold
    NPS_DETRACTOR = "nps_detractor"  # an NPS question 0–6
    CHOICE_IS = "choice_is"  # a choice answer equal to a code (해결되었습니까? 아니요; 연락을 원하십니까? 예)
    KEYWORD = "keyword"  # a free-text answer containing a word stem
    INDEX_AT_MOST = "index_at_most"  # a computed dimension score or overall index (0–100) at or below a threshold
    ALL = (SCORE_AT_MOST, NPS_DETRACTOR, CHOICE_IS, KEYWORD, INDEX_AT_MOST)


class Case(CreatedAtMixin, Base):
    """One customer's voice to be handled: owner unit, assignee, deadline, status and a timeline."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_unit_status", "org_unit_id", "status"),
                      Index("ix_cases_assignee_status", "assignee_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # VOC-2026-000123
    source: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(10), default="normal")  # high / normal / low
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.RECEIVED)
    summary: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str | None] = mapped_column(Text)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"), index=True)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"))
    trigger_id: Mapped[int | None] = mapped_column(ForeignKey("case_triggers.id", ondelete="SET NULL"), unique=True)
    external_ref: Mapped[str | None] = mapped_column(String(100))
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    interim_due_on: Mapped[date | None] = mapped_column(Date)
    interim_sent_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    first_contact_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    root_cause: Mapped[str | None] = mapped_column(String(32))
    resolution: Mapped[str | None] = mapped_column(String(10))
    was_detractor: Mapped[bool] = mapped_column(default=False)
    followup_response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"))
    followup_satisfaction: Mapped[float | None]
    recovered: Mapped[bool | None]
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer | None] = relationship()
    org_unit: Mapped[OrgUnit | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id",
                                                   cascade="all, delete-orphan")
    answers: Mapped[list[CaseAnswer]] = relationship(back_populates="case", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        """Whether someone still has work on it."""
        return self.status != CaseStatus.CLOSED

    def can_move_to(self, status: str) -> bool:
        """Whether the state machine allows going from the current status to ``status``."""
        return status in CaseStatus.TRANSITIONS.get(self.status, frozenset())

    def is_overdue_on(self, day: date) -> bool:
        """Past its deadline and still open."""
        return self.is_open and day > self.due_on


class CaseEvent(Base):
    """One line of a case's timeline: created, assigned, status, reply, note, transfer, escalation, follow-up."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class CaseAnswer(Base):
    """A triggering answer attached to its case (copied, so the case reads the same after a purge)."""

    __tablename__ = "case_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("case_rules.id", ondelete="SET NULL"))
    question_code: Mapped[str] = mapped_column(String(64))
    question_text: Mapped[str | None] = mapped_column(String(500))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200))

    case: Mapped[Case] = relationship(back_populates="answers")


class CaseRule(CreatedAtMixin, Base):
    """A rule CS staff set on a survey: when it fires on a completed response, a case is opened."""

    __tablename__ = "case_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    question_code: Mapped[str] = mapped_column(String(64))
    threshold: Mapped[float | None]
    choice: Mapped[str | None] = mapped_column(String(64))
    keyword: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(32), default="complaint")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CaseTrigger(Base):
    """A completed response of a survey with rules, waiting for the job (inserted in the respondent's
    transaction; ``processed_at`` set in the same transaction that creates its case)."""

    __tablename__ = "case_triggers"
    __table_args__ = (UniqueConstraint("response_id"), Index("ix_case_triggers_pending", "processed_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))  # case / no_rule / followup


class CaseRouting(Base):
    """A routing rule: cases of a category, or of customers in a region, go to a unit's queue."""

    __tablename__ = "case_routings"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(64))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"))
    priority: Mapped[int] = mapped_column(default=100)  # lower is tried first

    org_unit: Mapped[OrgUnit] = relationship()


class CaseReplyTemplate(CreatedAtMixin, Base):
    """A reply text staff start from on a case page (문구 관리): its channel, what kind of message it is, an
    optional case category it is offered for, and the text with placeholders. A retired template is no
    longer offered; the replies sent with it keep their own text in the outbox."""

    __tablename__ = "case_reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(10))  # sms / email
    purpose: Mapped[str] = mapped_column(String(20))  # MessageKind: case_reply / interim_notice / contact_attempt
    category: Mapped[str | None] = mapped_column(String(32))  # None: offered for every category
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    retired_at: Mapped[datetime | None]

    @property
    def is_retired(self) -> bool:
        """Whether the template is no longer offered."""
        return self.retired_at is not None
