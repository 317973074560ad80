"""VOC 주제 sheet: open answers by topic (주제) — count, share, negative share, an example — with a bar chart."""
from __future__ import annotations

from collections.abc import Sequence

from .charts import bar_chart, chart_rows
from .inputs import PersonalDataRelease, VocTopic
from .masking import mask_in_text
from .style import S, Sheet

__all__ = ["voc_topics_sheet"]


def voc_topics_sheet(topics: Sequence[VocTopic], personal: PersonalDataRelease | None) -> Sheet:
    """One row per topic, most answers first, and a horizontal bar chart of the counts beside the table."""
    sheet = Sheet("VOC 주제", widths={1: 26, 2: 10, 3: 10, 4: 12, 5: 70}, auto_width_skip={1, 2, 3, 4, 5})
    sheet.add(S("고객의 소리 주제별 분류", "title"))
    total = sum(t.count for t in topics)
    sheet.add(S(f"주관식 응답 {total:,}건을 주제와 감정(긍정·중립·부정)으로 자동 분류한 결과입니다. 자동 분류라 틀릴 수 "
                "있으니 예시 응답과 함께 보아 주십시오. 예시의 전화번호·전자우편·사람 이름은 가렸습니다.", "note"))
    sheet.blank()
    sheet.add(*[S(h, "header") for h in ("주제", "응답 수", "비율", "부정 비율", "예시 응답")])
    first = sheet.next_row
    for t in sorted(topics, key=lambda t: -t.count):
        example = t.example if personal is not None else mask_in_text(t.example)
        sheet.add(S(t.name, "cell"), S(t.count, "cell count"), S(t.share / 100.0, "cell share"),
                  S(t.negative / 100.0, "cell share"), S(example, "cell wrap"))
    last = sheet.next_row - 1
    if topics:
        sheet.chart(lambda ws: bar_chart(ws, "주제별 응답 수", label_col=1, value_col=2, first_row=first, last_row=last,
                                         number_format="#,##0", max_value=None), f"G{first - 1}")
        for _ in range(max(0, chart_rows(len(topics)) - (last - first + 2))):
            sheet.blank()
    return sheet
