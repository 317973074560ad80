"""Refuse a workbook too large to read before openpyxl opens it.

An .xlsx file is a zip archive: a 1 MB upload can hold a gigabyte of sheet XML (a "zip bomb") that
keeps a worker busy for a long time. The sizes the archive declares for its members bound what
``zipfile`` will ever hand out, so their sum is checked first; the cells are counted while reading.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

MAX_UNCOMPRESSED_BYTES = 100_000_000
MAX_CELLS = 2_000_000


class WorkbookTooLarge(ValueError):
    """A workbook whose unpacked size or number of cells is beyond what the app reads."""

    def __init__(self, what: str, limit: int):
        super().__init__(f"workbook too large: more than {limit} {what}")
        self.what, self.limit = what, limit


def check_unpacked_size(source, limit: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Raise :class:`WorkbookTooLarge` when the archive's members add up to more than ``limit`` bytes.

    ``source`` is the file's bytes, a path or a binary file object (left where it was)."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(bytes(source))
    position = source.tell() if hasattr(source, "tell") else None
    try:
        with zipfile.ZipFile(source) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip archive: openpyxl reports the unreadable file itself
    finally:
        if position is not None:
            source.seek(position)
    if unpacked > limit:
        raise WorkbookTooLarge("bytes unpacked", limit)


def check_declared_cells(sheet, limit: int = MAX_CELLS) -> None:
    """Raise when a sheet's declared dimension (``A1:Z100``) already holds more than ``limit`` cells."""
    rows, columns = getattr(sheet, "max_row", None), getattr(sheet, "max_column", None)
    if isinstance(rows, int) and isinstance(columns, int) and rows * columns > limit:
        raise WorkbookTooLarge("cells", limit)


def limited_rows(rows: Iterable[tuple], limit: int = MAX_CELLS) -> Iterator[tuple]:
    """``rows`` unchanged, raising :class:`WorkbookTooLarge` once they have held more than ``limit`` cells."""
    seen = 0
    for row in rows:
        seen += len(row)
        if seen > limit:
            raise WorkbookTooLarge("cells", limit)
        yield row
