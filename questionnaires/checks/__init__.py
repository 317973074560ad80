"""Semantic rules run on a parsed questionnaire; each adds problems to a Reader."""

from __future__ import annotations

from ..model import Questionnaire
from ..reader import Reader
from .codes import check_codes, check_header, check_list_names, check_scoring_codes, check_sections
from .logic import check_logic
from .scoring import check_scoring, is_scorable
from .types import check_types

RULES = (check_header, check_sections, check_codes, check_list_names, check_scoring_codes,
         check_types, check_logic, check_scoring)


def run_checks(questionnaire: Questionnaire, r: Reader) -> None:
    """Apply every rule, collecting all problems in `r`."""
    for rule in RULES:
        rule(questionnaire, r)


__all__ = ["run_checks", "is_scorable"]
