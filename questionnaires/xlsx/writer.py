"""Questionnaire -> Excel workbook in the layout CS staff edit (see layout.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from .. import vocab
from ..model import ChoiceList, MatrixRow, Question, Questionnaire, Scale, Scoring, Section, Text
from . import layout

_WIDE = {"label::ko", "label::en", "hint::ko", "hint::en", "show_if", "skip_if", "calculation"}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _text(prefix: str, text: Text) -> dict[str, Any]:
    return {f"{prefix}::ko": text.ko or None, f"{prefix}::en": text.en or None}


def _yes(flag: bool) -> str | None:
    return "yes" if flag else None


def _scoring(scoring: Scoring | None) -> dict[str, Any]:
    if scoring is None:
        return {}
    return {
        "dimension": scoring.dimension, "reverse": _yes(scoring.reverse),
        "weight": None if scoring.weight == 1 else scoring.weight, "kpi": scoring.kpi,
        "checklist": scoring.checklist, "stage": scoring.stage, "points": scoring.points,
    }


def _type_cell(question: Question) -> str:
    listed = question.choices or question.scale
    if listed is None:
        return question.type
    return f"{question.type} {listed.name or question.code}"


def _question_row(question: Question) -> dict[str, Any]:
    default = question.type not in vocab.SILENT_TYPES
    row = {"type": _type_cell(question), "name": question.code, **_text("label", question.text),
           **_text("hint", question.help), **_text("unit", question.unit), **_scoring(question.scoring)}
    row["required"] = ("yes" if question.required else "no") if default or question.required else None
    row.update(show_if=question.show_if, skip_if=question.skip_if, calculation=question.value,
               source=question.source, randomize=_yes(question.randomize), min=question.min, max=question.max,
               integer=_yes(question.integer), min_selected=question.min_selected,
               max_selected=question.max_selected)
    return row


def _matrix_row(row: MatrixRow) -> dict[str, Any]:
    return {"type": layout.ROW, "name": row.code, **_text("label", row.text), **_scoring(row.scoring)}


def _page_row(section: Section) -> dict[str, Any]:
    return {"type": layout.PAGE, "name": section.code, **_text("label", section.title),
            **_text("hint", section.description), "show_if": section.show_if, "skip_if": section.skip_if}


def survey_rows(q: Questionnaire) -> Iterator[dict[str, Any]]:
    """Rows of the survey sheet: hidden fields, then each page and its questions."""
    for hidden in q.hidden:
        yield _question_row(hidden)
    for section in q.sections:
        yield _page_row(section)
        for question in section.questions:
            yield _question_row(question)
            yield from (_matrix_row(row) for row in question.rows)


def _own_lists(q: Questionnaire) -> Iterator[tuple[str, ChoiceList | Scale]]:
    for question in q.all_questions():
        for listed in (question.choices, question.scale):
            if listed is not None and listed.name is None:
                yield question.code, listed


def choice_rows(q: Questionnaire) -> Iterator[dict[str, Any]]:
    """Rows of the choices sheet: shared lists first, then each question's own list."""
    named = [(c.name, c) for c in q.choice_lists]
    own = [(code, c) for code, c in _own_lists(q) if isinstance(c, ChoiceList)]
    for name, choices in named + own:
        for choice in choices:
            yield {"list_name": name, "value": choice.value, **_text("label", choice.label),
                   "na": _yes(choice.na), "exclusive": _yes(choice.exclusive), "other": _yes(choice.other)}


def scale_rows(q: Questionnaire) -> Iterator[dict[str, Any]]:
    """Rows of the scales sheet: one row a point (label optional), then the N/A row if any."""
    named = [(s.name, s) for s in q.scales]
    own = [(code, s) for code, s in _own_lists(q) if isinstance(s, Scale)]
    for name, scale in named + own:
        for value in scale.values():
            yield {"scale_name": name, "value": value, **_text("label", scale.label_for(value))}
        if scale.na is not None:
            yield {"scale_name": name, "value": scale.na.value, **_text("label", scale.na.label), "na": "yes"}


def scoring_rows(q: Questionnaire) -> Iterator[dict[str, Any]]:
    """Rows of the scoring sheet: dimensions, each index with its weights, checklists."""
    for dimension in q.scoring.dimensions:
        yield {"type": "dimension", "name": dimension.code, **_text("label", dimension.name)}
    for index in q.scoring.indices:
        yield {"type": "index", "name": index.code, **_text("label", index.name), "total": index.total, "method": index.method}
        for dimension, weight in index.weights:
            yield {"type": "weight", "index": index.code, "name": dimension, "weight": weight}
    for checklist in q.scoring.checklists:
        yield {"type": "checklist", "name": checklist.code, **_text("label", checklist.name), "total": checklist.total,
               **({"method": checklist.credit} if checklist.credit != "linear" else {})}


def setting_rows(q: Questionnaire) -> Iterator[dict[str, Any]]:
    """Rows of the settings sheet."""
    values = {"format": vocab.FORMAT_VERSION, "code": q.code, "version": q.version, "kind": q.kind,
              **_text("title", q.title), **_text("description", q.description), **_text("closing", q.closing)}
    for key in layout.SETTING_KEYS:
        if values.get(key) is not None:
            yield {"setting": key, "value": values[key]}


def _sheet(book: Workbook, name: str, rows: Iterator[dict[str, Any]]) -> Worksheet:
    sheet = book.create_sheet(name)
    columns = list(layout.COLUMNS[name])
    sheet.append(columns)
    for cell, column in zip(sheet[1], columns, strict=True):
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.comment = Comment(layout.COLUMNS[name][column], "survey_app", width=320, height=80)
        sheet.column_dimensions[cell.column_letter].width = 48 if column in _WIDE else 14
    for row in rows:
        _append(sheet, [row.get(column) for column in columns])
    sheet.freeze_panes = "A2"
    return sheet


def _append(sheet: Worksheet, values: list[Any]) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text such as "=..." stays text, never a formula
            if "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def build_workbook(q: Questionnaire) -> Workbook:
    """Return an openpyxl Workbook holding the questionnaire."""
    book = Workbook()
    book.remove(book.active)
    _sheet(book, layout.SETTINGS, setting_rows(q))
    _sheet(book, layout.SURVEY, survey_rows(q))
    _sheet(book, layout.CHOICES, choice_rows(q))
    _sheet(book, layout.SCALES, scale_rows(q))
    _sheet(book, layout.SCORING, scoring_rows(q))
    return book
