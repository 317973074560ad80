"""Value semantics of the expression language: null handling, numbers, equality."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

_MAX_NUMBER_TEXT = 40
_MAX_INT_BITS = 1024


def normalize(value: Any) -> Any:
    """Turn an answer into an expression value: '' and [] are null, dates become ISO text."""
    if value is None or value == "" or value == [] or value == ():
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [normalize(v) for v in value if normalize(v) is not None]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def lookup(answers: Mapping[str, Any], name: str) -> Any:
    """Return the normalised answer for a code (null when missing)."""
    return normalize(answers.get(name)) if isinstance(answers, Mapping) else None


def to_number(value: Any) -> int | float | None:
    """Return a number for numbers, booleans and numeric strings; otherwise null."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value if not isinstance(value, float) or math.isfinite(value) else None
    if isinstance(value, str) and len(value) <= _MAX_NUMBER_TEXT:
        return _parse_number(value.strip())
    return None


def _parse_number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def finite(value: Any) -> Any:
    """Replace infinities, NaN and absurdly large whole numbers with null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        return None
    return value


def equal(left: Any, right: Any) -> bool:
    """Equality where numeric text equals the number it spells (form answers arrive as text)."""
    if isinstance(left, list) or isinstance(right, list):
        return left == right
    if _numeric(left) or _numeric(right):
        a, b = to_number(left), to_number(right)
        if a is not None and b is not None:
            return a == b
    return left == right


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def ordered(op: str, left: Any, right: Any) -> bool:
    """<, <=, >, >= on numbers (numeric text included) or on two texts; anything else is false."""
    a, b = to_number(left), to_number(right)
    if a is None or b is None:
        if not (isinstance(left, str) and isinstance(right, str)):
            return False
        a, b = left, right
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def truthy(value: Any) -> bool:
    """Truth of a value: null, false, 0, '' and [] are false."""
    if value is None:
        return False
    if isinstance(value, (list, str)):
        return len(value) > 0
    return bool(value)


def as_list(value: Any) -> list:
    """A list answer as is; a single answer as a one-item list; null as []."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def contains_value(container: Any, item: Any) -> bool:
    """Whether `item` equals any element of `container` (a list or single value)."""
    return any(equal(element, item) for element in as_list(container))
