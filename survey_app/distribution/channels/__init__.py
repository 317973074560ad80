"""Channels that deliver a rendered message: e-mail (SMTP or files) and SMS (HTTP gateway, files, or a
custom adapter named by its import path). A channel raises :class:`SendError` on failure."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from flask import Flask


@dataclass(frozen=True)
class Outgoing:
    """One rendered message. ``message_id`` is stable across retries (idempotency key, Message-ID)."""

    message_id: str
    to: str
    body: str
    subject: str = ""
    message_type: str = "EMAIL"  # EMAIL, SMS or LMS
    unsubscribe_url: str = ""  # one-click unsubscribe (List-Unsubscribe, RFC 8058), e-mail only


class SendError(Exception):
    """A failed delivery: transient (retry later), permanent, or a bounce (the address does not exist)."""

    def __init__(self, message: str, *, permanent: bool = False, bounced: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or bounced
        self.bounced = bounced


class Channel(Protocol):
    """What the sender needs from a channel."""

    name: str

    def send(self, message: Outgoing) -> str | None:
        """Deliver ``message``; returns the provider's id for it, if any; raises :class:`SendError`."""

    def close(self) -> None:
        """Release connections."""


def _load(path: str):
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def email_channel(app: Flask) -> Channel:
    """SMTP when ``SMTP_HOST`` is set, otherwise .eml files in the instance folder (demo)."""
    from .email import FileMailChannel, SmtpChannel  # cycle: email.py imports Outgoing from here

    if app.config["SMTP_HOST"]:
        return SmtpChannel.from_config(app.config)
    return FileMailChannel(app.instance_path, app.config["MAIL_FROM"], app.config["TIMEZONE"])


def sms_channel(app: Flask) -> Channel:
    """``SMS_GATEWAY``: ``file`` (demo), ``http`` (generic JSON gateway) or ``package.module:Class``."""
    from .sms import FileSmsChannel, HttpSmsChannel  # cycle: sms.py imports Outgoing from here

    kind = app.config["SMS_GATEWAY"]
    if kind == "file":
        return FileSmsChannel(app.instance_path)
    if kind == "http":
        return HttpSmsChannel.from_config(app.config)
    return _load(kind)(app.config)


def make_channels(app: Flask, names: list[str]) -> dict[str, Channel]:
    """The channels named (``email``, ``sms``), built from the app's settings."""
    makers = {"email": email_channel, "sms": sms_channel}
    return {name: makers[name](app) for name in names}
