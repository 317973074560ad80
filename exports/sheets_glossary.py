"""표본 대표성 and 용어 설명 sheets: the weighting's categories, and the statistical terms in plain words.

Kept off the 요약 sheet, which prints on one page: a representativeness table of 18 categories and a
dozen explanations would shrink it past reading.
"""
from __future__ import annotations

from collections.abc import Sequence

from .inputs import RepresentRow
from .style import S, Sheet

__all__ = ["representativeness_sheet", "glossary_sheet"]


def representativeness_sheet(rows: Sequence[RepresentRow], weights_note: str) -> Sheet:
    """Sample against population share per category of each weighting margin, and the share after weighting."""
    sheet = Sheet("표본 대표성", freeze="A5", title_rows="4:4", widths={1: 18, 2: 22, 8: 30})
    sheet.add(S("표본 대표성 (가중치 적용)", "title"))
    sheet.add(S(weights_note, "note"))
    sheet.blank()
    sheet.add(*[S(h, "header") for h in ("변수", "범주", "응답 수", "응답자 비율(%)", "모집단 비율(%)", "차이(%p)",
                                        "가중 후 비율(%)")])
    for r in rows:
        sheet.add(S(r.variable, "cell"), S(r.category, "cell bold"), S(r.n, "cell count"),
                  S(r.sample_share, "cell score"), S(r.population_share, "cell score"),
                  S(r.sample_share - r.population_share, "cell change"), S(r.weighted_share, "cell score"))
    return sheet


def glossary_sheet(glossary: Sequence[tuple[str, str]]) -> Sheet:
    """Each statistical term the workbook uses, with a short plain-Korean explanation."""
    sheet = Sheet("용어 설명", title_rows="3:3", widths={1: 20, 2: 100}, auto_width_skip={1, 2})
    sheet.add(S("용어 설명", "title"))
    sheet.add(S("이 보고서에 나오는 통계 용어를 쉬운 말로 풀었습니다.", "note"))
    sheet.add(S("용어", "header"), S("뜻", "header"))
    for term, explanation in glossary:
        sheet.add(S(term, "cell bold"), S(explanation, "cell wrap"))
    return sheet
