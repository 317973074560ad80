"""Uploaded customer files kept until their import is confirmed: encrypted in 1 MB segments as they stream in
(never the whole file in memory), mode 0600, deleted after ``UPLOAD_KEEP_HOURS`` if never confirmed.

A kept file is a sequence of ``length (4 bytes) | sealed segment``; each segment is bound to its place
(``customers.upload:<n>``) and the last one is an end mark, so a reordered or cut file does not open.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import abort, current_app

from ..privacy.crypto import DecryptionError, key_ring
from ..privacy.files import FILE_MODE, private_folder

CONTEXT = "customers.upload"
SEGMENT = 1 << 20
END_MARK_BYTES = 1 + 4 + 12 + 16  # version, key id, nonce, tag: the sealed empty end mark


def _folder() -> Path:
    return private_folder(Path(current_app.instance_path) / "uploads" / "customers")


def _path(upload_id: str) -> Path:
    if not (upload_id.isascii() and upload_id.isalnum() and len(upload_id) == 32):
        abort(404)
    return _folder() / f"{upload_id}.bin"


def _discard_stale() -> None:
    """Delete uploads whose import was never confirmed within ``UPLOAD_KEEP_HOURS``."""
    cutoff = time.time() - current_app.config["UPLOAD_KEEP_HOURS"] * 3600
    for path in _folder().glob("*.bin"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _write_segment(out: BinaryIO, data: bytes, label: str) -> None:
    sealed = key_ring().encrypt_bytes(data, f"{CONTEXT}:{label}")
    out.write(len(sealed).to_bytes(4, "big") + sealed)


def keep(stream: BinaryIO, meta: dict) -> str:
    """Store the upload (read from ``stream`` 1 MB at a time) with ``meta``; returns its id."""
    _discard_stale()
    upload_id = secrets.token_hex(16)
    fd = os.open(_path(upload_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        _write_segment(out, json.dumps(meta, ensure_ascii=False).encode("utf-8"), "meta")
        index = 0
        while chunk := stream.read(SEGMENT):
            _write_segment(out, chunk, str(index))
            index += 1
        _write_segment(out, b"", f"end:{index}")
    return upload_id


def _segments(source: BinaryIO) -> Iterator[bytes]:
    while length := source.read(4):
        yield source.read(int.from_bytes(length, "big"))


def _unseal(blob: bytes, label: str) -> bytes:
    try:
        return key_ring().decrypt_bytes(blob, f"{CONTEXT}:{label}")
    except DecryptionError:
        abort(404)


@contextlib.contextmanager
def opened(upload_id: str) -> Iterator[tuple[dict, Path]]:
    """The kept upload's meta and a private plaintext copy (deleted when the block ends); 404 if unknown."""
    path = _path(upload_id)
    if not path.is_file():
        abort(404)
    fd, plain = tempfile.mkstemp(dir=_folder(), suffix=".tmp")
    try:
        with path.open("rb") as source, os.fdopen(fd, "wb") as out:
            segments = _segments(source)
            meta = json.loads(_unseal(next(segments, b""), "meta"))
            index, ended = 0, False
            for blob in segments:
                if len(blob) == END_MARK_BYTES:  # a data segment holds at least one byte more
                    ended = _unseal(blob, f"end:{index}") == b""
                    break
                out.write(_unseal(blob, str(index)))
                index += 1
            if not ended:
                abort(404)
        yield meta, Path(plain)
    finally:
        Path(plain).unlink(missing_ok=True)


def discard(upload_id: str) -> None:
    """Delete a kept upload (after its import)."""
    _path(upload_id).unlink(missing_ok=True)
