"""Excel round-trip of questionnaires: the XLSForm-like workbook CS staff edit."""

from __future__ import annotations

import io
import os
from typing import IO, Any

from ..model import Questionnaire
from ..problems import Problem, QuestionnaireError, relocate
from ..validation import collect
from . import layout
from .builder import Builder
from .lists import Lists
from .other_sheets import read_scoring, read_settings
from .survey_sheet import SurveySheet
from .tables import Source, read_tables
from .writer import build_workbook


def workbook_to_dict(source: Source) -> tuple[dict[str, Any] | None, Builder | None, list[Problem]]:
    """Read a workbook into the questionnaire dict; also return the locator and sheet problems."""
    tables, problems = read_tables(source)
    if any(name not in tables for name in layout.REQUIRED_SHEETS):
        return None, None, problems
    b = Builder(tables)
    lists = Lists(b)
    data = read_settings(b)
    data["hidden"], data["sections"] = SurveySheet(b, lists).build()
    data["choice_lists"], data["scales"] = lists.named()
    scoring = read_scoring(b)
    if scoring:
        data["scoring"] = scoring
    data = {key: value for key, value in data.items() if value not in ({}, [])} | {"sections": data["sections"]}
    return data, b, problems + b.problems


def load_xlsx(source: Source) -> Questionnaire:
    """Load and validate a questionnaire workbook (path, bytes or binary file object)."""
    data, b, problems = workbook_to_dict(source)
    if b is None:
        raise QuestionnaireError(problems)
    questionnaire, found = collect(data)
    everything = problems + relocate(found, b.locate)
    if everything or questionnaire is None:
        raise QuestionnaireError(sorted(everything, key=_sheet_order))
    return questionnaire


def _sheet_order(problem: Problem) -> tuple:
    sheet = (problem.sheet or "").strip().lower()
    rank = layout.SHEETS.index(sheet) if sheet in layout.SHEETS else -1
    return (rank, problem.row or 0)


def dump_xlsx(questionnaire: Questionnaire, target: str | os.PathLike | IO[bytes]) -> None:
    """Write the questionnaire as an .xlsx workbook to a path or binary file object."""
    build_workbook(questionnaire).save(target)


def xlsx_bytes(questionnaire: Questionnaire) -> bytes:
    """Return the questionnaire as .xlsx file content."""
    buffer = io.BytesIO()
    dump_xlsx(questionnaire, buffer)
    return buffer.getvalue()


__all__ = ["dump_xlsx", "load_xlsx", "workbook_to_dict", "xlsx_bytes"]
