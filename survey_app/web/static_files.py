"""Static files with content hashes in their URLs, cached for a year by browsers."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG

from flask import Flask, current_app, has_request_context, request, url_for

from .access import public_endpoint

ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def init_app(app: Flask) -> None:
    """Add ``static_url()`` to templates and long caching to hashed static URLs."""
    static_folder = Path(app.static_folder or "")

    urls: dict[tuple[str, str, float | None], str] = {}

    def static_url(filename: str) -> str:
        """The file's URL with its content hash (built once per file, version and script root)."""
        path = static_folder / filename
        try:
            stat = path.stat()
        except OSError:
            stat = None
        mtime = stat.st_mtime if stat is not None and S_ISREG(stat.st_mode) else None
        key = (request.script_root if has_request_context() else "", filename, mtime)
        url = urls.get(key)
        if url is None:
            version = _digest(str(path), mtime) if mtime is not None else "0"
            if len(urls) >= 1024:
                urls.clear()
            url = urls[key] = url_for("static", filename=filename, v=version)
        return url

    app.jinja_env.globals["static_url"] = static_url
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    public_endpoint("favicon")
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", None)

    @app.after_request
    def cache_hashed_static(response):
        if request.endpoint == "static" and request.args.get("v"):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response


def favicon():
    """The site icon at the address browsers ask for without being told (no 404 in every log)."""
    response = current_app.send_static_file("favicon.ico")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response
