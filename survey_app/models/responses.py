"""Responses and their answers, stored in long form (one row per answered question code)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .org import OrgUnit, StaffMember
from .users import User
from .waves import Invitation, Wave


class ResponseStatus(enum.StrEnum):
    """A response is partial until its final page is submitted."""

    PARTIAL = "partial"
    COMPLETE = "complete"


def _where_set(column: str) -> dict:
    """A partial index's predicate on both backends: rows where ``column`` is not NULL."""
    predicate = text(f"{column} IS NOT NULL")
    return {"postgresql_where": predicate, "sqlite_where": predicate}


class Response(Base):
    """One respondent's answers to one wave (or one evaluator's courtesy evaluation)."""

    __tablename__ = "responses"
    __table_args__ = (
        # One response per personal invitation; one per device on an open link that asks for it.
        UniqueConstraint("invitation_id"),
        # Unique where set: a response without the key (every invitation response) writes no entry (0023).
        Index("uq_responses_wave_id_device_key", "wave_id", "device_key", unique=True,
              **_where_set("device_key")),
        Index("uq_responses_resume_key_hash", "resume_key_hash", unique=True, **_where_set("resume_key_hash")),
        Index("ix_responses_wave_status", "wave_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="RESTRICT"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id", ondelete="RESTRICT"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="SET NULL"))
    resume_key_hash: Mapped[str | None] = mapped_column(String(64))
    device_key: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=ResponseStatus.PARTIAL)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    last_page: Mapped[int] = mapped_column(default=0)
    hidden: Mapped[dict] = mapped_column(default=dict)
    weight: Mapped[float | None] = mapped_column(Float)
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    subject_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))

    wave: Mapped[Wave] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    evaluator: Mapped[User | None] = relationship()
    subject_staff: Mapped[StaffMember | None] = relationship()
    subject_org_unit: Mapped[OrgUnit | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")

    @property
    def is_complete(self) -> bool:
        """Whether the final page was submitted."""
        return self.status == ResponseStatus.COMPLETE


class Answer(Base):
    """One answer: a question code with a number, a choice code or text.

    Multiple selections and rankings use one row each, ``position`` telling them apart.
    """

    __tablename__ = "answers"

    # Keyed by what identifies an answer, with no surrogate id and no other index: storing an answer
    # writes one index entry (migration 0010; docs/benchmarks.md has the WAL bytes per response). On
    # PostgreSQL the foreign key is enforced by statement-level triggers, once per INSERT rather than once per
    # answer row (migration 0024); SQLite keeps the constraint.
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    question_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, default=0)
    value_num: Mapped[float | None] = mapped_column(Float)
    choice: Mapped[str | None] = mapped_column(String(64))
    value_text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


class AnswerVector(Base):
    """A complete response's numeric answers packed in one row, for loading a wave at database speed.

    ``packed`` holds one little-endian float64 per code of the wave's matrix layout (``layout`` is a
    digest of those codes, in order), ``NaN`` where the response has no numeric answer. Written only by
    the results job (:mod:`survey_app.results.vectors`), never by the respondent's POST; triggers on
    ``answers`` (migration 0022) delete a response's vector whenever one of its answers is inserted,
    changed or deleted, so the long form stays the record and a vector is never older than it.
    """

    __tablename__ = "answer_vectors"
    __table_args__ = (Index("ix_answer_vectors_wave_layout", "wave_id", "layout", "response_id"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    layout: Mapped[str] = mapped_column(String(16))
    packed: Mapped[bytes] = mapped_column(LargeBinary)
