"""Who is scored and why not: complete responses that have a headline score, and the reasons of the others.

A complete response without a score either never saw a scored question (a screening question, e.g. "최근
3개월 안에 이용하신 적이 있으십니까?" answered 아니요, hid them all) or saw them and left every one blank or
answered 모름/해당없음. The first is told apart from the second by replaying the questionnaire's logic
(``questionnaires.logic.flow.shown``) on the response's stored numeric answers. Pure: no database.
"""
from __future__ import annotations

import numpy as np

from questionnaires import Questionnaire
from questionnaires.logic.flow import shown

from .loading import WaveData
from .model import Coverage


def coverage(data: WaveData, questionnaire: Questionnaire, scored_questions: set[str],
             respondent: np.ndarray) -> Coverage:
    """Complete, scored, not asked (logic hid every scored question) and asked but unanswered responses."""
    unscored = np.flatnonzero(np.isnan(respondent)) if len(respondent) == data.n else np.arange(data.n)
    not_asked, seen_before = 0, {}
    for row in unscored.tolist():
        values = data.values[row].tolist()
        key = tuple(v if v == v else None for v in values)  # screened-out answers repeat: replay each pattern once
        if key not in seen_before:
            answers = {code: _plain(v) for code, v in zip(data.codes, values, strict=True) if v == v}
            seen = {q.code for q in shown(questionnaire, answers).questions}
            seen_before[key] = not seen & scored_questions
        not_asked += seen_before[key]
    return Coverage(complete=data.n, scored=data.n - len(unscored), not_asked=not_asked,
                    no_answer=len(unscored) - not_asked)


def _plain(value: float) -> int | float:
    """A stored numeric answer as the logic compares it (choice codes are whole numbers)."""
    return int(value) if float(value).is_integer() else value
