"""CSV export of the raw data and the codebook: UTF-8 with a BOM so Excel reads Korean correctly.

The same per-column conversion as the raw sheet applies (masking, labels,
formula-safe strings), and rows are streamed: :func:`iter_raw_csv` yields text
chunks a web response can send as they are made.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from .inputs import CodebookEntry, PersonalDataRelease, RawData
from .raw import row_converter
from .safety import safe_value

__all__ = ["BOM", "iter_raw_csv", "write_raw_csv", "iter_codebook_csv", "write_codebook_csv"]

BOM = "\ufeff"
_CHUNK_ROWS = 1000


def _csv_value(value: Any) -> Any:
    """Dates as ISO text, None as empty; everything else as the raw sheet writes it."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") and hasattr(value, "day") else value.isoformat()
    return value


def _chunks(rows: Iterator[Sequence[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    for i, row in enumerate(rows, 1):
        writer.writerow([_csv_value(v) for v in row])
        if i % _CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def iter_raw_csv(raw: RawData, *, personal: PersonalDataRelease | None = None, labels: bool = False
                 ) -> Iterator[str]:
    """Text chunks of the raw-data CSV: BOM, header of codes, one line per response."""
    convert = row_converter(raw.columns, personal, labels)
    header = [safe_value(c.code) for c in raw.columns]
    return _chunks(_prepend(header, (convert(r) for r in raw.rows)))


def _prepend(first: Sequence[Any], rest: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    yield first
    yield from rest


def _write(target: str | Path | IO[str], chunks: Iterator[str]) -> None:
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(chunks)
    else:
        target.writelines(chunks)


def write_raw_csv(target: str | Path | IO[str], raw: RawData, *, personal: PersonalDataRelease | None = None,
                  labels: bool = False) -> None:
    """Write the raw-data CSV (UTF-8 with BOM) to a path or a text stream."""
    _write(target, iter_raw_csv(raw, personal=personal, labels=labels))


def iter_codebook_csv(entries: Sequence[CodebookEntry]) -> Iterator[str]:
    """Text chunks of the codebook CSV: one line per variable value."""
    def rows() -> Iterator[list[Any]]:
        yield ["variable", "label", "type", "dimension", "value", "value_label", "missing", "note"]
        for e in entries:
            values = e.values or ((None, ""),)
            for value, label in values:
                flag = "yes" if value is not None and value in e.missing else ""
                yield [safe_value(v) for v in (e.code, e.label, e.type, e.dimension, value, label, flag, e.note)]
    return _chunks(rows())


def write_codebook_csv(target: str | Path | IO[str], entries: Sequence[CodebookEntry]) -> None:
    """Write the codebook CSV (UTF-8 with BOM) to a path or a text stream."""
    _write(target, iter_codebook_csv(entries))
