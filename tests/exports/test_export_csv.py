"""CSV export: UTF-8 with a BOM, Korean intact, streamed in chunks, codebook one line per value."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from exports.csv_export import iter_raw_csv, write_codebook_csv, write_raw_csv
from exports.inputs import CodebookEntry, RawColumn, RawData


def test_raw_csv_bom_korean_and_dates(tmp_path):
    raw = RawData((RawColumn("id", kind="id"), RawColumn("region", kind="label"), RawColumn("at", kind="date"),
                   RawColumn("q1")), [["R1", "서울", datetime(2025, 4, 1, 9, 30), 5], ["R2", "강원", date(2025, 4, 2), None]])
    path = tmp_path / "raw.csv"
    write_raw_csv(path, raw)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["id", "region", "at", "q1"], ["R1", "서울", "2025-04-01 09:30:00", "5"],
                    ["R2", "강원", "2025-04-02", ""]]


def test_raw_csv_is_streamed_in_chunks():
    raw = RawData((RawColumn("n"),), ([i] for i in range(2500)))
    chunks = list(iter_raw_csv(raw))
    assert len(chunks) == 3 and chunks[0].startswith("\ufeffn\r\n0\r\n")
    assert "".join(chunks).count("\r\n") == 2501


def test_codebook_csv(tmp_path):
    entries = (CodebookEntry("Q1", "직원의 친절", "likert", ((1, "전혀 아니다"), (9, "모름")), (9,), "과정품질"),
               CodebookEntry("weight", "가중치", "weight"))
    stream = io.StringIO()
    write_codebook_csv(stream, entries)
    rows = list(csv.reader(io.StringIO(stream.getvalue().lstrip("\ufeff"))))
    assert rows[0][:5] == ["variable", "label", "type", "dimension", "value"]
    assert rows[1] == ["Q1", "직원의 친절", "likert", "과정품질", "1", "전혀 아니다", "", ""]
    assert rows[2][4:7] == ["9", "모름", "yes"]
    assert rows[3][:3] == ["weight", "가중치", "weight"]
