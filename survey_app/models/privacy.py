"""개인정보 처리 기록 (who touched whose personal data, when, from where, why) and per-survey retention."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .audit import refuse_change
from .base import Base, utcnow


class AccessAction:
    """What was done with personal data."""

    VIEW_UNMASKED = "view_unmasked"
    EXPORT = "export"
    IMPORT = "import"
    EDIT = "edit"
    PURGE = "purge"
    ANONYMISE = "anonymise"
    KEY_ROTATION = "key_rotation"

    LABELS = {
        VIEW_UNMASKED: "마스킹 해제 조회", EXPORT: "내려받기", IMPORT: "등록", EDIT: "수정",
        PURGE: "파기", ANONYMISE: "익명 처리", KEY_ROTATION: "암호 키 교체",
    }


class PersonalDataAccess(Base):
    """One access to personal data. Append-only (a database trigger refuses UPDATE and DELETE); kept ≥ 2 years.

    There is deliberately no foreign key to ``users``: the row must survive any change to the account.
    """

    __tablename__ = "personal_data_access"
    __table_args__ = (Index("ix_personal_data_access_occurred_at", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None]
    actor_name: Mapped[str | None] = mapped_column(String(64), index=True)
    actor_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_count: Mapped[int] = mapped_column(default=0)
    purpose: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(default=dict)

    subjects: Mapped[list[PersonalDataSubject]] = relationship(back_populates="access")


class PersonalDataSubject(Base):
    """Whose data one access touched: one row per person, so "who saw my data" is one indexed query."""

    __tablename__ = "personal_data_subjects"
    __table_args__ = (Index("ix_personal_data_subjects_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    access_id: Mapped[int] = mapped_column(ForeignKey("personal_data_access.id", ondelete="RESTRICT"), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]

    access: Mapped[PersonalDataAccess] = relationship(back_populates="subjects")


for _model in (PersonalDataAccess, PersonalDataSubject):
    event.listen(_model, "before_update", refuse_change)
    event.listen(_model, "before_delete", refuse_change)


class SurveyPrivacy(Base):
    """How long a survey keeps its contacts after a wave closes, and whether answers stay linked to people."""

    __tablename__ = "survey_privacy"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    retention_days: Mapped[int]
    retention_action: Mapped[str] = mapped_column(String(20), default="purge")
    identified: Mapped[bool] = mapped_column(default=False)  # responses linked to the person by design
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
