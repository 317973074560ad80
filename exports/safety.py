"""Keep respondent and contact text inert in spreadsheets (no formula injection, no broken XML).

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and tab, CR and LF at the start of a CSV field can smuggle one in
(OWASP "CSV Injection"). Excel and LibreOffice also accept the full-width and
small forms (``＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫``) and the minus sign ``−`` after
normalisation. :func:`safe_text` prefixes such text with an apostrophe so it is
stored, shown and printed as the literal text the respondent typed; nothing is
removed except characters XML 1.0 forbids (control characters), which would
otherwise make the file unreadable.

Every string the exporters write passes through :func:`safe_text`, whoever
wrote it, so the guarantee does not depend on knowing which column holds
respondent text.
"""
from __future__ import annotations

import math
import numbers
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

__all__ = ["FORMULA_LEADS", "MAX_CELL_CHARS", "safe_text", "safe_value", "is_dangerous"]

#: Leading characters that can start a formula or a CSV-injection payload.
FORMULA_LEADS = frozenset("=+-@\t\r\n" "＝＋－＠" "﹦﹢﹣﹫" "−")
#: Whitespace a spreadsheet may skip before reading a leading ``=`` (incl. NBSP and ideographic space).
_LEADING_SPACE = " \u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\ufeff"
_SPACES = frozenset(_LEADING_SPACE)
#: Excel's limit on the characters in one cell.
MAX_CELL_CHARS = 32_767
# XML 1.0 forbids these; openpyxl refuses them (IllegalCharacterError). CR/LF/TAB are allowed inside.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (after leading spaces)."""
    if not text:
        return False
    first = text[0]
    if first in FORMULA_LEADS:
        return True
    if first not in _SPACES:
        return False
    stripped = text.lstrip(_LEADING_SPACE)
    return bool(stripped) and stripped[0] in FORMULA_LEADS


def safe_text(text: str) -> str:
    """Return ``text`` safe for a cell: control characters removed, formula leads neutralised.

    >>> safe_text("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_text("친절했어요")
    '친절했어요'
    """
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    if is_dangerous(text):
        text = "'" + text
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS - 1] + "…"
    return text


def safe_value(value: Any) -> Any:
    """Make any raw value writable: strings made safe, NaN -> empty, lists joined, tz dropped."""
    kind = type(value)
    if kind is str:
        return safe_text(value)
    if value is None or kind is int or kind is bool:
        return value
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, datetime):
        # Excel has no time zones: keep the wall-clock time the app chose to show.
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, (date, time)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return safe_text(";".join("" if v is None else str(v) for v in value))
    if isinstance(value, numbers.Integral):  # numpy integers
        return int(value)
    if isinstance(value, (numbers.Real, Decimal)):  # numpy floats, Decimal from the database
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    return safe_text(str(value))
