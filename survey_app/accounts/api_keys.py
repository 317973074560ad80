"""API keys for /api/v1 integrations: created once and shown once, stored only as SHA-256 hashes."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Request
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import record
from ..database import db
from ..models import ApiKey, Permission, utcnow

KEY_PREFIX = "sk_"
_TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyError(ValueError):
    """A key request that cannot be done (unknown permission, empty name)."""


def hash_key(key: str) -> str:
    """SHA-256 of a key; keys are 256 random bits, so a fast hash is enough."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _permissions(names: list[str]) -> list[str]:
    try:
        return sorted({Permission(name).value for name in names})
    except ValueError as exc:
        raise ApiKeyError(_("알 수 없는 권한입니다: %(name)s", name=exc)) from None


def create_api_key(name: str, permissions: list[str], *, org_unit_id: int | None = None,
                   expires_days: int | None = None, created_by_id: int | None = None) -> tuple[ApiKey, str]:
    """A new key and its secret text (show it once; only the hash is kept)."""
    if not name.strip():
        raise ApiKeyError(_("키 이름을 입력해 주십시오."))
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name.strip(), prefix=secret[:10], key_hash=hash_key(secret), permissions=_permissions(permissions),
                 org_unit_id=org_unit_id, created_by_id=created_by_id,
                 expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None)
    db.session.add(key)
    db.session.flush()
    record("api_key.create", "api_key", key.id, details={"name": key.name, "permissions": key.permissions,
                                                           "org_unit_id": org_unit_id})
    return key, secret


def revoke_api_key(key: ApiKey) -> None:
    """Stop a key working from now on."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        record("api_key.revoke", "api_key", key.id, details={"name": key.name})


def presented_key(req: Request) -> str | None:
    """The key a request carries in ``Authorization: Bearer`` or ``X-API-Key``."""
    header = req.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return req.headers.get("X-API-Key") or None


def authenticate_key(secret: str | None) -> ApiKey | None:
    """The active key matching ``secret``, or None; notes when it was last used."""
    if not secret:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(secret)))
    now = utcnow()
    if key is None or key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        return None
    if key.last_used_at is None or now - key.last_used_at > _TOUCH_EVERY:
        key.last_used_at = now
    return key
