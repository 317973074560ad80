"""Results computed once and kept: one row per wave, kind (full result or trend point), viewer scope and level."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType


class StoredResult(Base):
    """A wave's computed result (``kind`` ``full``: the whole :class:`WaveResult`; ``trend``: the headline,
    KPIs and dimension scores a trend point needs), for one viewer scope (``all`` or a hash of org-unit ids,
    ``units`` keeps the ids) and one confidence level.

    ``watermark`` records the answers it was computed from (see :mod:`survey_app.results.stored`); when the
    wave's current watermark differs, the row is stale and the ``results-refresh`` job recomputes it.
    ``payload`` is the result as zlib-compressed JSON (NaN kept); None until first computed.
    """

    __tablename__ = "stored_results"
    __table_args__ = (UniqueConstraint("wave_id", "kind", "scope", "confidence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(40))
    units: Mapped[list | None] = mapped_column(JSONType)
    confidence: Mapped[float] = mapped_column(Float)
    schema: Mapped[str] = mapped_column(String(16))
    watermark: Mapped[str] = mapped_column(String(200))
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    computed_at: Mapped[datetime | None]
    compute_seconds: Mapped[float | None] = mapped_column(Float)
    requested_at: Mapped[datetime | None]  # a viewer saw it stale: the job does these first
    started_at: Mapped[datetime | None]  # a recompute is running since (None when none is)
    error: Mapped[str | None] = mapped_column(String(500))  # why the last recompute failed
    error_mark: Mapped[str | None] = mapped_column(String(200))  # the watermark it failed on
