"""Load a questionnaire file of either format, by extension or by sniffing its content."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from .model import Questionnaire
from .problems import QuestionnaireError, make_problem
from .xlsx import load_xlsx
from .yaml_io import load_yaml, parse_yaml

YAML_SUFFIXES = (".yaml", ".yml", ".json")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls and other old Office files


def _read(source: str | os.PathLike | bytes | IO[bytes]) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if hasattr(source, "read"):
        data = source.read()
        return data.encode("utf-8") if isinstance(data, str) else data
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise QuestionnaireError([make_problem("file_unreadable", "", detail=error.strerror or str(error))]) from None


def detect_format(data: bytes, filename: str | None = None) -> str:
    """Return 'yaml' or 'xlsx' from the file name, else from the content; raise if neither."""
    suffix = Path(filename).suffix.lower() if filename else ""
    if data.startswith(OLE_MAGIC) or suffix == ".xls":
        raise QuestionnaireError([make_problem("xls_old", "")])
    if suffix in XLSX_SUFFIXES or data.startswith(ZIP_MAGIC):
        return "xlsx"
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if _looks_like_yaml_mapping(data):
        return "yaml"
    raise QuestionnaireError([make_problem("file_type", "")])


def _looks_like_yaml_mapping(data: bytes) -> bool:
    try:
        parsed, _ = parse_yaml(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, QuestionnaireError):
        return False
    return isinstance(parsed, dict)


def load_file(source: str | os.PathLike | bytes | IO[bytes], filename: str | None = None) -> Questionnaire:
    """Load a questionnaire from a YAML or Excel file (path, bytes or binary file object)."""
    if filename is None and isinstance(source, (str, os.PathLike)):
        filename = os.fspath(source)
    data = _read(source)
    if detect_format(data, filename) == "xlsx":
        return load_xlsx(data)
    return load_yaml(data)
