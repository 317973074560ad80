"""What an access log may keep of a request line: personal-link tokens and query values are redacted.

A personal link (``/s/<token>``) or an unsubscribe link (``/u/<token>``) is a key to one person's
answers or contact; a query such as ``?q=010-1234-5678`` is a search for a person. Neither belongs in
a log file that operators read and ship. Only query parameters known to carry no personal data keep
their values (the page number, the language, the kiosk flag).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

TOKEN_PATH = re.compile(r"^(/[su]/)[^/?#]+")
HARMLESS_QUERY_KEYS = frozenset({"p", "page", "lang", "kiosk", "already", "v", "by", "per_page", "sort",
                                 "office_code", "region", "channel"})
REDACTED = "[redacted]"


def redact_target(target: str) -> str:
    """A request target (path and query) with tokens and personal query values replaced."""
    path, _, query = target.partition("?")
    path = TOKEN_PATH.sub(lambda match: match.group(1) + REDACTED, path)
    return f"{path}?{redact_query(query)}" if query else path


def redact_query(query: str) -> str:
    """``a=1&q=010…`` → ``a=1&q=[redacted]``: values of parameters not known to be harmless go."""
    kept = []
    for pair in query.split("&"):
        key, has_value, _value = pair.partition("=")
        kept.append(pair if not has_value or key in HARMLESS_QUERY_KEYS else f"{key}={REDACTED}")
    return "&".join(kept)


def redact_url(url: str) -> str:
    """A full URL (a Referer) redacted as :func:`redact_target` does its path and query."""
    if not url or url == "-":
        return url
    parts = urlsplit(url)
    target = redact_target(parts.path + (f"?{parts.query}" if parts.query else ""))
    path, _, query = target.partition("?")
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def redact_request_line(line: str) -> str:
    """``GET /s/abc?q=1 HTTP/1.1`` with its target redacted."""
    method, _, rest = line.partition(" ")
    target, _, protocol = rest.rpartition(" ")
    if not target:  # a malformed line: keep the method only
        return f"{method} {REDACTED}"
    return f"{method} {redact_target(target)} {protocol}"
