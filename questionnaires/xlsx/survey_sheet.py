"""The survey sheet -> hidden fields and sections of the questionnaire dict."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import vocab
from ..problems import suggest
from ..reader import join
from . import layout
from .builder import Builder
from .lists import Lists
from .tables import SheetRow, Table

_SIMPLE = {"show_if": "show_if", "skip_if": "skip_if", "value": "calculation", "source": "source"}
_NUMBERS = {"min": False, "max": False, "min_selected": True, "max_selected": True}
_FLAGS = ("integer", "randomize")
_ROW_KINDS = set(vocab.QUESTION_TYPES) | {layout.PAGE, layout.ROW}
_TEXT_COLUMNS = {"type", "name", "label::ko", "label::en"}
# Columns that mean something on page and matrix-row lines; anything else there would be ignored.
_LINE_COLUMNS = {
    layout.PAGE: _TEXT_COLUMNS | {"hint::ko", "hint::en", "show_if", "skip_if"},
    layout.ROW: _TEXT_COLUMNS | set(layout.SCORING_COLUMNS),
}


def split_type(raw: Any) -> tuple[str, str | None, int]:
    """'likert agree7' -> ('likert', 'agree7', 2); Korean aliases are accepted."""
    words = str(raw).split()
    kind = vocab.TYPE_ALIASES.get(words[0], words[0].lower()) if words else ""
    return kind, (words[1] if len(words) > 1 else None), len(words)


class SurveySheet:
    """Walks the survey sheet once, building sections, questions, matrix rows and hidden fields."""

    def __init__(self, b: Builder, lists: Lists):
        self.b, self.lists = b, lists
        self.table: Table = b.tables[layout.SURVEY]
        self.hidden: list[dict[str, Any]] = []
        self.sections: list[dict[str, Any]] = []
        self.matrix: tuple[dict[str, Any], str] | None = None
        self.uses = Counter(split_type(r.values["type"])[1] for r in self.table.rows if r.values.get("type") is not None)

    def build(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Return (hidden fields, sections) as dicts."""
        self.b.note("sections", self.table, None)
        self.b.note("hidden", self.table, None)
        for row in self.table.rows:
            self._row(row)
        return self.hidden, self.sections

    def _row(self, row: SheetRow) -> None:
        raw = row.values.get("type")
        if raw is None:
            self.b.problem("row_type_missing", self.table, row, "type")
            return
        kind, list_name, words = split_type(raw)
        if kind != layout.ROW:
            self.matrix = None
        if kind in _LINE_COLUMNS:
            self._check_line_columns(row, kind)
        if kind not in _ROW_KINDS or words > 2:
            self.b.problem("row_type_unknown", self.table, row, "type", value=raw, suggestion=suggest(kind, _ROW_KINDS))
        elif kind in (layout.PAGE, layout.ROW) and list_name is not None:
            self.b.problem("list_name_extra", self.table, row, "type", type=kind)
        elif kind == layout.PAGE:
            self._page(row)
        elif kind == layout.ROW:
            self._matrix_row(row)
        elif kind == vocab.HIDDEN:
            self.hidden.append(self._question(row, kind, list_name, join("hidden", len(self.hidden))))
        else:
            self._section_question(row, kind, list_name)

    def _check_line_columns(self, row: SheetRow, kind: str) -> None:
        """Report cells a page or matrix-row line cannot use (they would silently do nothing)."""
        for column in row.values:
            if column not in _LINE_COLUMNS[kind]:
                self.b.problem("column_not_for_line", self.table, row, column, field=column, type=kind)

    def _page(self, row: SheetRow) -> None:
        path = join("sections", len(self.sections))
        self.b.note(path, self.table, row, "type")
        section: dict[str, Any] = {"code": self.b.value(join(path, "code"), self.table, row, "name")}
        section["title"] = self.b.text(join(path, "title"), self.table, row, "label")
        section["description"] = self.b.text(join(path, "description"), self.table, row, "hint")
        for key in ("show_if", "skip_if"):
            section[key] = self.b.value(join(path, key), self.table, row, key)
        section["questions"] = []
        self.sections.append(_compact(section, keep=("questions",)))

    def _section_question(self, row: SheetRow, kind: str, list_name: str | None) -> None:
        if not self.sections:
            self.b.problem("row_outside_page", self.table, row, "type")
            return
        section = self.sections[-1]
        path = join(join(join("sections", len(self.sections) - 1), "questions"), len(section["questions"]))
        question = self._question(row, kind, list_name, path)
        section["questions"].append(question)
        if kind == vocab.MATRIX:
            self.matrix = (question, path)

    def _question(self, row: SheetRow, kind: str, list_name: str | None, path: str) -> dict[str, Any]:
        b, table = self.b, self.table
        b.note(path, table, row, "type")
        question: dict[str, Any] = {"code": b.value(join(path, "code"), table, row, "name"), "type": kind}
        question["text"] = b.text(join(path, "text"), table, row, "label")
        question["help"] = b.text(join(path, "help"), table, row, "hint")
        question["required"] = b.flag(join(path, "required"), table, row, "required")
        for key, column in _SIMPLE.items():
            question[key] = b.value(join(path, key), table, row, column)
        for key, whole in _NUMBERS.items():
            question[key] = b.number(join(path, key), table, row, key, whole=whole)
        question["unit"] = b.text(join(path, "unit"), table, row, "unit")
        for key in _FLAGS:
            question[key] = b.flag(join(path, key), table, row, key) or None
        question["scoring"] = scoring_cells(b, table, row, join(path, "scoring"))
        self._attach_list(question, row, kind, list_name, path)
        return _compact(question)

    def _attach_list(self, question: dict[str, Any], row: SheetRow, kind: str, list_name: str | None, path: str) -> None:
        sheet = _list_sheet(kind, list_name, self.lists)
        if list_name is None:
            if sheet is not None and kind != vocab.NPS:
                self.b.problem("list_name_missing", self.table, row, "type", type=kind)
            return
        if sheet is None:
            self.b.problem("list_name_extra", self.table, row, "type", type=kind)
            return
        key = "choices" if sheet == layout.CHOICES else "scale"
        question[key] = self._list_content(question, sheet, list_name, join(path, key), row)

    def _list_content(self, question: dict[str, Any], sheet: str, name: str, path: str, row: SheetRow) -> Any:
        self.b.note(path, self.table, row, "type")
        own = name == question.get("code") and self.uses[name] == 1
        if own and sheet == layout.CHOICES and name in self.lists.choices:
            return self.lists.inline_choices(name, path)
        if own and sheet == layout.SCALES and name in self.lists.scales:
            return self.lists.inline_scale(name, path)
        return name

    def _matrix_row(self, row: SheetRow) -> None:
        if self.matrix is None:
            self.b.problem("row_outside_matrix", self.table, row, "type")
            return
        question, question_path = self.matrix
        rows = question.setdefault("rows", [])
        path = join(join(question_path, "rows"), len(rows))
        self.b.note(path, self.table, row, "type")
        item = {"code": self.b.value(join(path, "code"), self.table, row, "name"),
                "text": self.b.text(join(path, "text"), self.table, row, "label"),
                "scoring": scoring_cells(self.b, self.table, row, join(path, "scoring"))}
        rows.append(_compact(item))


