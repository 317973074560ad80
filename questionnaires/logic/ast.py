"""Syntax tree of the expression language (immutable nodes)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Literal:
    """A number, string, true/false or null."""

    value: Any


@dataclass(frozen=True)
class Ref:
    """A reference to an answer by question code (or hidden field code)."""

    name: str


@dataclass(frozen=True)
class ListLit:
    """A literal list such as [1, 2, 3]."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Unary:
    """Arithmetic negation."""

    op: str
    operand: Node


@dataclass(frozen=True)
class Not:
    """Logical negation."""

    operand: Node


@dataclass(frozen=True)
class Binary:
    """Arithmetic: + - * / %."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare:
    """Comparison: == != < <= > >= in, not in."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Logical:
    """`and` / `or` over two or more operands."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Call:
    """A call of a built-in function."""

    name: str
    args: tuple[Node, ...]


Node = Literal | Ref | ListLit | Unary | Not | Binary | Compare | Logical | Call


def children(node: Node) -> tuple[Node, ...]:
    """Return the direct sub-expressions of a node."""
    if isinstance(node, (Unary, Not)):
        return (node.operand,)
    if isinstance(node, (Binary, Compare)):
        return (node.left, node.right)
    if isinstance(node, Logical):
        return node.operands
    if isinstance(node, (Call, ListLit)):
        return node.args if isinstance(node, Call) else node.items
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Yield a node and all its descendants (iteratively, depth-first)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def references(node: Node) -> list[str]:
    """Return the question codes an expression reads, in order of appearance, without repeats."""
    seen: dict[str, None] = {}
    for item in walk(node):
        if isinstance(item, Ref):
            seen.setdefault(item.name, None)
    return list(seen)
