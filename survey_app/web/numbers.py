"""Whole numbers from URLs and query strings, kept within what the database's integer columns hold.

PostgreSQL refuses a parameter beyond its column's range (``integer out of range``, a 500), where SQLite
quietly finds nothing; a number no row can have is answered as "not found" before it reaches a query.
"""
from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

#: The largest value of an ``INTEGER`` column (ids, counts): PostgreSQL's 32-bit integer.
DB_INTEGER_MAX = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` that matches only 0 … DB_INTEGER_MAX (unless the rule gives its own ``max``); beyond → 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits, min, DB_INTEGER_MAX if max is None else max, signed)


def whole_number(text: object, *, low: int = 0, high: int = DB_INTEGER_MAX) -> int | None:
    """``text`` as an int when it is written in ASCII digits and lies in ``low`` … ``high``, else None."""
    if not isinstance(text, str) or not text.isascii() or not text.isdecimal() or len(text) > 20:
        return None
    value = int(text)
    return value if low <= value <= high else None


def query_number(name: str, default: int | None = None, *, low: int = 0, high: int = DB_INTEGER_MAX) -> int | None:
    """The query parameter ``name`` as a bounded whole number; ``default`` when it is missing or out of range."""
    value = whole_number(request.args.get(name), low=low, high=high)
    return default if value is None else value
