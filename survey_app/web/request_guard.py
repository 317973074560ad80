"""Refuse requests that carry NUL characters, and JSON bodies nested too deeply to check.

No browser sends U+0000 in a form, PostgreSQL cannot store it in text (the insert fails, which
became a 500 on every form that stores text), and SQLite would keep it where no export expects it.
Checking once at the request boundary keeps every form, present and future, from having to strip it.
"""
from __future__ import annotations

from flask import abort, jsonify, request

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
#: No API body needs more; checking nested values recursively stays far from Python's recursion limit.
MAX_JSON_DEPTH = 32


def _json_has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_json_has_nul(key) or _json_has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(item) for item in value)
    return False


def _depth(value) -> int:
    """How deeply lists and objects nest in ``value`` (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _json_too_deep() -> bool:
    """A JSON body nested beyond MAX_JSON_DEPTH, or so deep the parser itself gave up (RecursionError)."""
    try:
        return _depth(request.get_json(silent=True)) > MAX_JSON_DEPTH
    except RecursionError:
        return True


def _has_nul(pairs) -> bool:
    return any("\x00" in (key or "") or "\x00" in (value or "") for key, value in pairs)


def _form_has_nul() -> bool:
    if request.mimetype == "application/x-www-form-urlencoded":
        raw = request.get_data(cache=True)  # the form is parsed from this copy afterwards
        if b"\x00" not in raw and b"%00" not in raw:  # a NUL in a field arrives as one of these
            return False
    files = ((name, upload.filename or "") for name, upload in request.files.items(multi=True))
    return _has_nul(request.form.items(multi=True)) or _has_nul(files)


def refuse_nul_characters():
    """400 when the path, query string, form fields or upload names contain a NUL character; 422 (the
    API's answer to a body it cannot accept) when a JSON body does."""
    in_path = any(isinstance(value, str) and "\x00" in value for value in (request.view_args or {}).values())
    if in_path or _has_nul(request.args.items(multi=True)):
        abort(400)
    if request.method not in _WRITES:
        return None
    if request.is_json and _json_too_deep():
        return jsonify(error={"status": 400, "message": f"Invalid request body: nested deeper than {MAX_JSON_DEPTH} levels.",
                              "message_ko": f"요청 본문이 {MAX_JSON_DEPTH}단계보다 깊게 중첩되어 있습니다."}), 400
    if request.is_json and _json_has_nul(request.get_json(silent=True)):
        return jsonify(error={"status": 422, "message": "Invalid request body: NUL characters are not accepted.",
                              "message_ko": "요청 본문에 NUL 문자를 쓸 수 없습니다."}), 422
    if not request.is_json and _form_has_nul():
        abort(400)
    return None
