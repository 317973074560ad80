"""Safe evaluation of parsed expressions against a respondent's answers (no `eval`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from .ast import Binary, Call, Compare, ListLit, Literal, Logical, Node, Not, Ref, Unary
from .functions import FUNCTIONS
from .parser import ExpressionError, parse
from .values import as_list, contains_value, equal, finite, lookup, ordered, to_number, truthy


@dataclass(frozen=True)
class Context:
    """Answers by code, plus the 모름/해당없음 values of each code (used by score())."""

    answers: Mapping[str, Any]
    na_codes: Mapping[str, Collection[Any]] = field(default_factory=dict)


def evaluate(expr: str | Node, answers: Mapping[str, Any], na_codes: Mapping[str, Collection[Any]] | None = None) -> Any:
    """Evaluate an expression (text or tree); missing answers are null and never raise."""
    node = parse(expr) if isinstance(expr, str) else expr
    return _eval(node, Context(answers if isinstance(answers, Mapping) else {}, na_codes or {}))


def evaluate_condition(expr: str | Node | None, answers: Mapping[str, Any], na_codes: Mapping | None = None) -> bool:
    """Evaluate a show/skip condition to True or False (an absent condition is None -> False)."""
    if expr is None:
        return False
    return truthy(evaluate(expr, answers, na_codes))


def _eval(node: Node, ctx: Context) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        return lookup(ctx.answers, node.name)
    if isinstance(node, ListLit):
        return [_eval(item, ctx) for item in node.items]
    if isinstance(node, Binary):
        return _eval_arithmetic(node, ctx)
    if isinstance(node, Unary):
        number = to_number(_eval(node.operand, ctx))
        return None if number is None else (-number if node.op == "-" else number)
    if isinstance(node, Not):
        return not truthy(_eval(node.operand, ctx))
    if isinstance(node, Logical):
        return _eval_logical(node, ctx)
    if isinstance(node, Compare):
        return _eval_compare(node, ctx)
    if isinstance(node, Call):
        return _eval_call(node, ctx)
    raise ExpressionError("알 수 없는 식입니다", "unknown expression node", 0)


def _eval_arithmetic(node: Binary, ctx: Context) -> Any:
    # Walk the left spine iteratively: "1+1+1+..." must not recurse once per operator.
    spine = []
    current: Node = node
    while isinstance(current, Binary):
        spine.append(current)
        current = current.left
    value = _eval(current, ctx)
    for step in reversed(spine):
        value = _arithmetic(step.op, value, _eval(step.right, ctx))
    return value


def _arithmetic(op: str, left: Any, right: Any) -> Any:
    a, b = to_number(left), to_number(right)
    if a is None or b is None:
        if op == "+" and isinstance(left, str) and isinstance(right, str):
            return left + right
        return None
    if op in "/%" and b == 0:
        return None
    try:
        result = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                  "/": lambda: a / b, "%": lambda: a % b}[op]()
    except OverflowError:
        return None
    return finite(result)


def _eval_logical(node: Logical, ctx: Context) -> bool:
    if node.op == "and":
        return all(truthy(_eval(item, ctx)) for item in node.operands)
    return any(truthy(_eval(item, ctx)) for item in node.operands)


def _eval_compare(node: Compare, ctx: Context) -> bool:
    left, right = _eval(node.left, ctx), _eval(node.right, ctx)
    if node.op in ("==", "!=") and _is_null_literal(node):
        same = left is None and right is None
        return same if node.op == "==" else not same
    if left is None or right is None:
        return False  # a comparison with an unanswered question is false, whichever way it points
    if node.op == "==":
        return equal(left, right)
    if node.op == "!=":
        return not equal(left, right)
    if node.op in ("in", "not in"):
        found = any(contains_value(right, item) for item in as_list(left))
        return found if node.op == "in" else not found
    return ordered(node.op, left, right)


def _is_null_literal(node: Compare) -> bool:
    return any(isinstance(side, Literal) and side.value is None for side in (node.left, node.right))


def _eval_call(node: Call, ctx: Context) -> Any:
    function = FUNCTIONS.get(node.name)
    if function is None:
        raise ExpressionError(f"알 수 없는 함수 '{node.name}'입니다", f"unknown function '{node.name}'", 0)
    count = len(node.args)
    if count < function.min_args or (function.max_args is not None and count > function.max_args):
        raise ExpressionError(f"함수 {node.name}의 인수 개수가 맞지 않습니다", f"wrong number of arguments for {node.name}", 0)
    if node.name == "score":
        return _score(node.args[0], ctx)
    return function.impl(*(_eval(arg, ctx) for arg in node.args))


def _score(arg: Node, ctx: Context) -> Any:
    value = _eval(arg, ctx)
    if isinstance(arg, Ref) and value is not None:
        na = ctx.na_codes.get(arg.name, ())
        if any(equal(value, code) for code in na):
            return None
    return value
