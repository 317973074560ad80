"""Rules on conditions, computed values and piping: syntax, references, order, values."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import vocab
from ..answers import AnswerField, question_fields
from ..logic.ast import Call, Compare, ListLit, Literal, Node, Ref, references, walk
from ..logic.functions import FUNCTIONS
from ..logic.parser import ExpressionError, parse
from ..logic.piping import placeholders
from ..logic.values import equal
from ..model import Questionnaire
from ..problems import suggest
from ..reader import Reader, join

HIDDEN_POSITION = -1


@dataclass
class Scope:
    """Where each answer code sits in the questionnaire, for 'earlier questions only' rules."""

    position: dict[str, int] = field(default_factory=dict)
    fields: dict[str, AnswerField] = field(default_factory=dict)
    notes: set[str] = field(default_factory=set)
    matrices: dict[str, str] = field(default_factory=dict)


def build_scope(q: Questionnaire) -> Scope:
    """Map every answer code to the position of its question (hidden fields come first)."""
    scope = Scope()
    for hidden in q.hidden:
        _enter(scope, hidden, HIDDEN_POSITION)
    for i, question in enumerate(q.questions()):
        _enter(scope, question, i)
        if question.type == vocab.NOTE:
            scope.notes.add(question.code)
        if question.type == vocab.MATRIX and question.rows:
            scope.matrices[question.code] = question.rows[0].code
    return scope


def _enter(scope: Scope, question: Any, position: int) -> None:
    for answer in question_fields(question):
        scope.position.setdefault(answer.code, position)
        scope.fields.setdefault(answer.code, answer)


def check_logic(q: Questionnaire, r: Reader) -> None:
    """Check every condition, computed value and piped text of a questionnaire."""
    scope = build_scope(q)
    position = 0
    for section in q.sections:
        path = r.path_of(section)
        for key in ("show_if", "skip_if"):
            check_expression(getattr(section, key), join(path, key), position, None, scope, r)
        for key in ("title", "description"):
            check_piping(getattr(section, key), join(path, key), position, None, scope, r)
        for question in section.questions:
            _check_question(question, position, scope, r)
            position += 1
    check_piping(q.closing, "closing", position, None, scope, r)


def _check_question(question: Any, position: int, scope: Scope, r: Reader) -> None:
    path = r.path_of(question)
    for key in ("show_if", "skip_if", "value"):
        check_expression(getattr(question, key), join(path, key), position, question.code, scope, r)
    for key in ("text", "help"):
        check_piping(getattr(question, key), join(path, key), position, question.code, scope, r)


def check_expression(expr: str | None, path: str, limit: int, own: str | None, scope: Scope, r: Reader) -> None:
    """Parse an expression and check its functions, references and compared values."""
    if expr is None:
        return
    try:
        node = parse(expr)
    except ExpressionError as error:
        r.add("expr_syntax", path, expr=expr, detail_ko=error.message_ko, detail_en=error.message_en)
        return
    _check_calls(node, path, r)
    for name in references(node):
        _check_reference(name, path, limit, own, scope, r, pipe=False)
    for code, value in _compared_values(node):
        _check_value(code, value, path, scope, r)


def _check_calls(node: Node, path: str, r: Reader) -> None:
    for item in walk(node):
        if not isinstance(item, Call):
            continue
        function = FUNCTIONS.get(item.name)
        if function is None:
            r.add("expr_unknown_function", path, value=item.name, suggestion=suggest(item.name, FUNCTIONS))
        elif not function.min_args <= len(item.args) <= (function.max_args or len(item.args)):
            r.add("expr_arity", path, value=item.name, expected=function.arity_text())
        elif item.name == "score" and not isinstance(item.args[0], Ref):
            r.add("expr_score_arg", path)


def _check_reference(name: str, path: str, limit: int, own: str | None, scope: Scope, r: Reader, pipe: bool) -> None:
    prefix = "pipe" if pipe else "expr"
    if name in scope.matrices:
        r.add("expr_matrix_ref", path, value=name, example=scope.matrices[name])
    elif name in scope.notes:
        r.add("expr_note_ref", path, value=name)
    elif name not in scope.position:
        if pipe:
            r.add("pipe_unknown_ref", path, value=name)
        else:
            r.add("expr_unknown_ref", path, value=name, suggestion=suggest(name, scope.position))
    elif own is not None and scope.fields[name].question == own:
        r.add("expr_self_ref", path, value=name)
    elif scope.position[name] >= limit:
        r.add(f"{prefix}_later_ref", path, value=name)


def _compared_values(node: Node) -> Iterator[tuple[str, Any]]:
    """Yield (code, literal) for `Q1 == 3`, `Q1 in [1, 2]`, `selected(Q3, 2)` and the like."""
    for item in walk(node):
        if isinstance(item, Compare) and item.op in ("==", "!=", "in", "not in"):
            yield from _ref_literals(item.left, item.right)
            yield from _ref_literals(item.right, item.left)
        elif isinstance(item, Call) and item.name == "selected" and len(item.args) == 2:
            yield from _ref_literals(item.args[0], item.args[1])


def _ref_literals(side: Node, other: Node) -> Iterator[tuple[str, Any]]:
    if not isinstance(side, Ref):
        return
    literals = other.items if isinstance(other, ListLit) else (other,)
    for literal in literals:
        if isinstance(literal, Literal) and literal.value is not None and not isinstance(literal.value, bool):
            yield side.name, literal.value


def _check_value(code: str, value: Any, path: str, scope: Scope, r: Reader) -> None:
    answer = scope.fields.get(code)
    allowed = answer.allowed_values() if answer is not None else None
    if allowed is None or any(equal(value, option) for option in allowed):
        return
    shown = ", ".join(str(option) for option in allowed[:12])
    r.add("expr_bad_value", path, question=code, value=value, allowed=shown)


def check_piping(text: Any, path: str, limit: int, own: str | None, scope: Scope, r: Reader) -> None:
    """Check the {Q1} placeholders of a text in both languages."""
    for lang in ("ko", "en"):
        content = getattr(text, lang, "")
        if not content:
            continue
        try:
            codes = placeholders(content)
        except ExpressionError as error:
            r.add("pipe_syntax", join(path, lang), detail_ko=error.message_ko, detail_en=error.message_en)
            continue
        for name in codes:
            _check_reference(name, join(path, lang), limit, own, scope, r, pipe=True)
