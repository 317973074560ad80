"""Churn scoring runs, their scores, and retention actions with their randomised holdouts."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin


class ChurnRun(CreatedAtMixin, Base):
    """One monthly (or manual) run: the backtest figures, whether the scores may be shown, the scores."""

    __tablename__ = "churn_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cutoff: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    horizon_days: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))  # ok / refused (worse than a baseline) / failed
    message: Mapped[str | None] = mapped_column(Text)
    backtest: Mapped[dict] = mapped_column(default=dict)  # model / recency / rfm figures, cutoffs
    warnings: Mapped[dict] = mapped_column(default=dict)  # {"lines": [...]}
    scored: Mapped[int] = mapped_column(default=0)

    @property
    def shows_scores(self) -> bool:
        """Scores are shown only from a run whose model beat the recency rule and the RFM score."""
        return self.status == "ok"


class ChurnScore(Base):
    """One customer's risk in one run, with their segment and reasons."""

    __tablename__ = "churn_scores"
    __table_args__ = (Index("ix_churn_scores_run_unit_risk", "run_id", "org_unit_id", "risk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("churn_runs.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    risk: Mapped[float] = mapped_column(Float)
    segment: Mapped[str] = mapped_column(String(40))
    reasons: Mapped[dict] = mapped_column(default=dict)  # {"items": ["...", ...]}


class ChurnActionKind:
    """What the treated customers get."""

    CALLBACK = "callback"  # 해피콜(call-back) cases
    MESSAGE = "message"  # 재구매 안내 message wave (marketing consent required)
    SURVEY = "survey"  # a survey wave (survey consent required)
    ALL = (CALLBACK, MESSAGE, SURVEY)
    WAVES = (MESSAGE, SURVEY)


class ChurnAction(CreatedAtMixin, Base):
    """A retention action on a list of customers, with a randomised holdout that gets nothing."""

    __tablename__ = "churn_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(100))  # worklist:<run id> / segment:<name>
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("churn_runs.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    holdout_share: Mapped[float] = mapped_column(Float)
    seed: Mapped[int]
    starts_on: Mapped[date] = mapped_column(Date)
    window_days: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="SET NULL"))

    members: Mapped[list[ChurnActionMember]] = relationship(back_populates="action", cascade="all, delete-orphan")

    @property
    def ends_on(self) -> date:
        """The last day of the window in which a retained customer orders."""
        return self.starts_on + timedelta(days=self.window_days)

    def is_measurable_on(self, today: date) -> bool:
        """The uplift is shown only once the window has passed."""
        return today > self.ends_on


class ChurnActionMember(Base):
    """One customer of an action: treated or control (holdout), as randomised and recorded at creation."""

    __tablename__ = "churn_action_members"
    __table_args__ = (UniqueConstraint("action_id", "customer_id"),
                      Index("ix_churn_action_members_arm", "action_id", "arm"))

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("churn_actions.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    arm: Mapped[str] = mapped_column(String(10))  # treated / control
    risk: Mapped[float | None] = mapped_column(Float)
    case_id: Mapped[int | None]  # the VOC call-back case, once cases are merged
    called_at: Mapped[datetime | None]

    action: Mapped[ChurnAction] = relationship(back_populates="members")
