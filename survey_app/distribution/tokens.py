"""Personal-link tokens derived from a server secret, so a restarted sender can rebuild a link it never stored.

``token = base64url(HMAC-SHA256(K, "invitation:<wave id>:<contact id>"))[:43]`` with ``K`` derived from
``SECRET_KEY``. The database keeps only ``sha256(token)`` (``Invitation.token_hash``), as for every link;
anyone without the secret key can neither guess nor rebuild a token. Changing ``SECRET_KEY`` makes the
links of invitations already created impossible to rebuild: such messages fail with a clear error
instead of carrying a link that does not work.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app

from ..models import hash_token


def derived_key(purpose: str) -> bytes:
    """A key for one purpose (``invitation-link``, ``office-link``), derived from SECRET_KEY once per app."""
    keys = current_app.extensions.setdefault("survey_derived_keys", {})
    if purpose not in keys:
        secret = current_app.config["SECRET_KEY"].encode("utf-8")
        keys[purpose] = hmac.new(secret, f"survey_app.{purpose}".encode(), hashlib.sha256).digest()
    return keys[purpose]


def _link_key() -> bytes:
    return derived_key("invitation-link")


def invitation_token(wave_id: int, contact_id: int) -> str:
    """The personal-link token of a contact's invitation to a wave (43 URL-safe characters)."""
    digest = hmac.new(_link_key(), f"invitation:{wave_id}:{contact_id}".encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:43]


def token_and_hash(wave_id: int, contact_id: int) -> tuple[str, str]:
    """The token and the hash the invitation row stores."""
    token = invitation_token(wave_id, contact_id)
    return token, hash_token(token)


def token_hashes(wave_id: int, contact_ids: list[int]) -> list[str]:
    """``token_and_hash(wave_id, c)[1]`` for each contact, in one loop (invitation creation in bulk)."""
    key, sha256, encode = _link_key(), hashlib.sha256, base64.urlsafe_b64encode
    return [sha256(encode(hmac.digest(key, f"invitation:{wave_id}:{c}".encode("ascii"), "sha256"))[:43]).hexdigest()
            for c in contact_ids]


def personal_link(token: str) -> str:
    """The respondent's link: ``<BASE_URL>/s/<token>``."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/s/{token}"


def unsubscribe_link(token: str) -> str:
    """The 수신거부 link: ``<BASE_URL>/u/<token>``."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/u/{token}"


def one_click_unsubscribe_link(token: str) -> str:
    """The one-click unsubscribe address mail providers POST to (RFC 8058): ``<BASE_URL>/u/<token>/one-click``."""
    return unsubscribe_link(token) + "/one-click"
