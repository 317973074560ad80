"""Read-only summaries of surveys and waves for the CLI and staff pages."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from .database import db
from .models import Response, ResponseStatus, Survey, Wave


@dataclass(frozen=True)
class WaveRow:
    """A wave with its response counts."""

    code: str
    name: str
    state: str
    survey_code: str
    complete: int
    partial: int


def wave_overview(survey_code: str | None = None) -> list[WaveRow]:
    """Every wave (or one survey's), with complete and partial response counts."""
    is_complete = case((Response.status == ResponseStatus.COMPLETE, 1), else_=0)
    is_partial = case((Response.status == ResponseStatus.PARTIAL, 1), else_=0)
    query = (
        select(Wave.code, Wave.name, Wave.state, Survey.code,
               func.coalesce(func.sum(is_complete), 0), func.coalesce(func.sum(is_partial), 0))
        .join(Survey, Survey.id == Wave.survey_id)
        .outerjoin(Response, Response.wave_id == Wave.id)
        .group_by(Wave.id, Survey.code)
        .order_by(Survey.code, Wave.opens_at, Wave.code)
    )
    if survey_code:
        query = query.where(Survey.code == survey_code)
    return [WaveRow(*row) for row in db.session.execute(query).all()]
