"""The raw sheet streams: rows are taken from the iterator one at a time and not kept."""
from __future__ import annotations

import weakref
from datetime import UTC, date, datetime, time

import numpy as np
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from exports.inputs import RawColumn, RawData, WorkbookInput
from exports.raw import row_converter, write_raw_xlsx
from exports.report import write_workbook
from exports.style import PageMeta


class Row(list):
    """A list that can be weakly referenced, to see whether anyone keeps it."""


def test_rows_are_not_kept_while_writing(tmp_path):
    refs: list[weakref.ref] = []
    most = 0

    def rows():
        nonlocal most
        for i in range(3000):
            row = Row([i, f"응답 {i}", i * 0.5])
            refs.append(weakref.ref(row))
            if i % 100 == 0:  # rows hold no cycles: reference counting frees them at once
                most = max(most, sum(r() is not None for r in refs))
            yield row

    columns = (RawColumn("n"), RawColumn("text", kind="label"), RawColumn("w", kind="weight"))
    inp = WorkbookInput(survey="s", wave="w", generated_on=date(2025, 1, 1), raw=RawData(columns, rows()))
    assert write_workbook(inp, tmp_path / "s.xlsx").raw_rows == 3000
    assert most <= 3
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx", read_only=True)["원자료"]
    values = list(ws.values)
    assert len(values) == 3001 and values[-1] == (2999, "응답 2999", 1499.5)


def test_row_values_are_converted_for_excel(tmp_path):
    columns = (RawColumn("q", value_labels={1: "예", 2: "아니오"}), RawColumn("multi", value_labels={1: "가", 2: "나"}),
               RawColumn("at", kind="date"), RawColumn("x"))
    convert = row_converter(columns, labels=True)
    assert convert([1.0, [1, 2], datetime(2025, 1, 1, 9, tzinfo=UTC), float("nan")]) == \
        ["예", "가;나", datetime(2025, 1, 1, 9), None]
    assert row_converter(columns)([2, [1, 2], None, 3])[:2] == [2, "1;2"]
    path = tmp_path / "raw.xlsx"
    write_raw_xlsx(path, RawData(columns, [[1, [2], datetime(2025, 1, 1, 9), 4]]), PageMeta("s", "w", date.today()),
                   labels=True)
    row = list(openpyxl.load_workbook(path)["원자료"].iter_rows(min_row=2, values_only=True))[0]
    assert row == ("예", "나", datetime(2025, 1, 1, 9), 4)


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="header has 2 columns"):
        row_converter((RawColumn("a"), RawColumn("b")))([1, 2, 3])


def test_streamed_cells_read_back_exactly(tmp_path):
    values = [0.1 + 0.2, 1e-300, -7, True, "  앞뒤 공백  ", "a<b & c>d", "줄\r\n바꿈", "", np.float64(2.5), np.int64(9),
              date(2025, 3, 1), datetime(2025, 3, 1, 13, 45, 30), time(9, 30), "x" * 40_000, float("inf")]
    columns = tuple(RawColumn(f"c{i}") for i in range(len(values)))
    path = tmp_path / "edge.xlsx"
    write_raw_xlsx(path, RawData(columns, [values]), PageMeta("s", "w", date.today()))
    got = list(openpyxl.load_workbook(path)["원자료"].iter_rows(min_row=2, values_only=True))[0]
    assert got[:7] == (0.1 + 0.2, 1e-300, -7, True, "  앞뒤 공백  ", "a<b & c>d", "줄\r\n바꿈")
    assert got[7] is None and got[8] == 2.5 and got[9] == 9
    assert got[10] == datetime(2025, 3, 1) and got[11] == datetime(2025, 3, 1, 13, 45, 30) and got[12] == time(9, 30)
    assert len(got[13]) == 32_767 and got[13].endswith("…") and got[14] is None
    cal = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("원자료").to_python()[1]
    assert cal[0] == 0.1 + 0.2 and cal[4] == "  앞뒤 공백  " and cal[5] == "a<b & c>d"
