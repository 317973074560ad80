"""Where a redirect may go: only to a path on this site.

A browser reading a ``Location`` header drops tabs and line breaks, trims control characters and spaces
at the ends, and reads ``\\`` as ``/`` — so ``/\\t/evil.example`` and ``/\\evil.example`` lead to another
host. Rather than imitate that normalisation, a target containing any of those characters is refused.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\]")


def is_same_site_path(target: str | None) -> bool:
    """True for ``/path?query`` on this site; False for other hosts, schemes and anything a browser rewrites."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return False
    if _UNSAFE_CHARACTERS.search(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def same_site_path(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default``."""
    return target if is_same_site_path(target) else default
