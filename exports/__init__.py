"""Executive Excel workbook and CSV exports: openpyxl + analysis results + row iterators.

Knows nothing of Flask or the database; it may import :mod:`analysis`. The app
adapts its results into one :class:`~exports.inputs.WorkbookInput` and calls
:func:`~exports.report.write_workbook`::

    from exports import WorkbookInput, write_workbook, adapt
    inp = WorkbookInput(survey="우편 서비스 고객만족도 조사", wave="2025년 2분기", generated_on=date.today(),
                        previous_wave="2025년 1분기",
                        kpis=(adapt.kpi("종합지수", rep.scores.index, "score", last.scores.index), ...),
                        scores=adapt.score_rows(rep.scores, items, labels, last.scores), ...,
                        raw=RawData(columns, rows_from_a_server_side_cursor))
    write_workbook(inp, "report.xlsx")          # or a binary stream

The input (:mod:`exports.inputs`; every part may be left empty and its sheet is left out)
-----------------------------------------------------------------------------------------
``survey``, ``wave``, ``previous_wave``, ``generated_on``, ``organisation``
    Names printed in titles, the page header and the findings.
``kpis`` : tuple of :class:`Kpi` — 요약
    Headline figures: label, value, ``kind`` (``score`` 0.0 / ``share`` percent shown 0.0% /
    ``mean`` 0.00 / ``count``), CI, n and a :class:`Change` (previous value, difference,
    p-value, significant). :func:`adapt.kpi` makes one from an ``Estimate`` and last wave's.
``scores`` : tuple of :class:`ScoreRow` — 차원별 점수
    The index, each dimension and each item as an ``Estimate`` on 100 points with its change;
    :func:`adapt.score_rows` builds them from two ``IndexResult`` (changes z-tested with
    ``compare.wave_change``, dimension and item families Holm-corrected).
``segments``, ``segment_measure``, ``segment_total`` — 세그먼트
    :class:`SegmentRow` per segment (variable, segment, ``Estimate``, difference from the rest,
    adjusted p, significant); :func:`adapt.segment_rows` pairs ``estimate.by`` with
    ``compare.segment_comparisons``. Segments with n < 30 are greyed with a note.
``trend`` : :class:`Trend` — 추이
    Wave labels (oldest first), one :class:`TrendSeries` per line, optional n per wave;
    :func:`adapt.trend` from each wave's ``IndexResult``.
``ipa`` : :class:`Ipa` — 중요도-만족도
    ``drivers.QuadrantItem`` rows and the two cuts; :func:`adapt.ipa`.
``courtesy`` : tuple of :class:`CourtesyTable` — 친절도 순위
    One table per level (우체국/팀/직원): stage scores, total, SE/CI, rank, flags;
    :func:`adapt.courtesy_table` from ``courtesy.EvaluationScores`` and unit labels.
``frequencies`` : tuple of :class:`FrequencyTable` — 문항별 응답
    Counts and percents per choice; :func:`adapt.frequency_table` from counts (e.g. SQL GROUP BY).
``voc`` : sequence of :class:`VocEntry` — 고객의 소리
    Open-ended answers with their respondent's segments (held in memory once: they are
    counted for the word table and listed).
``voc_topics`` : tuple of :class:`VocTopic` — VOC 주제
    Open answers by topic (name, count, share, negative share, an example answer) with a bar chart;
    the app fills it from its stored text analyses (:mod:`analysis.text`).
``codebook`` : tuple of :class:`CodebookEntry` — 코드북
    Variable code, label, type, dimension, value labels and 모름/해당없음 codes.
``raw`` : :class:`RawData` — 원자료
    Header (:class:`RawColumn`: code, label, ``kind`` — ``name``/``phone``/``email``/``text``
    are personal data — and value labels) and an iterable of rows, consumed once and streamed.
``raw_labels``
    Write value labels instead of codes in the raw sheet.
``method`` : :class:`MethodNote`
    Weights used, CI level, tests and corrections for the cover note.
``personal`` : :class:`PersonalDataRelease` or None
    None (default) masks personal data everywhere (홍*동, 010-****-5678, and telephone
    numbers/e-mails/resident numbers inside free text). A release names who asked and the
    stated purpose, which the cover note prints; the app checks the permission and logs it.
``findings``
    None: 3-6 key findings are written from the results (:mod:`exports.findings`).

Safety: every string passes :func:`exports.safety.safe_text` (no formula, no formula-leading
character, no XML-illegal character) in XLSX and CSV alike.
"""
from . import adapt
from .case_list import write_case_list
from .csv_export import iter_codebook_csv, iter_raw_csv, write_codebook_csv, write_raw_csv
from .inputs import (
                     CaseHandling,
                     CaseUnitRow,
                     Change,
                     CodebookEntry,
                     Contrast,
                     CourtesyRow,
                     CourtesyTable,
                     FrequencyRow,
                     FrequencyTable,
                     Ipa,
                     ItemDriverRow,
                     Kpi,
                     MethodNote,
                     PersonalDataRelease,
                     RawColumn,
                     RawData,
                     RepresentRow,
                     ScoreRow,
                     SegmentRow,
                     TargetRow,
                     Trend,
                     TrendSeries,
                     VocEntry,
                     VocTopic,
                     WorkbookInput,
)
from .report import WorkbookSummary, sheet_names, write_workbook

__all__ = ["adapt", "write_workbook", "sheet_names", "WorkbookSummary", "WorkbookInput", "Change", "Contrast", "Kpi", "ScoreRow",
           "SegmentRow", "Trend", "TrendSeries", "Ipa", "ItemDriverRow", "CourtesyRow", "CourtesyTable", "FrequencyRow",
           "FrequencyTable", "VocEntry", "VocTopic", "CodebookEntry", "RawColumn", "RawData", "MethodNote", "PersonalDataRelease",
           "iter_raw_csv", "write_raw_csv", "iter_codebook_csv", "write_codebook_csv", "CaseHandling",
           "CaseUnitRow", "write_case_list", "TargetRow", "RepresentRow"]
