"""What LibreOffice prints: no cell shows "###" for any number format we use, at the fonts it falls back to.

Each workbook is converted to PDF by ``soffice --headless`` and read back with ``pdftotext`` (poppler).
Excel and LibreOffice print "###" when a number's formatted text is wider than its column; the column
widths must follow the *formatted* text (e.g. "< 0.001" for a p-value of 1e-9, "-88.9%p", "1,234,567").
Skipped with a hint where LibreOffice or poppler is absent.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from exports.inputs import Change, Contrast
from exports.report import write_workbook
from exports.sample import sample_input
from exports.style import FORMATS, PageMeta, S, Sheet, emit, new_workbook, shown_text


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed: apt-get install -y libreoffice-calc poppler-utils fonts-nanum")
    return found


def printed_text(xlsx: Path, workdir: Path) -> str:
    """The workbook printed to PDF by LibreOffice, as text (``pdftotext -layout``)."""
    soffice = shutil.which("soffice") or _tool("libreoffice")
    profile = workdir / "lo-profile"
    done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(workdir), str(xlsx)], capture_output=True, text=True, timeout=240)
    pdf = workdir / (xlsx.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists(), done.stdout + done.stderr
    return subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


#: The widest value of each number format a workbook may hold.
WIDEST = {"score": -888.88, "share": -0.8888, "mean": -888.888, "count": 12345678, "se": 888.888, "p": 1e-9,
          "change": -888.88, "share_change": -88.88, "weight": 8888.8888}


def test_every_number_format_has_its_shown_text():
    assert set(WIDEST) == set(FORMATS)
    assert shown_text(1e-9, "cell p") == "< 0.001" and shown_text(-88.88, "cell share_change") == "-88.9%p"
    assert shown_text(12345678, "cell count") == "12,345,678" and shown_text(-0.8888, "cell share") == "-88.9%"


def test_no_number_format_prints_hashes_in_a_narrow_table(tmp_path):
    """One column per format, headed by a short name: the column must widen to the formatted number."""
    sheet = Sheet("형식")
    sheet.add(*[S(name[:2], "header") for name in WIDEST])
    sheet.add(*[S(value, f"cell {name}") for name, value in WIDEST.items()])
    sheet.add(*[S(value, f"cell kpi {name}") for name, value in WIDEST.items()])  # the summary's 14-point figures
    wb = new_workbook()
    emit(wb, sheet, PageMeta("조사", "차수", date(2025, 7, 1)))
    path = tmp_path / "formats.xlsx"
    wb.save(path)
    text = printed_text(path, tmp_path)
    assert "###" not in text
    assert "< 0.001" in text and "12,345,678" in text


def test_the_workbook_prints_without_hashes_when_every_change_is_extreme(tmp_path):
    """The demo's 차원별 점수 sheet printed "###" in its p-value column; here every p is < 0.001."""
    inp = sample_input(200, seed=3, raw=False)
    big = Change(previous=-88.88, difference=-88.88, pvalue=1e-9, significant=True)
    scores = tuple(replace(r, change=big, contrast=Contrast(-88.88, 1e-9, True) if r.level == "dimension" else None)
                   for r in inp.scores)
    kpis = tuple(replace(k, value=1234567.0) if k.kind == "count" else replace(k, change=Change(k.value or 0, -88.88,
                                                                                                1e-9, True))
                 for k in inp.kpis)
    segments = tuple(replace(s, difference=-88.88, pvalue=1e-9, significant=True) for s in inp.segments)
    path = tmp_path / "extreme.xlsx"
    write_workbook(replace(inp, scores=scores, kpis=kpis, segments=segments), path)
    text = printed_text(path, tmp_path)
    assert "###" not in text
    assert "< 0.001" in text and "1,234,567" in text


def _pages_per_sheet(pdf_text: str) -> dict[str, int]:
    """Printed pages per sheet, from each page's footer (sheet name on the left, "page / pages" on the right)."""
    import re

    counts: dict[str, int] = {}
    for page in pdf_text.split("\f"):
        found = re.findall(r"^(\S+(?: \S+)?)\s{2,}\d+ / \d+\s*$", page, flags=re.M)
        if found:
            counts[found[-1]] = counts.get(found[-1], 0) + 1
    return counts


def test_the_summary_is_one_page_and_raw_data_is_not_printed_in_full(sample_book, tmp_path):
    """The demo's summary ran onto a second page and its raw data made the printout 195 pages."""
    text = printed_text(sample_book.path, tmp_path)
    first = text.split("\f", 1)[0]
    assert "결과 요약" in first and "이 통합문서의 구성" in first and "조사 방법" in first
    pages = _pages_per_sheet(text)
    assert pages["요약"] == 1
    assert pages["원자료"] == 1  # the header row only: 400 rows are not printed
    assert "###" not in text
