"""Type-checked access to raw dict data, collecting problems instead of raising."""

from __future__ import annotations

import math
import re
from typing import Any, TypeVar

from . import vocab
from .model import ChoiceValue, Text
from .problems import Problem, make_problem, suggest

T = TypeVar("T")

# Whole numbers above this lose precision in Excel (cells are IEEE doubles).
MAX_NUMBER = 10**15

# Control characters (C0 except tab/newline, DEL, C1), Unicode line separators, surrogates and
# non-characters: invisible, and not representable in every format (Excel XML, YAML).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def join(path: str, key: str | int) -> str:
    """Extend a problem path by a key or list index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Reader:
    """Reads raw values at paths; every problem is kept, nothing raises."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.paths: dict[int, str] = {}

    def add(self, code: str, path: str, /, **params: Any) -> None:
        """Record a problem."""
        self.problems.append(make_problem(code, path, **params))

    def remember(self, obj: T, path: str) -> T:
        """Note where a model object came from, so later checks can point at it."""
        self.paths[id(obj)] = path
        return obj

    def path_of(self, obj: Any) -> str:
        """Return the path an object was read from ('' if unknown)."""
        return self.paths.get(id(obj), "")

    def mapping(self, raw: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict | None:
        """Return `raw` if it is a mapping with known keys; report unknown and missing keys."""
        if not isinstance(raw, dict):
            self.add("not_mapping", path)
            return None
        for key in raw:
            if key not in allowed:
                self.add("unknown_key", join(path, str(key)), key=key, suggestion=suggest(key, allowed))
        for key in required:
            if raw.get(key) is None:
                self.add("missing", join(path, key), key=key)
        return raw

    def sequence(self, raw: Any, path: str) -> list:
        """Return `raw` as a list (empty, with a problem, if it is not one)."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.add("not_list", path)
            return []
        return raw

    def string(self, raw: Any, path: str, multiline: bool = False) -> str | None:
        """Return a stripped (by default single-line) string, or None if absent or wrong."""
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            self.add("not_string", path)
            return None
        text = str(raw).strip() if not isinstance(raw, str) else raw.strip()
        if _CONTROL.search(text) or (not multiline and ("\n" in text or "\t" in text)):
            self.add("control_char", path)
            return None
        return text or None

    def boolean(self, raw: Any, path: str, default: bool) -> bool:
        """Return a bool (absent means `default`)."""
        if raw is None:
            return default
        if not isinstance(raw, bool):
            self.add("not_bool", path)
            return default
        return raw

    def integer(self, raw: Any, path: str) -> int | None:
        """Return a whole number, or None."""
        if raw is None:
            return None
        if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
            return int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int) or abs(raw) > MAX_NUMBER:
            self.add("not_int", path)
            return None
        return raw

    def number(self, raw: Any, path: str) -> float | None:
        """Return a finite number (whole floats become ints), or None."""
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw) or abs(raw) > MAX_NUMBER:
            self.add("not_number", path)
            return None
        if isinstance(raw, float):
            raw = float(f"{raw:.15g}")  # Excel keeps 15 significant digits; so do we
        return int(raw) if isinstance(raw, float) and raw.is_integer() else raw

    def text(self, raw: Any, path: str, required: bool = False) -> Text:
        """Return a Text from 'plain string' (Korean) or {ko: ..., en: ...}."""
        if raw is None or raw == {}:
            if required:
                self.add("empty_text", path)
            return Text()
        if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
            return Text(ko=self._prose(raw, path))
        if not isinstance(raw, dict):
            self.add("not_string", path)
            return Text()
        data = self.mapping(raw, path, ("ko", "en"))
        if data is None:
            return Text()
        ko = self._prose(data.get("ko"), join(path, "ko"))
        en = self._prose(data.get("en"), join(path, "en"))
        if required and not ko:
            self.add("empty_text", join(path, "ko"))
        return Text(ko=ko, en=en)

    def _prose(self, raw: Any, path: str) -> str:
        if raw is None:
            return ""
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            self.add("not_string", path)
            return ""
        text = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
        if _CONTROL.search(text):
            self.add("control_char", path)
            return ""
        if len(text) > vocab.MAX_TEXT_LENGTH:
            self.add("text_too_long", path, length=len(text), limit=vocab.MAX_TEXT_LENGTH)
        return text

    def choice_value(self, raw: Any, path: str) -> ChoiceValue | None:
        """Return a choice value: a whole number or a non-empty one-line string."""
        if isinstance(raw, bool):
            self.add("bool_value", path)
            return None
        if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int) and abs(raw) <= MAX_NUMBER:
            return raw
        if isinstance(raw, str):
            return self.string(raw, path) or self._missing_value(path)
        self.add("choice_value_type" if raw is not None else "missing", path, key="value")
        return None

    def _missing_value(self, path: str) -> None:
        self.add("missing", path, key="value")
        return None
