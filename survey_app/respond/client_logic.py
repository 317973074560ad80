"""The page's show/skip conditions as JSON for the in-page script (the server stays authoritative)."""
from __future__ import annotations

from typing import Any

from questionnaires import Questionnaire
from questionnaires.logic import ExpressionError, parse, references
from questionnaires.logic.ast import Binary, Call, Compare, ListLit, Literal, Logical, Node, Not, Ref, Unary

from .forms import PageItem, field_name


def node_json(node: Node) -> dict[str, Any]:
    """A syntax tree as compact JSON the script evaluates with the same rules as the server."""
    if isinstance(node, Literal):
        return {"t": "lit", "v": node.value}
    if isinstance(node, Ref):
        return {"t": "ref", "n": node.name}
    if isinstance(node, ListLit):
        return {"t": "list", "xs": [node_json(x) for x in node.items]}
    if isinstance(node, Unary):
        return {"t": "neg", "op": node.op, "x": node_json(node.operand)}
    if isinstance(node, Not):
        return {"t": "not", "x": node_json(node.operand)}
    if isinstance(node, (Binary, Compare)):
        kind = "bin" if isinstance(node, Binary) else "cmp"
        return {"t": kind, "op": node.op, "l": node_json(node.left), "r": node_json(node.right)}
    if isinstance(node, Logical):
        return {"t": "log", "op": node.op, "xs": [node_json(x) for x in node.operands]}
    if isinstance(node, Call):
        return {"t": "call", "n": node.name, "xs": [node_json(x) for x in node.args]}
    raise ValueError(f"unknown node {node!r}")


def _rule(item: PageItem) -> tuple[dict[str, Any], set[str]] | None:
    question, rule, refs = item.question, {"q": item.question.code}, set()
    for key in ("show_if", "skip_if"):
        expression = getattr(question, key)
        if not expression:
            continue
        try:
            tree = parse(expression)
        except ExpressionError:
            return None
        rule[key] = node_json(tree)
        refs.update(references(tree))
    return (rule, refs) if len(rule) > 1 else None


def page_logic(questionnaire: Questionnaire, items: list[PageItem], answers: dict) -> dict[str, Any] | None:
    """Rules of this page's conditional questions, the earlier answers they read, and field names."""
    rules, refs = [], set()
    for item in items:
        found = _rule(item)
        if found:
            rules.append(found[0])
            refs |= found[1]
    if not rules:
        return None
    fields = {a.code: {"name": field_name(a.code), "kind": a.kind} for item in items for a in item.fields}
    prior = {code: answers[code] for code in refs if code in answers and code not in fields}
    return {"rules": rules, "fields": fields, "prior": prior}