def _list_sheet(kind: str, name: str | None, lists: Lists) -> str | None:
    """Which sheet a type's list name refers to (None when the type takes no list)."""
    if kind in vocab.CHOICE_TYPES:
        return layout.CHOICES
    if kind in vocab.SCALE_TYPES:
        return layout.SCALES
    if kind == vocab.MATRIX:
        if name is not None and name in lists.choices and name in lists.scales:
            lists.b.problem("list_in_both_sheets", lists.scales_table, lists.scales[name][0], "scale_name", value=name)
        return layout.CHOICES if name in lists.choices else layout.SCALES
    return None


def scoring_cells(b: Builder, table: Table, row: SheetRow, path: str) -> dict[str, Any] | None:
    """The scoring columns of a row as a dict (None when all are blank)."""
    b.note(path, table, row, "dimension")
    scoring: dict[str, Any] = {}
    for key in ("dimension", "kpi", "checklist", "stage"):
        scoring[key] = b.value(join(path, key), table, row, key)
    scoring["reverse"] = b.flag(join(path, "reverse"), table, row, "reverse") or None
    scoring["weight"] = b.number(join(path, "weight"), table, row, "weight")
    scoring["points"] = b.number(join(path, "points"), table, row, "points")
    return _compact(scoring) or None


def _compact(item: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {key: value for key, value in item.items() if value is not None or key in keep}
