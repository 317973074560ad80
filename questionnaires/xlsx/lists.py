"""The choices and scales sheets -> choice lists and scales in the questionnaire dict."""

from __future__ import annotations

from typing import Any

from ..reader import join
from . import layout
from .builder import Builder
from .tables import SheetRow, Table


def group_rows(table: Table | None, key: str) -> dict[str, list[SheetRow]]:
    """Rows grouped by list name, in order of first appearance."""
    groups: dict[str, list[SheetRow]] = {}
    for row in table.rows if table else []:
        name = row.values.get(key)
        if name is not None:
            groups.setdefault(str(name), []).append(row)
    return groups


def choice_items(b: Builder, table: Table, rows: list[SheetRow], path: str) -> list[dict[str, Any]]:
    """The choices of one list as dicts, noting each row's location under `path`."""
    b.note(path, table, rows[0], "list_name")
    items = []
    for i, row in enumerate(rows):
        at = join(path, i)
        b.note(at, table, row)
        item: dict[str, Any] = {"value": b.value(join(at, "value"), table, row, "value")}
        item["label"] = b.text(join(at, "label"), table, row, "label")
        for flag in ("na", "exclusive", "other"):
            value = b.flag(join(at, flag), table, row, flag)
            if value:
                item[flag] = True
        items.append(_drop_none(item))
    return items


def scale_dict(b: Builder, table: Table, rows: list[SheetRow], path: str, name: str) -> dict[str, Any]:
    """One scale from its rows: consecutive values (labels optional) and at most one N/A row."""
    b.note(path, table, rows[0], "scale_name")
    points = [row for row in rows if not b.flag(join(path, "na"), table, row, "na")]
    na_rows = [row for row in rows if row not in points]
    values = [b.number(join(path, "points"), table, row, "value", whole=True) for row in points]
    out: dict[str, Any] = {"points": len(points)}
    if values and values[0] is not None:
        out["start"] = values[0]
        _check_steps(b, table, points, values, name)
    labels = [_label(b, table, row, value, join(join(path, "labels"), i))
              for i, (row, value) in enumerate(zip(points, values, strict=True)) if _has_label(row)]
    if labels:
        out["labels"] = labels
    if na_rows:
        out["na"] = _na(b, table, na_rows, join(path, "na"), name)
    return out


def _check_steps(b: Builder, table: Table, rows: list[SheetRow], values: list[Any], name: str) -> None:
    for row, value, expected in zip(rows, values, range(values[0], values[0] + len(values)), strict=True):
        if value is not None and value != expected:
            b.problem("scale_gap", table, row, "value", name=name, start=values[0])
            return


def _has_label(row: SheetRow) -> bool:
    return row.values.get("label::ko") is not None or row.values.get("label::en") is not None


def _label(b: Builder, table: Table, row: SheetRow, value: Any, path: str) -> dict[str, Any]:
    b.note(path, table, row)
    b.note(join(path, "value"), table, row, "value")
    return {"value": value, "label": b.text(join(path, "label"), table, row, "label")}


def _na(b: Builder, table: Table, rows: list[SheetRow], path: str, name: str) -> dict[str, Any]:
    if len(rows) > 1:
        b.problem("scale_na_twice", table, rows[1], "na", name=name)
    row = rows[0]
    b.note(path, table, row)
    value = b.value(join(path, "value"), table, row, "value")
    return {"value": value, "label": b.text(join(path, "label"), table, row, "label")}


def _drop_none(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if value is not None}


class Lists:
    """Choice lists and scales of a workbook, handed out to questions by name."""

    def __init__(self, b: Builder):
        self.b = b
        self.choices_table = b.tables.get(layout.CHOICES)
        self.scales_table = b.tables.get(layout.SCALES)
        self.choices = group_rows(self.choices_table, "list_name")
        self.scales = group_rows(self.scales_table, "scale_name")
        self.inline: set[str] = set()

    def inline_choices(self, name: str, path: str) -> list[dict[str, Any]]:
        """A question's own list (named after its code), placed inline under `path`."""
        self.inline.add(name)
        return choice_items(self.b, self.choices_table, self.choices[name], path)

    def inline_scale(self, name: str, path: str) -> dict[str, Any]:
        """A question's own scale (named after its code), placed inline under `path`."""
        self.inline.add(name)
        return scale_dict(self.b, self.scales_table, self.scales[name], path, name)

    def named(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The shared choice lists and scales (everything not used inline)."""
        lists = {name: choice_items(self.b, self.choices_table, rows, join("choice_lists", name))
                 for name, rows in self.choices.items() if name not in self.inline}
        scales = {name: scale_dict(self.b, self.scales_table, rows, join("scales", name), name)
                  for name, rows in self.scales.items() if name not in self.inline}
        return lists, scales
