"""Validation problems and the package's single error type."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from .korean import quoted, with_particle
from .messages import MESSAGES

ROOT_LOCATION = "(document)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a questionnaire, with where it is and what to do."""

    location: str
    message_ko: str
    message_en: str
    code: str = "invalid"
    path: str = ""
    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message_ko} ({self.message_en})"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict of the non-empty fields."""
        fields = ("location", "message_ko", "message_en", "code", "path", "line", "sheet", "row", "column")
        return {name: getattr(self, name) for name in fields if getattr(self, name) not in (None, "")}


class QuestionnaireError(Exception):
    """Raised when a questionnaire cannot be read or is invalid; `.problems` lists every issue."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        shown = [str(p) for p in self.problems[:5]]
        more = len(self.problems) - len(shown)
        if more > 0:
            shown.append(f"... and {more} more")
        return f"{len(self.problems)} problem(s) in questionnaire:\n  " + "\n  ".join(shown)


def make_problem(code: str, path: str = "", /, suggestion: str | None = None, **params: Any) -> Problem:
    """Build a Problem from the message catalogue; the location starts as the dict path."""
    ko, en = MESSAGES[code]
    safe = {key: _short(value) for key, value in params.items()}
    hint_ko = f" {with_particle(quoted(suggestion), '을')} 뜻하셨나요?" if suggestion else ""
    hint_en = f" Did you mean '{suggestion}'?" if suggestion else ""
    return Problem(
        location=path or ROOT_LOCATION,
        message_ko=ko.format(**safe, hint=hint_ko),
        message_en=en.format(**safe, hint=hint_en),
        code=code,
        path=path,
    )


def suggest(word: Any, options: Iterable[str]) -> str | None:
    """Return the closest known name to a misspelt one, if any is close."""
    if not isinstance(word, str):
        return None
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


Locator = Callable[[str], dict[str, Any]]


def relocate(problems: Iterable[Problem], locate: Locator) -> list[Problem]:
    """Give each problem a file location (line, or sheet/row/column) from `locate(path)`."""
    return [replace(p, **locate(p.path)) for p in problems]


def longest_prefix(path: str, known: dict[str, Any]) -> Any:
    """Return the value for the longest known prefix of a dotted/indexed path."""
    candidate = path
    while True:
        if candidate in known:
            return known[candidate]
        if not candidate:
            return None
        candidate = _parent_path(candidate)


def _parent_path(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""

