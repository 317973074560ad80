"""Serving the app on a real port for tests that need real commits and concurrent clients."""
from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in threads; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


class Browser:
    """A minimal cookie-keeping HTTP client (one respondent's browser)."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> tuple[int, str]:
        return self._send(urllib.request.Request(url))

    def post(self, url: str, fields: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._send(urllib.request.Request(url, data=body, method="POST"))

    def _send(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")


def csrf_token(html: str) -> str:
    """The CSRF token in a page's form."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
