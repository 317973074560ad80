"""Word stems of Korean text for keyword rules (불친절, 불친절했습니다 and 불친절한 all give 불친절).

Kiwi is loaded once per process, on first use (the case job; never the respondent's request). When
``analysis.text`` (the shared Kiwi analysis) lands, :func:`stems` is the one place to call into it.
"""
from __future__ import annotations

import functools
import threading

_CONTENT_TAGS = ("NNG", "NNP", "NNB", "VV", "VA", "XR", "SL", "SH", "SN", "MAG")
_lock = threading.Lock()


@functools.cache
def _kiwi():
    from kiwipiepy import Kiwi  # heavy (model load ≈ 1–2 s): only when a keyword rule is first checked
    return Kiwi()


def stems(text: str) -> tuple[str, ...]:
    """The content stems of ``text`` in order; a prefix (불-, 미-, 무-) stays joined to its stem."""
    with _lock:  # Kiwi is not documented as thread-safe; the job is one thread, the lock costs nothing there
        tokens = _kiwi().tokenize(text or "")
    found: list[str] = []
    prefix = ""
    for token in tokens:
        if token.tag == "XPN":
            prefix += token.form
        elif token.tag.startswith(_CONTENT_TAGS):
            found.append(prefix + token.form)
            prefix = ""
        else:
            prefix = ""
    return tuple(found)


def contains_keyword(text: str, keyword: str) -> bool:
    """Whether the stems of ``keyword`` occur, in order and next to each other, among the stems of ``text``."""
    wanted, have = stems(keyword), stems(text)
    if not wanted:
        return False
    return any(have[i:i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))
