"""Options for select and radio fields in the form WTForms ≥ 3.3 expects (``SelectChoice``, not tuples)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice


def select_choices(pairs: Iterable[Any]) -> list[SelectChoice]:
    """``SelectChoice`` options from (value, label) pairs (options already made are kept as they are)."""
    return [p if isinstance(p, SelectChoice) else SelectChoice(p[0], p[1]) for p in pairs]


def choice_values(choices: Iterable[Any]) -> set[str]:
    """The option values of a field's choices, as strings."""
    return {str(c.value if isinstance(c, SelectChoice) else c[0]) for c in choices or ()}
