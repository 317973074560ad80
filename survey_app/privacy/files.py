"""Files holding personal data (uploads, outbox files, key files): readable by the app's user only.

``Path.write_bytes`` creates files with the process umask (usually 0644: every local user may read
phone numbers and survey links); these helpers create folders 0700 and files 0600 whatever the umask.
"""
from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> Path:
    """``path`` as a folder only the app's user can open (created, or tightened if it exists)."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(FOLDER_MODE)
    return path


def reserve_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (or tighten it) so a writer that opens it afterwards keeps that mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def outbox_folder(instance_path: str | Path, kind: str) -> Path:
    """``<instance>/outbox/<kind>``, both folders 0700 (the files hold phone numbers, addresses and links)."""
    outbox = private_folder(Path(instance_path) / "outbox")
    return private_folder(outbox / kind)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600 (an existing file is tightened before it is overwritten)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
    finally:
        if fd != -1:
            os.close(fd)
