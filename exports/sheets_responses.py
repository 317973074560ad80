"""문항별 응답 (Frequencies), 고객의 소리 (VOC) and 코드북 (Codebook) sheets."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .charts import bar_chart, chart_rows
from .inputs import CodebookEntry, FrequencyTable, PersonalDataRelease, VocEntry
from .korean import WordCount, word_frequencies
from .masking import mask_in_text
from .style import S, Sheet, Stream, text_width

__all__ = ["frequencies_sheet", "voc_sheet", "codebook_sheet", "MAX_FREQUENCY_CHARTS"]

#: Charts beyond this many questions are left out (the tables stay) to keep the file light.
MAX_FREQUENCY_CHARTS = 300


def _frequency_block(sheet: Sheet, table: FrequencyTable, with_chart: bool) -> None:
    title = sheet.add(S(f"{table.code}. {table.label}", "bold"))
    note = f"응답자 {table.n:,}명"
    if table.multiple:
        note += " · 복수 응답: 비율의 합이 100%를 넘을 수 있습니다"
    sheet.add(S(note, "note"))
    sheet.add(S("보기", "header"), S("응답 수", "header"), S("비율", "header"))
    first = sheet.next_row
    for r in table.rows:
        sheet.add(S(r.label, "cell"), S(r.count, "cell count"), S(r.percent / 100.0, "cell share"))
    last = sheet.next_row - 1
    used = last - title + 1
    if with_chart and table.rows:
        name = f"{table.code}. {table.label}"  # whole, wrapped by bar_chart
        top = None if table.multiple else 1.0  # one answer each: the axis ends at 100%, not at an automatic 120%
        sheet.chart(lambda ws: bar_chart(ws, name, label_col=1, value_col=3, first_row=first, last_row=last,
                                         number_format="0.0%", max_value=top), f"E{title}")
        for _ in range(max(0, chart_rows(len(table.rows)) - used)):
            sheet.blank()
    sheet.blank()


def frequencies_sheet(tables: Sequence[FrequencyTable]) -> Sheet:
    """Counts and percentages per choice for every question, a bar chart beside each."""
    sheet = Sheet("문항별 응답", widths={1: 34, 2: 10, 3: 10}, auto_width_skip={1, 2, 3})
    sheet.add(S("문항별 응답 분포", "title"))
    sheet.add(S("비율은 해당 문항에 응답한 사람 중의 비율입니다 (가중치를 쓴 경우 가중 비율).", "note"))
    sheet.blank()
    block = None
    for i, table in enumerate(tables):
        if table.block and table.block != block:
            sheet.add(S(table.block, "subtitle"))
            block = table.block
        _frequency_block(sheet, table, with_chart=i < MAX_FREQUENCY_CHARTS)
    return sheet


def _segment_keys(entries: Sequence[VocEntry]) -> list[str]:
    keys: list[str] = []
    for e in entries:
        keys += [k for k in e.segments if k not in keys]
    return keys


def _word_table(sheet: Sheet, title: str, words: list[WordCount]) -> None:
    if not words:
        return
    sheet.add(S(title, "subtitle"))
    sheet.add(*[S(h, "header") for h in ("순위", "단어·구", "빈도", "언급 응답 수")])
    for rank, w in enumerate(words, 1):
        sheet.add(S(rank, "cell center"), S(w.text, "cell"), S(w.count, "cell count"), S(w.answers, "cell count"))
    sheet.blank()


def voc_sheet(entries: Sequence[VocEntry], personal: PersonalDataRelease | None) -> Sheet:
    """The most frequent words and phrases, then every open-ended answer with its segments."""
    show = (lambda t: t) if personal is not None else mask_in_text
    texts = [show(e.text or "") for e in entries]
    keys = _segment_keys(entries)
    content_col = 3 + len(keys)
    widths = {1: 8, 2: 16, **{3 + j: 14 for j in range(len(keys))}, content_col: 80}
    sheet = Sheet("고객의 소리", widths=widths, auto_width_skip=set(range(1, content_col + 1)))
    sheet.add(S("고객의 소리 (주관식 응답)", "title"))
    masked = "" if personal is not None else " 응답에 적힌 전화번호·전자우편·주민등록번호는 가려서 표시했습니다."
    sheet.add(S(f"응답 {len(entries):,}건. 조사(은/는, 이/가 등)와 어미를 떼고 센 빈도입니다.{masked}", "note"))
    sheet.blank()
    counts = word_frequencies(texts)
    _word_table(sheet, "자주 나온 단어", [w for w in counts if w.kind == "단어"])
    _word_table(sheet, "자주 나온 구 (두 단어)", [w for w in counts if w.kind == "구"])
    sheet.add(S("응답 원문", "subtitle"))
    sheet.add(*[S(h, "header") for h in ("번호", "문항", *keys, "응답 내용")])
    rows = ((i, e.question, *[e.segments.get(k, "") for k in keys], text)
            for i, (e, text) in enumerate(zip(entries, texts, strict=True), 1))
    sheet.stream = Stream(rows, ["cell center", "cell", *["cell"] * len(keys), "cell wrap"], _voc_height)
    return sheet


def _voc_height(row: Sequence[Any]) -> float | None:
    """Row height for a wrapped answer in the 80-wide column (None: one line)."""
    text = row[-1]
    lines = min(15, max(1, math.ceil(text_width(text) / 78), text.count("\n") + 1))
    return 15 * lines + 2 if lines > 1 else None


def codebook_sheet(entries: Sequence[CodebookEntry]) -> Sheet:
    """Every variable of the raw data with its values and their labels (one row per value)."""
    sheet = Sheet("코드북", freeze="A5", title_rows="4:4", widths={2: 40, 6: 30})
    sheet.add(S("코드북", "title"))
    sheet.add(S("원자료의 변수와 값의 뜻입니다. '모름/해당없음' 값은 점수 계산에서 결측으로 처리했습니다.", "note"))
    sheet.blank()
    sheet.add(*[S(h, "header") for h in ("변수 코드", "변수 설명", "유형", "차원", "값", "값 설명", "모름/해당없음", "비고")])
    for e in entries:
        head = [S(e.code, "cell bold"), S(e.label, "cell"), S(e.type, "cell"), S(e.dimension, "cell")]
        if not e.values:
            sheet.add(*head, S(None), S(None), S(None), S(e.note, "cell note"))
            continue
        for i, (value, label) in enumerate(e.values):
            lead = head if i == 0 else [S(None), S(None), S(None), S(None)]
            missing = "예" if value in e.missing else ""
            sheet.add(*lead, S(value, "cell center"), S(label, "cell"), S(missing, "cell center"),
                      S(e.note if i == 0 else "", "cell note"))
    return sheet
