"""The complete example in docs/questionnaire-format.md is valid and matches its Excel tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questionnaires import load_yaml
from questionnaires.xlsx import writer

DOC = Path(__file__).resolve().parents[2] / "docs" / "questionnaire-format.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example(doc):
    section = doc.split("## 11. 완전한 예시", 1)[1]
    source = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    return load_yaml(source)


def _table(doc: str, sheet: str) -> list[list[str]]:
    """The first markdown table after the "`sheet` 시트" heading of the example, without its rule line."""
    section = doc.split("## 11. 완전한 예시", 1)[1].split(f"`{sheet}` 시트", 1)[1]
    lines = section.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    block = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        block.append([cell.strip() for cell in line.strip("|").split("|")])
    return [block[0]] + block[2:]


def test_the_example_is_valid(example):
    assert example.code == "COUNTER_CSAT"
    assert example.answer_codes() == ["office_code", "Q1_1", "Q1_2", "Q2", "Q3", "Q3_other", "Q4"]


@pytest.mark.parametrize("sheet, rows", [
    ("survey", writer.survey_rows), ("choices", writer.choice_rows), ("scales", writer.scale_rows),
    ("scoring", writer.scoring_rows), ("settings", writer.setting_rows),
])
def test_the_excel_tables_match_the_yaml(doc, example, sheet, rows):
    table = _table(doc, sheet)
    header = table[0]
    expected = [["" if row.get(column) is None else str(row.get(column)) for column in header]
                for row in rows(example)]
    assert table[1:] == expected
