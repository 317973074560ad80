"""Parsed questionnaires of published versions, kept per process in a bounded LRU.

A published version never changes (``SurveyVersion`` refuses updates), so its parsed form is kept
under its id and the digest stamped on insert: an id reused after a rolled-back insert comes with
another digest. A version not yet stored (no id or digest) is parsed every time and never kept.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from questionnaires import Questionnaire

DEFAULT_SIZE = 256


class ParsedQuestionnaires:
    """A thread-safe LRU of parsed questionnaires keyed by (version id, digest)."""

    def __init__(self, maxsize: int = DEFAULT_SIZE) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[int, str], Questionnaire] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str], parse: Callable[[], Questionnaire]) -> Questionnaire:
        """The entry under ``key``, parsed with ``parse()`` on a miss (the oldest entry goes when full)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        parsed = parse()  # outside the lock: a slow parse does not hold up other versions
        with self._lock:
            self._entries[key] = parsed
            self._entries.move_to_end(key)
            while len(self._entries) > max(self.maxsize, 0):
                self._entries.popitem(last=False)
        return parsed

    def resize(self, maxsize: int) -> None:
        """Keep at most ``maxsize`` entries from now on (0 keeps none)."""
        with self._lock:
            self.maxsize = maxsize
            while len(self._entries) > max(maxsize, 0):
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


PARSED = ParsedQuestionnaires()
