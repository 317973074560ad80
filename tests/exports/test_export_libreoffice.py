"""LibreOffice opens the workbook and prints it to PDF; the first pages are kept as PNG for people to look at.

Needs ``soffice`` (apt-get install -y libreoffice-calc fonts-nanum) and, for the
PNGs, ``pdftoppm`` (poppler-utils); each part is skipped with a message where
the program is absent. Pictures go to ``test-artifacts/exports/`` (git-ignored).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "exports"


@pytest.fixture(scope="module")
def pdf(sample_book, tmp_path_factory) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc")
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(out), str(sample_book.path)], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    path = out / (sample_book.path.stem + ".pdf")
    assert path.exists(), done.stdout + done.stderr
    return path


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed: apt-get install -y poppler-utils")
    return found


def test_libreoffice_converts_the_workbook_to_pdf(pdf):
    head = pdf.read_bytes()[:5]
    assert head == b"%PDF-"
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 9  # at least one page per sheet
    first = subprocess.run([_tool("pdftotext"), "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "결과 요약" in first and "핵심 지표" in first and "종합지수" in first


def test_first_pages_saved_as_png(pdf):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("page-*.png"):
        old.unlink()
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "6", str(pdf), str(ARTIFACTS / "page")],
                   check=True, timeout=120)
    shutil.copy(pdf, ARTIFACTS / "sample.pdf")
    pngs = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(pngs) == 6 and all(p.stat().st_size > 10_000 for p in pngs)
