"""Fixtures for the exports tests: a sample workbook written once, and two independent readers."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from exports.report import write_workbook
from exports.sample import sample_input

SAMPLE_N = 400


class Book:
    """A written workbook read back with openpyxl (styles, formulas) and calamine (values)."""

    def __init__(self, path: Path, inp, summary):
        self.path, self.inp, self.summary = path, inp, summary
        self.xl = openpyxl.load_workbook(path)
        self.cal = CalamineWorkbook.from_path(str(path))

    def rows(self, sheet: str) -> list[list]:
        """Cell values of a sheet as calamine reads them (an independent XLSX reader)."""
        return self.cal.get_sheet_by_name(sheet).to_python(skip_empty_area=False)

    def find(self, sheet: str, col: int, value) -> list:
        """The first calamine row whose column ``col`` (0-based) equals ``value``."""
        for row in self.rows(sheet):
            if len(row) > col and row[col] == value:
                return row
        raise AssertionError(f"{value!r} not found in column {col} of {sheet}")


@pytest.fixture(scope="session")
def sample_size() -> int:
    """Responses in the sample wave."""
    return SAMPLE_N


@pytest.fixture(scope="session")
def sample_book(tmp_path_factory) -> Book:
    """The sample wave's full workbook (all ten sheets)."""
    path = tmp_path_factory.mktemp("exports") / "sample.xlsx"
    inp = sample_input(SAMPLE_N, seed=3)
    summary = write_workbook(inp, path)
    return Book(path, inp, summary)
