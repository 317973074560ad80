"""Per-office open links: a counter's QR code or an office's kiosk puts its answers on that office.

An open link is public, so anyone could add ``?office_code=`` to it and put answers on any office's
results. The office and region an open link names count only with the signature the app made for that
wave and place: ``sig = base64url(HMAC-SHA256(K, "office-link:<wave code>:office_code=…␟region=…"))[:22]``,
``K`` derived from ``SECRET_KEY``. Without a signature, or with a wrong one, both are dropped and the
answer is stored without an office. Changing ``SECRET_KEY`` makes printed office QR codes count no office.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlencode

from flask import current_app

from ..models import OrgUnit, Wave
from .tokens import derived_key

#: Link parameters that say where an answer was given: only believed when signed.
SIGNED_SOURCES = ("office_code", "region")
SIGNATURE = "sig"


def _office_key() -> bytes:
    return derived_key("office-link")


def office_signature(wave_code: str, place: Mapping[str, str]) -> str:
    """The signature of an office (and region) on a wave's open link (22 URL-safe characters)."""
    named = "\x1f".join(f"{name}={place.get(name) or ''}" for name in SIGNED_SOURCES)
    digest = hmac.new(_office_key(), f"office-link:{wave_code}:{named}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:22]


def signed_place(wave_code: str, args: Mapping[str, str]) -> dict[str, str]:
    """The office and region named in a link's ``args`` when its signature is right; otherwise nothing."""
    place = {name: args[name] for name in SIGNED_SOURCES if args.get(name)}
    given = args.get(SIGNATURE) or ""
    if not place or not hmac.compare_digest(given.encode("utf-8"), office_signature(wave_code, place).encode("ascii")):
        return {}
    return place


def office_link_args(wave_code: str, hidden: Mapping[str, str]) -> dict[str, str]:
    """Link parameters naming the office and region in ``hidden``, signed (none when it names no place)."""
    place = {name: hidden[name] for name in SIGNED_SOURCES if hidden.get(name)}
    return {**place, SIGNATURE: office_signature(wave_code, place)} if place else {}


def office_place(office: OrgUnit) -> dict[str, str]:
    """What a link of ``office`` records: its code and its region's."""
    return {"office_code": office.code, **({"region": office.region_code} if office.region_code else {})}


def office_url(wave: Wave, office: OrgUnit, *, kiosk: bool = False) -> str:
    """The full signed open link of one office (``kiosk``: the unstaffed-office kiosk link)."""
    args = {**({"kiosk": "1"} if kiosk else {}), **office_link_args(wave.code, office_place(office))}
    return f"{current_app.config['BASE_URL'].rstrip('/')}/o/{wave.open_link_key}?{urlencode(args)}"
