"""Rate limits counted in the database (fixed windows), so every worker and host shares one count.

Why not an in-memory limiter: the web tier runs several gunicorn workers on several hosts; per-process
counters would allow workers × hosts × the limit. PostgreSQL is already shared, so one upsert per
limited request (sign-in attempts, opening an open survey link) keeps the count exact without Redis.

Use on a view (``methods`` limits only those methods)::

    @bp.route("/s/<key>", methods=["GET", "POST"])
    @public
    @rate_limit("open_link", "RATE_LIMIT_OPEN_LINK", methods=("POST",))
    def open_link(key): ...
"""
from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable

from flask import current_app, g, has_request_context, request
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.exceptions import TooManyRequests

from ..database import db
from ..models import RateLimitBucket

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_limit(text: str) -> tuple[int, int]:
    """``"10/minute"`` → (10, 60); raises ValueError naming the format."""
    count, _, unit = text.strip().partition("/")
    unit = unit.strip().lower().rstrip("s") if unit.strip().lower() != "s" else "second"
    if not count.strip().isdecimal() or unit not in PERIODS:
        raise ValueError(f"rate limit {text!r}: write it as N/second, N/minute, N/hour or N/day")
    return int(count), PERIODS[unit]


def _upsert(key_hash: str, window: int) -> int:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(RateLimitBucket).values(key_hash=key_hash, window_start=window, hits=1)
        .on_conflict_do_update(index_elements=["key_hash", "window_start"], set_={"hits": RateLimitBucket.hits + 1})
        .returning(RateLimitBucket.hits)
    )
    return db.session.execute(statement).scalar_one()


def hit(bucket: str, key: str, limit: str, now: float | None = None) -> tuple[bool, int]:
    """Count one request for ``key`` in ``bucket``; returns (allowed, seconds until the window resets)."""
    count, period = parse_limit(limit)
    now_s = int(now if now is not None else time.time())
    window = now_s - now_s % period
    key_hash = hashlib.sha256(f"{bucket}\x00{key}".encode()).hexdigest()  # addresses are not stored
    if has_request_context():  # a failed request rolls back: the boundary counts it again (replay_hits)
        g.setdefault("rate_limit_hits", []).append((key_hash, window))
    return _upsert(key_hash, window) <= count, window + period - now_s


def replay_hits() -> bool:
    """Count this request's hits again after its transaction was rolled back; True if there were any."""
    hits = g.pop("rate_limit_hits", None) if has_request_context() else None
    for key_hash, window in hits or ():
        _upsert(key_hash, window)
    return bool(hits)


def enforce_rate_limit(bucket: str, setting: str, key: str | None = None) -> None:
    """Answer 429 (with Retry-After) when the client went over the limit named by ``setting``."""
    if not current_app.config.get("RATE_LIMIT_ENABLED", True):
        return
    allowed, retry_after = hit(bucket, key or request.remote_addr or "-", current_app.config[setting])
    if not allowed:
        raise TooManyRequests(retry_after=retry_after)


def rate_limit(bucket: str, setting: str, methods: tuple[str, ...] = ("GET", "POST")) -> Callable:
    """Decorate a view so requests with ``methods`` count against the limit in ``setting``."""
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def limited(*args, **kwargs):
            if request.method in methods:
                enforce_rate_limit(bucket, setting)
            return view(*args, **kwargs)
        return limited
    return decorate


#: endpoint → (bucket, setting, methods): limits applied by the app before the view runs, for views
#: whose module should not need to know (registered in ``survey_app.web``).
_ENDPOINT_LIMITS: dict[str, tuple[str, str, tuple[str, ...]]] = {}


def limit_endpoint(endpoint: str, bucket: str, setting: str, methods: tuple[str, ...] = ("GET", "POST")) -> None:
    """Rate-limit ``endpoint`` without touching its view (e.g. ``respond.open_link``)."""
    _ENDPOINT_LIMITS[endpoint] = (bucket, setting, methods)


def enforce_endpoint_limits() -> None:
    """The before-request hook behind :func:`limit_endpoint`."""
    limit = _ENDPOINT_LIMITS.get(request.endpoint or "")
    if limit is not None and request.method in limit[2]:
        enforce_rate_limit(limit[0], limit[1])


def purge_old_buckets(older_than_seconds: int = 86400) -> int:
    """Delete counters of windows that ended long ago; returns how many."""
    cutoff = int(time.time()) - older_than_seconds
    return db.session.execute(delete(RateLimitBucket).where(RateLimitBucket.window_start < cutoff)).rowcount or 0
