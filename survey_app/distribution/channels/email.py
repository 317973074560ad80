"""E-mail over SMTP (STARTTLS or TLS, authentication, one connection reused) or to .eml files."""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from datetime import datetime
from email.charset import BASE64, Charset
from email.header import Header
from email.message import Message
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ...privacy.files import outbox_folder, write_private
from . import Outgoing, SendError

_UTF8 = Charset("utf-8")
_UTF8.body_encoding = BASE64


def build_email(message: Outgoing, sender: str, domain: str, zone: str = "Asia/Seoul") -> Message:
    """The MIME message (UTF-8, base64 body); its Message-ID is derived from the outbox id, the same on every
    retry. Built with the compat32 policy: several times faster than ``EmailMessage`` for the same bytes.

    ``Date`` is in the sender's time zone (``+0900``); the Subject's first encoded word starts on the header's
    own line; a message with an unsubscribe URL carries ``List-Unsubscribe`` and, for one-click unsubscribe
    (RFC 8058, which large mail providers expect from bulk senders), ``List-Unsubscribe-Post``."""
    mail = Message()
    mail["From"], mail["To"] = sender, message.to
    mail["Subject"] = Header(message.subject, "utf-8", header_name="Subject")
    mail["Date"] = format_datetime(datetime.now(ZoneInfo(zone)))
    mail["Message-ID"] = f"<{message.message_id}@{domain}>"
    if message.unsubscribe_url:
        # one line (≤ 998 characters, RFC 5322): a URL folded at its start confuses some providers' parsers
        mail["List-Unsubscribe"] = _OneLine(f"<{message.unsubscribe_url}>")
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["MIME-Version"] = "1.0"
    mail.set_payload(message.body, charset=_UTF8)
    return mail


class _OneLine:
    """A header value written on one line (RFC 5322 allows 998 characters); compat32 folds any plain string longer
    than 78, even before its first word."""

    def __init__(self, value: str) -> None:
        self.value = value

    def encode(self, linesep: str = "\n", maxlinelen: int | None = None) -> str:
        """The value as it is (called by the generator)."""
        return self.value

    def __str__(self) -> str:
        return self.value


class SmtpChannel:
    """An SMTP client that keeps one connection open across messages and reconnects when it drops."""

    name = "email"

    def __init__(self, host: str, port: int, security: str, username: str | None, password: str | None,
                 timeout: float, sender: str, ca_file: str | None = None, zone: str = "Asia/Seoul") -> None:
        self.host, self.port, self.security, self.timeout, self.zone = host, port, security, timeout, zone
        self.username, self.password, self.sender = username, password, sender
        self.context = ssl.create_default_context(cafile=ca_file or None)
        self.domain = sender.rpartition("@")[2].strip(">") or "localhost"
        self._smtp: smtplib.SMTP | None = None

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpChannel:
        """A channel from the SMTP_* settings."""
        return cls(config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_SECURITY"], config["SMTP_USERNAME"],
                   config["SMTP_PASSWORD"], config["SMTP_TIMEOUT"], config["MAIL_FROM"], config["SMTP_CA_FILE"],
                   config.get("TIMEZONE", "Asia/Seoul"))

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=self.context)
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp

    def _deliver(self, mail: Message, to: list[str]) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.sendmail(self.sender, to, mail.as_bytes())

    def send(self, message: Outgoing) -> str | None:
        """Send one e-mail; a dropped connection is reopened once."""
        mail = build_email(message, self.sender, self.domain, self.zone)
        self.send_mail(mail, [message.to])
        return mail["Message-ID"]

    def send_mail(self, mail: Message, recipients: list[str]) -> None:
        """Send a ready MIME message (e.g. with attachments) to ``recipients``; raises :class:`SendError`."""
        try:
            try:
                self._deliver(mail, recipients)
            except smtplib.SMTPServerDisconnected:
                self._smtp = None
                self._deliver(mail, recipients)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise SendError(f"SMTP {code}: {_text(reply)}", bounced=code >= 500) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise SendError(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}", permanent=_permanent(exc)) from None
        except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            self.close()
            raise SendError(f"SMTP 연결 실패 (connection failed): {type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _permanent(exc: smtplib.SMTPResponseException) -> bool:
    """5xx is permanent, except authentication failures (a setting to fix; retry after it is fixed)."""
    return exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError)


class FileMailChannel:
    """Writes each e-mail to ``<instance>/outbox/mail/<message id>.eml`` (demo and trials); idempotent."""

    name = "email"

    def __init__(self, instance_path: str, sender: str = "survey@localhost", zone: str = "Asia/Seoul") -> None:
        self.instance_path, self.zone = instance_path, zone
        self.folder = Path(instance_path) / "outbox" / "mail"
        self.sender = sender

    def send(self, message: Outgoing) -> str | None:
        """Write the .eml file (a retry overwrites the same file)."""
        outbox_folder(self.instance_path, "mail")
        mail = build_email(message, self.sender, "localhost", self.zone)
        write_private(self.folder / f"{message.message_id}.eml", mail.as_bytes())
        return mail["Message-ID"]

    def send_mail(self, mail: Message, recipients: list[str]) -> None:
        """Write a ready MIME message to ``<Message-ID>.eml`` (a retry overwrites the same file)."""
        outbox_folder(self.instance_path, "mail")
        name = (mail["Message-ID"] or "mail").strip("<>").replace("/", "_")
        write_private(self.folder / f"{name}.eml", mail.as_bytes())

    def close(self) -> None:
        """Nothing to release."""
