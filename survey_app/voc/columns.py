"""Many rows read as a few long strings: each column aggregated in SQL, split into numpy arrays in C.

Reading 100,000 rows one Python tuple at a time cost most of a VOC report's first view (and as much again on a
loaded machine). :func:`read_columns` asks the database for one row: per column, every value joined in id order
(``group_concat`` on SQLite, ``string_agg`` on PostgreSQL), which numpy and ``str.split`` take apart at C speed.
Integers and floats travel as text (floats with 17 significant digits, so they come back exactly), labels
joined by the unit separator, bytes as hex.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sqlalchemy import ColumnElement, String, cast, func, literal, select

from ..database import db

__all__ = ["read_columns", "INT", "FLOAT", "LABEL", "BYTES"]

INT, FLOAT, LABEL, BYTES = "int", "float", "label", "bytes"
_UNIT = "\x1f"  # joins labels: never part of a topic code, a sentiment or an org-unit code


def _text(column, kind: str, postgresql: bool):
    """The column as text: integers (NULL → -1), floats exactly, labels (NULL → ''), bytes as hex (NULL → '')."""
    if kind == INT:
        return cast(func.coalesce(column, -1), String)
    if kind == FLOAT:
        return cast(column, String) if postgresql else func.printf("%.17g", column)
    if kind == LABEL:
        return func.coalesce(column, "")
    return func.coalesce(func.encode(column, "hex"), "") if postgresql else func.hex(column)


def _joined(text, kind: str, postgresql: bool):
    separator = literal("" if kind == BYTES else _UNIT if kind == LABEL else ",")
    return func.string_agg(text, separator) if postgresql else func.group_concat(text, separator)


def _split(value: str | None, kind: str, n: int):
    if kind == BYTES:
        return bytes.fromhex(value or "")
    parts = value.split(_UNIT if kind == LABEL else ",") if n else []
    if kind == LABEL:
        return parts
    return np.array(parts, dtype=np.int64 if kind == INT else np.float64)


def read_columns(columns: Mapping[str, tuple[ColumnElement, str]], where, order: ColumnElement) -> dict:
    """The rows matching ``where`` in ``order`` (an integer column, unique): per name an int64 or float64 array,
    a list of labels, or (``BYTES``) all values joined; ``"_order"`` holds ``order`` itself."""
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    # Every aggregate takes the rows of one scan of the sorted subquery in the same order, so the columns always
    # match each other; that order is the subquery's (checked below). One sort, not one per aggregate (an ORDER BY
    # inside each of PostgreSQL's aggregates doubled its reading time; SQLite 3.40 has none).
    rows = (select(order.label("_order"), *(expr.label(name) for name, (expr, _kind) in columns.items()))
            .where(where).order_by(order).subquery())
    kinds = {"_order": INT, **{name: kind for name, (_expr, kind) in columns.items()}}
    query = select(func.count(), *(_joined(_text(rows.c[name], kind, postgresql), kind, postgresql)
                                   for name, kind in kinds.items())).select_from(rows)
    n, *values = db.session.execute(query).one()
    found = {name: _split(value, kind, n) for (name, kind), value in zip(kinds.items(), values, strict=True)}
    if len(found["_order"]) != n or (n and not (np.diff(found["_order"]) > 0).all()):
        raise RuntimeError("the database did not join the rows in order")  # never seen: a guard
    return found
