"""The expression language: safe conditions, computed values, piping and stable randomisation.

Expressions are parsed by our own small parser into an immutable tree and evaluated by a
tree walker; nothing is ever passed to Python's `eval`.
"""

from .ast import Node, references
from .evaluator import evaluate, evaluate_condition
from .flow import (
    Shown,
    compute_values,
    display_choices,
    display_rows,
    effective_answers,
    is_visible,
    shown,
    stable_order,
    visible_questions,
    visible_sections,
)
from .functions import FUNCTIONS
from .parser import ExpressionError, parse
from .piping import pipe, placeholders

__all__ = [
    "ExpressionError", "FUNCTIONS", "Node", "compute_values", "display_choices", "display_rows",
    "effective_answers", "evaluate", "evaluate_condition", "is_visible", "parse", "pipe",
    "placeholders", "references", "Shown", "shown", "stable_order", "visible_questions", "visible_sections",
]
