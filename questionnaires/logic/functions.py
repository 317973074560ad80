"""Built-in functions of the expression language (all pure, all null-safe)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .values import as_list, contains_value, finite, to_number, truthy


@dataclass(frozen=True)
class Function:
    """A built-in: how many arguments it takes and what it does."""

    min_args: int
    max_args: int | None
    impl: Callable[..., Any]
    doc: str

    def arity_text(self) -> str:
        """Human description of the accepted argument count."""
        if self.max_args == self.min_args:
            return str(self.min_args)
        if self.max_args is None:
            return f"{self.min_args}+"
        return f"{self.min_args}-{self.max_args}"


def _numbers(args: tuple) -> list[float]:
    found = []
    for arg in args:
        for item in as_list(arg):
            number = to_number(item)
            if number is not None:
                found.append(number)
    return found


def _sum(*args: Any) -> Any:
    numbers = _numbers(args)
    return finite(sum(numbers)) if numbers else None


def _mean(*args: Any) -> Any:
    numbers = _numbers(args)
    return finite(sum(numbers) / len(numbers)) if numbers else None


def _extreme(pick: Callable) -> Callable[..., Any]:
    def apply(*args: Any) -> Any:
        numbers = _numbers(args)
        return pick(numbers) if numbers else None
    return apply


def _round(value: Any, digits: Any = 0) -> Any:
    """Round half away from zero (사사오입), as people expect, not Python's half-to-even."""
    number, places = to_number(value), to_number(digits)
    if number is None or places is None:
        return None
    places = max(0, min(10, int(places)))
    if abs(number) >= 1e15:
        return number  # beyond what rounding to 10 places can change
    result = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(result) if places == 0 else float(result)


def _abs(value: Any) -> Any:
    number = to_number(value)
    return None if number is None else abs(number)


def _if(condition: Any, then: Any, otherwise: Any) -> Any:
    return then if truthy(condition) else otherwise


def _coalesce(*args: Any) -> Any:
    return next((arg for arg in args if arg is not None), None)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, list)) else (0 if value is None else 1)


def _contains(text: Any, part: Any) -> bool:
    if isinstance(text, list):
        return contains_value(text, part)
    return isinstance(text, str) and isinstance(part, str) and part in text


FUNCTIONS: dict[str, Function] = {
    "selected": Function(2, 2, lambda answer, value: contains_value(answer, value),
                         "selected(Q3, 2): 복수 선택 문항 Q3에서 2를 골랐는지"),
    "count": Function(1, 1, lambda answer: len(as_list(answer)), "count(Q3): 고른 선택지 수"),
    "answered": Function(1, 1, lambda answer: answer is not None, "answered(Q1): 응답했는지"),
    "empty": Function(1, 1, lambda answer: answer is None, "empty(Q1): 응답하지 않았는지"),
    "sum": Function(1, None, _sum, "sum(Q1, Q2, ...): 합계(빈 응답 제외)"),
    "mean": Function(1, None, _mean, "mean(Q1, Q2, ...): 평균(빈 응답 제외)"),
    "min": Function(1, None, _extreme(min), "min(Q1, Q2, ...): 가장 작은 값"),
    "max": Function(1, None, _extreme(max), "max(Q1, Q2, ...): 가장 큰 값"),
    "round": Function(1, 2, _round, "round(x, 1): 반올림"),
    "abs": Function(1, 1, _abs, "abs(x): 절댓값"),
    "if": Function(3, 3, _if, "if(조건, 참일 때 값, 거짓일 때 값)"),
    "coalesce": Function(1, None, _coalesce, "coalesce(Q1, 0): 처음으로 비어 있지 않은 값"),
    "len": Function(1, 1, _length, "len(Q9): 글자 수(복수 선택이면 고른 수)"),
    "contains": Function(2, 2, _contains, "contains(Q9, '불친절'): 글에 낱말이 들어 있는지"),
    "number": Function(1, 1, to_number, "number(x): 숫자로 바꾼 값"),
    "score": Function(1, 1, lambda answer: answer, "score(Q1): 모름/해당없음을 빈 값으로 본 응답"),
}
