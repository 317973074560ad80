"""Encryption of personal data at rest (AES-256-GCM) and keyed hashes for lookups (HMAC-SHA256).

Keys come from configuration, never from the database: ``SURVEY_DATA_KEYS`` (comma-separated
base64 keys, newest first) and ``SURVEY_LOOKUP_KEY``. Without them the app keeps generated keys in
the instance folder (one machine only, like the secret key; made only for a new instance and checked
at start, see :mod:`.key_files`). New data is always encrypted with the
newest key; older keys still decrypt, and ``survey-app rotate-keys`` re-encrypts old rows.

Stored form: ``0x01 | key id (4 bytes) | nonce (12 bytes) | ciphertext+tag``. The associated data is
the field's context (e.g. ``contact.phone``), so a value copied into another column fails to decrypt.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

from ..config import ConfigError

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """A stored value that no configured key can open (wrong key, missing old key, or tampering)."""


def new_key() -> str:
    """A fresh random 256-bit key in the form the settings take."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def decode_key(text: str, setting: str) -> bytes:
    """A setting's base64 key as 32 bytes; ConfigError naming the setting otherwise."""
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise ConfigError(f"SURVEY_{setting}: 32바이트 base64 키여야 합니다. `survey-app rotate-keys --new-key`로 "
                          "만들 수 있습니다 (expected a base64-encoded 32-byte key).")
    return raw


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"survey-data-key" + key).digest()[:4]


def normalise_phone(phone: str) -> str:
    """Digits only, with a +82 country code written as the domestic leading 0."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    if digits.startswith("82") and len(digits) >= 11:
        digits = "0" + digits[2:].lstrip("0")
    return digits


def normalise_email(email: str) -> str:
    """Trimmed, compatibility-normalised and lower-cased."""
    return unicodedata.normalize("NFKC", email).strip().lower()


@dataclass(frozen=True)
class KeyRing:
    """Data keys (newest first) and the lookup key."""

    data_keys: tuple[bytes, ...]
    lookup_key: bytes

    def encrypt(self, plaintext: str, context: str) -> bytes:
        """``plaintext`` sealed with the newest key, bound to ``context``."""
        return self.encrypt_bytes(plaintext.encode("utf-8"), context)

    def encrypt_bytes(self, data: bytes, context: str) -> bytes:
        """:meth:`encrypt` for bytes (an uploaded file), without a text encoding in between."""
        key = self.data_keys[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, data, context.encode("ascii"))
        return FORMAT_VERSION + _key_id(key) + nonce + sealed

    def decrypt(self, blob: bytes, context: str) -> str:
        """The plaintext of ``blob``; raises :class:`DecryptionError` if no key opens it."""
        return self.decrypt_bytes(blob, context).decode("utf-8")

    def decrypt_bytes(self, blob: bytes, context: str) -> bytes:
        """The bytes sealed in ``blob``; raises :class:`DecryptionError` if no key opens it."""
        if len(blob) < 5 + NONCE_BYTES or blob[:1] != FORMAT_VERSION:
            raise DecryptionError("알 수 없는 암호문 형식입니다 (unknown ciphertext format).")
        key = self._key_for(blob[1:5])
        try:
            return AESGCM(key).decrypt(blob[5:5 + NONCE_BYTES], blob[5 + NONCE_BYTES:], context.encode("ascii"))
        except InvalidTag:
            raise DecryptionError("암호문이 손상되었거나 다른 항목의 값입니다 (ciphertext rejected).") from None

    def _key_for(self, key_id: bytes) -> bytes:
        for key in self.data_keys:
            if hmac.compare_digest(_key_id(key), key_id):
                return key
        raise DecryptionError("이 값을 암호화한 키가 설정에 없습니다. SURVEY_DATA_KEYS에 이전 키를 남겨 두십시오 "
                              "(the key that encrypted this value is not configured).")

    def encrypt_many(self, plaintexts: list[str | None], context: str) -> list[bytes | None]:
        """:meth:`encrypt` for many values at once (None stays None): one cipher object, nonces drawn together."""
        key = self.data_keys[0]
        aead, prefix, aad = AESGCM(key), FORMAT_VERSION + _key_id(key), context.encode("ascii")
        randomness = os.urandom(NONCE_BYTES * len(plaintexts))
        sealed: list[bytes | None] = []
        for i, text in enumerate(plaintexts):
            if text is None:
                sealed.append(None)
                continue
            nonce = randomness[i * NONCE_BYTES:(i + 1) * NONCE_BYTES]
            sealed.append(prefix + nonce + aead.encrypt(nonce, text.encode("utf-8"), aad))
        return sealed

    def is_current(self, blob: bytes) -> bool:
        """Whether ``blob`` was sealed with the newest key (so rotation can skip it)."""
        return blob[1:5] == _key_id(self.data_keys[0])

    def lookup_hash(self, kind: str, normalised: str) -> str:
        """HMAC-SHA256 of a normalised identifier, for equality lookups and de-duplication."""
        message = f"{kind}:{normalised}".encode()
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()

    def lookup_hash_fast(self, kind: str, normalised: str) -> str:
        """:meth:`lookup_hash` through OpenSSL's one-shot HMAC (same value, for bulk work)."""
        return hmac.digest(self.lookup_key, f"{kind}:{normalised}".encode(), "sha256").hex()

    def phone_hash(self, phone: str) -> str:
        """The lookup hash of a phone number in any common writing."""
        return self.lookup_hash("phone", normalise_phone(phone))

    def email_hash(self, email: str) -> str:
        """The lookup hash of an e-mail address, case-insensitively."""
        return self.lookup_hash("email", normalise_email(email))


def build_key_ring(app: Flask) -> KeyRing:
    """The key ring from the app's settings (or the instance folder's key files when they are empty)."""
    from .key_files import instance_keys  # cycle: key_files makes keys with this module's new_key

    stored = instance_keys(app, app.extensions["survey_engine"])
    data = app.config.get("DATA_KEYS") or stored.get("DATA_KEYS", "")
    lookup = app.config.get("LOOKUP_KEY") or stored.get("LOOKUP_KEY", "")
    keys = tuple(decode_key(part, "DATA_KEYS") for part in data.split(",") if part.strip())
    if not keys:
        raise ConfigError("SURVEY_DATA_KEYS: 키가 하나 이상 있어야 합니다 (at least one key is required).")
    return KeyRing(keys, decode_key(lookup, "LOOKUP_KEY"))


def key_ring() -> KeyRing:
    """The current app's key ring, built once per app."""
    ring = current_app.extensions.get("survey_key_ring")
    if ring is None:
        ring = current_app.extensions["survey_key_ring"] = build_key_ring(current_app)
    return ring
