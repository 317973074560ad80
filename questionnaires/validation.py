"""Validate a questionnaire (dict or model): every problem at once, never a traceback."""

from __future__ import annotations

import re
from typing import Any

from .checks import run_checks
from .model import Questionnaire
from .parse import TOP_KEYS, parse_questionnaire
from .problems import Problem, QuestionnaireError, make_problem
from .reader import Reader

_PATH_TOKEN = re.compile(r"\[(\d+)\]|([^.\[]+)")


def collect(data: Any) -> tuple[Questionnaire | None, list[Problem]]:
    """Parse and check raw data; return the model (if it could be built) and all problems."""
    r = Reader()
    try:
        questionnaire = parse_questionnaire(data, r)
        if questionnaire is not None:
            run_checks(questionnaire, r)
    except RecursionError:
        r.add("too_deep", "")
        questionnaire = None
    return questionnaire, ordered(r.problems)


def build(data: Any) -> Questionnaire:
    """Return a valid Questionnaire from raw data, or raise QuestionnaireError with every problem."""
    questionnaire, problems = collect(data)
    if problems or questionnaire is None:
        raise QuestionnaireError(problems or [make_problem("not_mapping", "")])
    return questionnaire


def validate(questionnaire: Questionnaire | dict[str, Any]) -> list[Problem]:
    """Return every problem of a questionnaire (an empty list means it is valid)."""
    if isinstance(questionnaire, Questionnaire):
        try:
            questionnaire = questionnaire.to_dict()
        except (AttributeError, TypeError, ValueError) as error:
            return [make_problem("model_invalid", "", detail=type(error).__name__)]
    return collect(questionnaire)[1]


def path_key(path: str) -> tuple:
    """Sort key putting paths in document order (top-level keys in file order, indexes numerically)."""
    key: list[tuple[int, Any]] = []
    for index, name in _PATH_TOKEN.findall(path):
        if index:
            key.append((0, int(index)))
        elif not key and name in TOP_KEYS:
            key.append((0, TOP_KEYS.index(name)))
        else:
            key.append((1, name))
    return tuple(key)


def ordered(problems: list[Problem]) -> list[Problem]:
    """Drop exact repeats and sort problems in document order."""
    unique = list({(p.code, p.path, p.message_en): p for p in problems}.values())
    return sorted(unique, key=lambda p: path_key(p.path))
