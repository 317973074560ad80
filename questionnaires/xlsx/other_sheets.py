"""The settings and scoring sheets -> header fields and scoring declarations."""

from __future__ import annotations

from typing import Any

from ..problems import suggest
from ..reader import join
from . import layout
from .builder import Builder
from .tables import SheetRow, Table

_WHOLE_SETTINGS = ("format", "version")


def read_settings(b: Builder) -> dict[str, Any]:
    """The settings sheet (one `setting | value` pair a row) as top-level dict entries."""
    table = b.tables[layout.SETTINGS]
    b.note("", table, None)
    out: dict[str, Any] = {}
    seen: set[str] = set()
    for row in table.rows:
        key = str(row.values.get("setting", "")).strip().lower()
        if key not in layout.SETTING_KEYS:
            b.problem("setting_unknown", table, row, "setting", key=key, suggestion=suggest(key, layout.SETTING_KEYS))
        elif key in seen:
            b.problem("setting_duplicate", table, row, "setting", key=key)
        else:
            seen.add(key)
            _setting(b, table, row, key, out)
    return out


def _setting(b: Builder, table: Table, row: SheetRow, key: str, out: dict[str, Any]) -> None:
    field, _, lang = key.partition("::")
    path = join(field, lang) if lang else field
    if lang:
        b.note(field, table, row, "value")
    if key in _WHOLE_SETTINGS:
        value = b.number(path, table, row, "value", whole=True)
    else:
        value = b.value(path, table, row, "value")
    if value is None:
        return
    if lang:
        out.setdefault(field, {})[lang] = value
    else:
        out[field] = value


def read_scoring(b: Builder) -> dict[str, Any] | None:
    """The scoring sheet as the `scoring` dict (None when the sheet is absent or empty)."""
    table = b.tables.get(layout.SCORING)
    if table is None or not table.rows:
        return None
    b.note("scoring", table, None)
    found: dict[str, list[dict[str, Any]]] = {"dimensions": [], "indices": [], "checklists": []}
    weights: list[SheetRow] = []
    for row in table.rows:
        kind = str(row.values.get("type", "")).strip().lower()
        if kind == "weight":
            weights.append(row)
        elif kind in ("dimension", "index", "checklist"):
            group = {"dimension": "dimensions", "index": "indices", "checklist": "checklists"}[kind]
            found[group].append(_declaration(b, table, row, kind, join(join("scoring", group), len(found[group]))))
        else:
            b.problem("scoring_kind_unknown", table, row, "type", value=row.values.get("type"))
    _attach_weights(b, table, weights, found["indices"])
    return {group: items for group, items in found.items() if items}


def _declaration(b: Builder, table: Table, row: SheetRow, kind: str, path: str) -> dict[str, Any]:
    b.note(path, table, row, "type")
    item: dict[str, Any] = {"code": b.value(join(path, "code"), table, row, "name")}
    name = b.text(join(path, "name"), table, row, "label")
    if name:
        item["name"] = name
    if kind in ("index", "checklist"):
        total = b.number(join(path, "total"), table, row, "total")
        if total is not None:
            item["total"] = total
    if kind == "index":
        method = b.value(join(path, "method"), table, row, "method")
        if method is not None:
            item["method"] = method
        item["weights"] = {}
    if kind == "checklist":
        credit = b.value(join(path, "credit"), table, row, "method")
        if credit is not None:
            item["credit"] = credit
        b.note(join(path, "weights"), table, row, "type")
    return item


def _attach_weights(b: Builder, table: Table, rows: list[SheetRow], indices: list[dict[str, Any]]) -> None:
    by_code = {str(index.get("code")): (i, index) for i, index in enumerate(indices)}
    for row in rows:
        code, dimension = row.values.get("index"), row.values.get("name")
        if code is None:
            b.problem("weight_without_index", table, row, "index")
            continue
        if dimension is None or row.values.get("weight") is None:
            column = "name" if dimension is None else "weight"
            b.problem("missing", table, row, column, key=column)
            continue
        if str(code) not in by_code:
            b.problem("unknown_index", table, row, "index", value=code)
            continue
        position, index = by_code[str(code)]
        path = join(join(join("scoring.indices", position), "weights"), str(dimension))
        if str(dimension) in index["weights"]:
            b.problem("weight_duplicate", table, row, "name", value=dimension)
            continue
        b.note(path, table, row, "weight")
        weight = b.number(path, table, row, "weight")
        index["weights"][str(dimension)] = weight
