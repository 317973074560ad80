"""The executive workbook: sheets in a fixed order, one write-only (streamed) openpyxl workbook.

>>> # inp = WorkbookInput(survey="우편 서비스 고객만족도", wave="2025년 2분기", generated_on=date.today(), ...)
>>> # write_workbook(inp, "report.xlsx")

Sheets whose input is empty are left out; the order of the rest is fixed:
요약, 차원별 점수, 세그먼트, 추이, 중요도-만족도, 친절도 순위, 문항별 응답,
고객의 소리, VOC 주제, VOC 처리 현황, 코드북, 표본 대표성, 용어 설명, 원자료.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .inputs import WorkbookInput
from .raw import RAW_SHEET, write_raw_sheet
from .rawxml import save_with_rows
from .sheets_analysis import courtesy_sheet, ipa_sheet
from .sheets_cases import case_handling_sheet
from .sheets_glossary import glossary_sheet, representativeness_sheet
from .sheets_responses import codebook_sheet, frequencies_sheet, voc_sheet
from .sheets_scores import dimensions_sheet, segments_sheet, trend_sheet
from .sheets_summary import summary_sheet
from .sheets_voc import voc_topics_sheet
from .style import PageMeta, Sheet, emit, new_workbook

__all__ = ["WorkbookInput", "write_workbook", "sheet_names", "WorkbookSummary", "SHEET_ORDER"]

SHEET_ORDER = ("요약", "차원별 점수", "세그먼트", "추이", "중요도-만족도", "친절도 순위", "문항별 응답",
               "고객의 소리", "VOC 주제", "VOC 처리 현황", "코드북", "표본 대표성", "용어 설명", RAW_SHEET)


@dataclass(frozen=True)
class WorkbookSummary:
    """What was written: the sheet names in order and the number of raw rows."""

    sheets: tuple[str, ...]
    raw_rows: int


def _builders(inp: WorkbookInput) -> list[tuple[str, Callable[[], Sheet]]]:
    """The small sheets that have something to show, in order (the summary comes first, separately)."""
    candidates = [
        ("차원별 점수", bool(inp.scores), lambda: dimensions_sheet(inp)),
        ("세그먼트", bool(inp.segments), lambda: segments_sheet(inp)),
        ("추이", inp.trend is not None and bool(inp.trend.series), lambda: trend_sheet(inp.trend)),
        ("중요도-만족도", inp.ipa is not None and bool(inp.ipa.items), lambda: ipa_sheet(inp.ipa, inp.item_drivers)),
        ("친절도 순위", bool(inp.courtesy), lambda: courtesy_sheet(inp.courtesy)),
        ("문항별 응답", bool(inp.frequencies), lambda: frequencies_sheet(inp.frequencies)),
        ("고객의 소리", len(inp.voc) > 0, lambda: voc_sheet(inp.voc, inp.personal)),
        ("VOC 주제", bool(inp.voc_topics), lambda: voc_topics_sheet(inp.voc_topics, inp.personal)),
        ("VOC 처리 현황", inp.cases is not None and bool(inp.cases.rows), lambda: case_handling_sheet(inp.cases)),
        ("코드북", bool(inp.codebook), lambda: codebook_sheet(inp.codebook)),
        ("표본 대표성", bool(inp.representativeness),
         lambda: representativeness_sheet(inp.representativeness, inp.method.weights)),
        ("용어 설명", bool(inp.glossary), lambda: glossary_sheet(inp.glossary)),
    ]
    return [(name, build) for name, present, build in candidates if present]


def sheet_names(inp: WorkbookInput) -> tuple[str, ...]:
    """Names of the sheets :func:`write_workbook` will write for ``inp``, in order."""
    names = ["요약"] + [name for name, _ in _builders(inp)]
    return tuple(names + ([RAW_SHEET] if inp.raw is not None else []))


def write_workbook(inp: WorkbookInput, target: str | Path | IO[bytes]) -> WorkbookSummary:
    """Write the executive workbook for ``inp`` to a path or a binary stream.

    Small sheets are laid out from the analysis results; the raw rows are
    streamed from ``inp.raw.rows`` (consumed once) in constant memory.
    """
    meta = PageMeta(survey=inp.survey, wave=inp.wave, generated_on=inp.generated_on)
    wb = new_workbook()
    names = sheet_names(inp)
    emit(wb, summary_sheet(inp, names), meta)
    pending = [emit(wb, build(), meta) for _, build in _builders(inp)]
    raw = None
    if inp.raw is not None:
        raw = write_raw_sheet(wb, inp.raw, meta, personal=inp.personal, labels=inp.raw_labels)
    save_with_rows(wb, target, [p for p in (*pending, raw) if p is not None])
    return WorkbookSummary(sheets=names, raw_rows=raw.count if raw is not None else 0)
