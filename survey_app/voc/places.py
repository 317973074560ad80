"""Each complete response's org unit and office code, for the VOC report's who-sees-what and its offices.

The rule is the results pages' (:func:`survey_app.results.loading.response_units`: evaluated unit, else the
evaluated staff member's unit, else the office, else the region of the hidden values); only the columns it needs
are read, aggregated in SQL (:func:`.columns.read_columns`), instead of the whole results loader, which read
every segment a row at a time and took a third of the report's first view. A questionnaire that asks the office
or region as a question is read by the results loader itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func

from ..models import Response, ResponseStatus, Wave
from ..results.loading import (
    ORG_SEGMENTS,
    UNKNOWN,
    _hidden_sources,
    _Levels,
    _sorted_segment,
    load_wave,
    response_units,
    segment_questions,
)
from .columns import INT, LABEL, read_columns

__all__ = ["ResponsePlaces", "response_places"]


@dataclass(frozen=True)
class ResponsePlaces:
    """The wave's complete responses in id order: their ids, org units (-1: unknown) and office codes ("": none)."""

    response_ids: np.ndarray
    units: np.ndarray
    offices: list[str]


def response_places(wave: Wave) -> ResponsePlaces:
    """Unit and office code of each of the wave's complete responses."""
    questionnaire = wave.version.questionnaire
    asked = segment_questions(questionnaire)
    if any(name in asked for name in ORG_SEGMENTS):
        data = load_wave(wave.id, questionnaire, codes=list(dict.fromkeys(asked.values())))
        office = data.segments.get("office_code")
        codes = office.labels(unknown="").tolist() if office is not None else [""] * data.n
        return ResponsePlaces(data.response_ids, data.units, codes)
    sources = _hidden_sources(questionnaire)
    hidden = {name: (func.coalesce(*[Response.hidden[k].as_string() for k in sources[name]])
                     if len(sources[name]) > 1 else Response.hidden[sources[name][0]].as_string(), LABEL)
              for name in ORG_SEGMENTS}
    read = read_columns({"staff": (Response.subject_staff_id, INT), "unit": (Response.subject_org_unit_id, INT),
                         **hidden}, (Response.wave_id == wave.id) & (Response.status == ResponseStatus.COMPLETE),
                        Response.id)
    segments = {}
    for name in ORG_SEGMENTS:
        levels = _Levels()
        codes = levels.codes(read[name])
        if (codes != UNKNOWN).any():
            segments[name] = _sorted_segment(name, levels.levels, codes)
    units = response_units({"unit": read["unit"], "staff": read["staff"]}, segments)
    office = segments.get("office_code")
    offices = office.labels(unknown="").tolist() if office is not None else [""] * len(read["_order"])
    return ResponsePlaces(read["_order"], units, offices)
