"""Optional second factor: time-based one-time codes (RFC 6238, 30 s, 6 digits), each usable once."""
from __future__ import annotations

import base64
import hmac
import secrets
import time
import unicodedata
from urllib.parse import quote

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.hotp import HOTP

from ..audit import record
from ..models import User
from ..privacy.crypto import key_ring

STEP_SECONDS = 30
DIGITS = 6
ISSUER = "우편고객센터 설문조사"
_CONTEXT = "user.totp"


def new_secret() -> str:
    """A random 160-bit secret in base32, as authenticator apps take it."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads from a QR code."""
    label = quote(f"{ISSUER}:{username}")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(ISSUER)}&digits={DIGITS}&period={STEP_SECONDS}"


def code_at(secret: str, step: int) -> str:
    """The code for one time step (tests use it to answer the prompt)."""
    return HOTP(_key(secret), DIGITS, SHA1(), enforce_key_length=False).generate(step).decode("ascii")


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (now ± 1) whose code is ``code``, or None."""
    # ASCII digits only (full-width ones typed on a Korean keyboard made ASCII first): compare_digest
    # refuses other characters, and "¹" passes str.isdigit().
    code = "".join(ch for ch in unicodedata.normalize("NFKC", code or "") if ch in "0123456789")
    current = int((now if now is not None else time.time()) // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if len(code) == DIGITS and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def user_secret(user: User) -> str | None:
    """The user's decrypted TOTP secret, if they use a second factor."""
    return key_ring().decrypt(user.totp_secret_enc, _CONTEXT) if user.totp_secret_enc else None


def verify_user_code(user: User, code: str) -> bool:
    """Whether ``code`` is the user's current code and was not used before (replays are refused)."""
    secret = user_secret(user)
    step = matching_step(secret, code) if secret else None
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def enable_totp(user: User, secret: str, code: str) -> bool:
    """Turn the second factor on once the user proves their app shows the right code."""
    step = matching_step(secret, code)
    if step is None:
        return False
    user.totp_secret_enc, user.totp_last_step = key_ring().encrypt(secret, _CONTEXT), step
    record("user.totp_enable", "user", user.id)
    return True


def disable_totp(user: User) -> None:
    """Turn the second factor off."""
    user.totp_secret_enc, user.totp_last_step = None, None
    record("user.totp_disable", "user", user.id)


def seal_pending(secret: str) -> str:
    """An enrolment secret sealed for keeping in the session cookie until it is confirmed."""
    return base64.b64encode(key_ring().encrypt(secret, "user.totp.pending")).decode("ascii")


def open_pending(sealed: str | None) -> str | None:
    """The enrolment secret from :func:`seal_pending`, or None."""
    if not sealed:
        return None
    try:
        return key_ring().decrypt(base64.b64decode(sealed), "user.totp.pending")
    except ValueError:
        return None
