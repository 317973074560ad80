"""Fixtures for the questionnaires package tests (no Flask, no database)."""

from __future__ import annotations

import copy
from typing import Any

import pytest


def base_dict() -> dict[str, Any]:
    """A small valid questionnaire touching most features."""
    return {
        "code": "TEST_QN",
        "version": 1,
        "kind": "post_call",
        "title": {"ko": "상담 후 만족도", "en": "Post-call satisfaction"},
        "hidden": [
            {"code": "agent_id", "type": "hidden"},
            {"code": "queue", "type": "hidden", "source": "queue"},
        ],
        "scales": {
            "sat5": {
                "points": 5,
                "labels": [
                    {"value": 1, "label": {"ko": "매우 불만족", "en": "Very dissatisfied"}},
                    {"value": 5, "label": {"ko": "매우 만족", "en": "Very satisfied"}},
                ],
                "na": {"value": 9, "label": {"ko": "모름/해당없음", "en": "Don't know / N/A"}},
            },
        },
        "choice_lists": {
            "yes_no": [
                {"value": 1, "label": {"ko": "예", "en": "Yes"}},
                {"value": 2, "label": {"ko": "아니요", "en": "No"}},
            ],
        },
        "sections": [
            {
                "code": "S1",
                "title": {"ko": "상담 평가", "en": "Your call"},
                "questions": [
                    {"code": "Q1", "type": "likert", "text": {"ko": "상담에 만족하셨습니까?", "en": "Were you satisfied?"},
                     "scale": "sat5", "scoring": {"kpi": "csat", "dimension": "service"}},
                    {"code": "Q2", "type": "single_choice", "text": {"ko": "문의가 해결되었습니까?", "en": "Was it resolved?"},
                     "choices": "yes_no", "scoring": {"kpi": "resolution"}},
                    {"code": "Q3", "type": "multiple_choice", "text": {"ko": "불편했던 점을 모두 골라 주십시오."},
                     "show_if": "Q2 == 2", "max_selected": 2,
                     "choices": [
                         {"value": 1, "label": {"ko": "대기 시간"}},
                         {"value": 2, "label": {"ko": "설명 부족"}},
                         {"value": 3, "label": {"ko": "기타"}, "other": True},
                     ]},
                    {"code": "Q4", "type": "matrix", "text": {"ko": "상담사는 어떠했습니까?"}, "scale": "sat5",
                     "rows": [
                         {"code": "Q4_1", "text": {"ko": "친절함"}, "scoring": {"dimension": "service"}},
                         {"code": "Q4_2", "text": {"ko": "전문성"}, "scoring": {"dimension": "service", "reverse": True}},
                     ]},
                    {"code": "Q5", "type": "long_text", "text": {"ko": "{Q1|} 점수를 주신 이유를 적어 주십시오."}, "required": False},
                ],
            },
        ],
        "scoring": {
            "dimensions": [{"code": "service", "name": {"ko": "서비스", "en": "Service"}}],
            "indices": [{"code": "idx", "name": {"ko": "지수"}, "weights": {"service": 1}}],
        },
    }


@pytest.fixture
def qdict() -> dict[str, Any]:
    """A fresh copy of the small valid questionnaire dict (safe to modify)."""
    return copy.deepcopy(base_dict())


@pytest.fixture
def questionnaire(qdict):
    """The small valid questionnaire as a model."""
    from questionnaires import Questionnaire
    return Questionnaire.from_dict(qdict)
