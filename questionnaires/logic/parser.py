"""Tokenizer and recursive-descent parser for conditions and computed values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from .. import vocab
from ..korean import quoted, with_particle
from .ast import Binary, Call, Compare, ListLit, Literal, Logical, Node, Not, Ref, Unary

MAX_DEPTH = 40

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<>|<=|>=|<|>|=|\+|-|\*|/|%|\(|\)|\[|\]|,)
""", re.VERBOSE)

_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null", "none"}
_COMPARE = {"==": "==", "=": "==", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class ExpressionError(ValueError):
    """A syntax error in an expression, with a bilingual message and the character position."""

    def __init__(self, message_ko: str, message_en: str, position: int):
        super().__init__(f"{message_en} (at character {position + 1})")
        self.message_ko = f"{message_ko} ({position + 1}번째 글자)"
        self.message_en = f"{message_en} (at character {position + 1})"
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(source: str) -> list[Token]:
    """Split an expression into tokens; raises ExpressionError on a stray character."""
    tokens, pos = [], 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise ExpressionError(f"알 수 없는 글자 {with_particle(quoted(source[pos]), '이')} 있습니다", f"unexpected character '{source[pos]}'", pos)
        kind = match.lastgroup or ""
        if kind == "name" and match.group().lower() in _KEYWORDS:
            kind = "keyword"
        if kind != "space":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


def parse(source: str) -> Node:
    """Parse an expression into an immutable syntax tree; raises ExpressionError."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("식이 비어 있습니다", "the expression is empty", 0)
    if len(source) > vocab.MAX_EXPRESSION_LENGTH:
        raise ExpressionError("식이 너무 깁니다", "the expression is too long", vocab.MAX_EXPRESSION_LENGTH)
    return _parse(source)


@lru_cache(maxsize=4096)
def _parse(source: str) -> Node:
    parser = _Parser(tokenize(source))
    node = parser.expression()
    parser.expect_end()
    return node


class _Parser:
    """Recursive descent over the grammar (lowest precedence first):

        expression := and_expr ("or" and_expr)*
        and_expr   := not_expr ("and" not_expr)*
        not_expr   := "not" not_expr | comparison
        comparison := additive [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") additive]
        additive   := term (("+" | "-") term)*
        term       := unary (("*" | "/" | "%") unary)*
        unary      := ("-" | "+") unary | primary
        primary    := number | string | true | false | null | name "(" args ")" | name
                    | "(" expression ")" | "[" args "]"
    """

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def at(self, kind: str, *texts: str) -> bool:
        token = self.current
        return token.kind == kind and (not texts or token.text.lower() in texts)

    def expect(self, text: str) -> None:
        if not self.at("op", text):
            self.fail(f"{with_particle(quoted(text), '이')} 필요합니다", f"expected '{text}'")
        self.advance()

    def expect_end(self) -> None:
        if not self.at("end"):
            self.fail(f"'{self.current.text}' 앞에서 식이 끝나야 합니다", f"unexpected '{self.current.text}'")

    def fail(self, ko: str, en: str) -> None:
        raise ExpressionError(ko, en, self.current.pos)

    @contextmanager
    def nested(self) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail("식이 너무 깊게 중첩되어 있습니다", "the expression is nested too deeply")
        try:
            yield
        finally:
            self.depth -= 1

    def expression(self) -> Node:
        with self.nested():
            return self.logical("or", self.and_expr)

    def and_expr(self) -> Node:
        return self.logical("and", self.not_expr)

    def logical(self, op: str, operand) -> Node:
        items = [operand()]
        while self.at("keyword", op):
            self.advance()
            items.append(operand())
        return items[0] if len(items) == 1 else Logical(op, tuple(items))

    def not_expr(self) -> Node:
        if self.at("keyword", "not"):
            self.advance()
            with self.nested():
                return Not(self.not_expr())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.additive()
        op = self.compare_op()
        if op is None:
            return left
        node = Compare(op, left, self.additive())
        if self.compare_op(peek=True):
            self.fail("비교는 한 번에 하나만 쓸 수 있습니다. and로 이어 주세요", "chain comparisons with 'and'")
        return node

    def compare_op(self, peek: bool = False) -> str | None:
        token = self.current
        if token.kind == "op" and token.text in _COMPARE:
            return token.text if peek else _COMPARE[self.advance().text]
        if self.at("keyword", "in"):
            if not peek:
                self.advance()
            return "in"
        if self.at("keyword", "not") and self.tokens[self.index + 1].text.lower() == "in":
            if not peek:
                self.advance()
                self.advance()
            return "not in"
        return None

    def additive(self) -> Node:
        return self.binary(("+", "-"), self.term)

    def term(self) -> Node:
        return self.binary(("*", "/", "%"), self.unary)

    def binary(self, ops: tuple[str, ...], operand) -> Node:
        node = operand()
        while self.at("op", *ops):
            op = self.advance().text
            node = Binary(op, node, operand())
        return node

    def unary(self) -> Node:
        if self.at("op", "-", "+"):
            op = self.advance().text
            with self.nested():
                return Unary(op, self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Literal(float(token.text) if "." in token.text else int(token.text))
        if token.kind == "string":
            self.advance()
            return Literal(_unquote(token.text))
        if token.kind == "keyword" and token.text.lower() in ("true", "false", "null", "none"):
            self.advance()
            return Literal({"true": True, "false": False}.get(token.text.lower()))
        if token.kind == "name":
            return self.name()
        if self.at("op", "("):
            self.advance()
            node = self.expression()
            self.expect(")")
            return node
        if self.at("op", "["):
            return ListLit(self.items("[", "]"))
        what = token.text or "식의 끝"
        self.fail(f"'{what}' 자리에 값이나 문항 코드가 와야 합니다", f"expected a value or question code at '{token.text or 'end'}'")
        raise AssertionError("unreachable")

    def name(self) -> Node:
        token = self.advance()
        if self.at("op", "("):
            return Call(token.text.lower(), self.items("(", ")"))
        return Ref(token.text)

    def items(self, opening: str, closing: str) -> tuple[Node, ...]:
        self.expect(opening)
        items: list[Node] = []
        while not self.at("op", closing):
            items.append(self.expression())
            if not self.at("op", ","):
                break
            self.advance()
        self.expect(closing)
        return tuple(items)


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)
