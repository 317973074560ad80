"""SMS: a generic HTTP JSON gateway adapter, and a file outbox for the demo.

The HTTP adapter POSTs ``{"message_id", "to", "from", "text", "type"}`` (type SMS or LMS) with
``Authorization: Bearer <token>`` and ``Idempotency-Key: <message_id>``. 2xx means accepted (a JSON
``id`` in the answer is kept); 408, 429 and 5xx are retried; other 4xx fail for good. A gateway that
honours the idempotency key never delivers a retried message twice.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from ...privacy.files import outbox_folder, write_private
from . import Outgoing, SendError

RETRYABLE = {408, 425, 429}


class HttpSmsChannel:
    """A JSON-over-HTTP SMS gateway."""

    name = "sms"

    def __init__(self, url: str, token: str | None, sender_number: str, timeout: float) -> None:
        if not url:
            raise ValueError("SURVEY_SMS_GATEWAY_URL을 설정해 주십시오 (SMS_GATEWAY=http needs SMS_GATEWAY_URL).")
        self.url, self.token, self.sender_number, self.timeout = url, token, sender_number, timeout

    @classmethod
    def from_config(cls, config: Mapping) -> HttpSmsChannel:
        """An adapter from the SMS_* settings."""
        return cls(config["SMS_GATEWAY_URL"], config["SMS_GATEWAY_TOKEN"], config["SMS_SENDER_NUMBER"],
                   config["SMS_TIMEOUT"])

    def _request(self, message: Outgoing) -> urllib.request.Request:
        body = json.dumps({"message_id": message.message_id, "to": message.to, "from": self.sender_number,
                           "text": message.body, "type": message.message_type}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message.message_id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return urllib.request.Request(self.url, data=body, headers=headers, method="POST")

    def send(self, message: Outgoing) -> str | None:
        """POST one message; raises SendError (transient or permanent) on anything but 2xx."""
        try:
            with urllib.request.urlopen(self._request(message), timeout=self.timeout) as answer:
                payload = answer.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            transient = exc.code >= 500 or exc.code in RETRYABLE
            raise SendError(f"문자 게이트웨이 HTTP {exc.code}: {detail}", permanent=not transient) from None
        except (urllib.error.URLError, OSError) as exc:
            raise SendError(f"문자 게이트웨이 연결 실패 (gateway unreachable): {exc}") from None
        try:
            return str(json.loads(payload or b"{}").get("id") or "") or None
        except (ValueError, AttributeError):
            return None

    def close(self) -> None:
        """Nothing kept open."""


class FileSmsChannel:
    """Writes each SMS as JSON to ``<instance>/outbox/sms/<message id>.json`` (demo); idempotent."""

    name = "sms"

    def __init__(self, instance_path: str) -> None:
        self.instance_path = instance_path
        self.folder = Path(instance_path) / "outbox" / "sms"

    def send(self, message: Outgoing) -> str | None:
        """Write the message file (a retry overwrites the same file)."""
        outbox_folder(self.instance_path, "sms")
        record = {"message_id": message.message_id, "to": message.to, "text": message.body,
                  "type": message.message_type}
        write_private(self.folder / f"{message.message_id}.json", json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return message.message_id

    def close(self) -> None:
        """Nothing to release."""
