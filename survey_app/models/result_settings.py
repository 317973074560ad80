"""What CS staff set for a survey's results: a target per index or dimension, and population margins to weight to.

Neither changes a stored result's computation the same way: targets are compared with the scores when a
result is shown (a target change needs no recomputation); the weighting changes every estimate, so its
digest is part of a stored result's watermark (``results.stored``) and a change marks the result stale.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, utcnow


class IndexTarget(Base):
    """A target score (on the index's own 0–100 scale) for an index or a dimension of a survey, for every
    wave (``wave_id`` None) or for one wave (which then takes precedence)."""

    __tablename__ = "index_targets"
    __table_args__ = (Index("ix_index_targets_survey_measure", "survey_id", "kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # "index" or "dimension"
    code: Mapped[str] = mapped_column(String(60))
    target: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SurveyWeighting(Base):
    """A survey's population margins (variable → category → share in percent) and whether results use them."""

    __tablename__ = "survey_weightings"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    margins: Mapped[dict] = mapped_column(JSONType, default=dict)
    source: Mapped[str | None] = mapped_column(String(200))  # where the shares come from (e.g. 통계청 2025)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def digest(self) -> str:
        """What the weighted results depend on, as a short digest ("off" when not applied)."""
        if not self.enabled or not self.margins:
            return "off"
        return hashlib.sha256(json.dumps(self.margins, sort_keys=True).encode()).hexdigest()[:16]
