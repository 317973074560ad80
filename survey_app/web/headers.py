"""HTTP hardening: security headers on every response, HSTS and Secure cookies when served over HTTPS.

Behind a load balancer set ``SURVEY_PROXY_FIX_HOPS`` so ``request.is_secure`` and client addresses
come from the proxy's X-Forwarded-* headers (and only from that many trusted proxies).
"""
from __future__ import annotations

import hashlib

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
    "base-uri 'none'", "object-src 'none'",
])
HSTS = "max-age=31536000; includeSubDomains"
STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
_STATIC_LOWERED = [(name.lower(), name, value) for name, value in STATIC_HEADERS.items()]
#: Staff pages may show personal data: never keep them in a browser or proxy cache.
PRIVATE_PREFIXES = ("/manage", "/admin", "/api/")


def add_security_headers(response: Response) -> Response:
    """Set the security headers; HSTS only when the request came over HTTPS."""
    present = {name.lower() for name in response.headers.keys()}  # one pass, not one per header
    for lowered, name, value in _STATIC_LOWERED:
        if lowered not in present:
            response.headers.add(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith(PRIVATE_PREFIXES) and request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, marked ``Secure`` whenever the request arrived over HTTPS.

    Its serializer is made once per set of keys instead of once per request, and signs with ``hashlib.sha1``
    itself (the same signature as Flask's lazy wrapper of it, through the standard library's fast HMAC)."""

    digest_method = staticmethod(hashlib.sha1)

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer for the app's current and fallback keys, made once per set of keys."""
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            if len(self._serializers) > 16:  # keys rotated many times in one process (tests)
                self._serializers.clear()
            serializer = self._serializers[key] = super().get_signing_serializer(app)
        return serializer

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured, or when this request is HTTPS (directly or via a trusted proxy)."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    """Install the header hook and the session interface."""
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)
