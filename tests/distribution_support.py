"""Shared set-up for distribution tests: contact files, a planned wave, loopback SMTP and SMS servers."""
from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from survey_app.models import utcnow

HEADER = "이름,휴대전화,전자우편,지역,우체국코드,서비스유형,고객유형,연령대,수신동의\n"


def contact_csv(rows: list[str]) -> bytes:
    """A contact CSV (UTF-8) with our Korean headings."""
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def people(n: int, *, start: int = 0, region: str = "R-SEOUL", office: str = "", email: bool = True) -> list[str]:
    """``n`` valid rows with distinct numbers and addresses."""
    return [f"고객{i},010-{1000 + i // 10000:04d}-{i % 10000:04d},{f'c{i}@example.com' if email else ''},"
            f"{region},{office},등기,개인,40대,Y" for i in range(start, start + n)]


def import_people(app_ctx, rows: list[str]) -> int:
    """Validate and import rows; returns how many were imported."""
    from survey_app.distribution.contacts_import import import_contacts, validate_file

    with app_ctx():
        report = validate_file(contact_csv(rows), "t.csv")
        assert report.ok, report.problems[:3]
        return import_contacts(report, source="t.csv").imported


def plan_wave(app_ctx, wave_id: int, *, channels=("email",), opens_in=timedelta(seconds=-1), closes_in=timedelta(days=30),
              schedule: bool = True, quiet=("00:00", "00:00"), **fields) -> None:
    """Save a plan for the wave (quiet hours off unless given) and mark it scheduled."""
    from survey_app.distribution.plans import PlanInput, save_plan
    from survey_app.models import PlanStatus, Wave

    now = utcnow()
    with app_ctx() as session:
        wave = session.get(Wave, wave_id)
        wave.state = "scheduled"
        data = PlanInput(now + opens_in, now + closes_in, list(channels), quiet_start=quiet[0], quiet_end=quiet[1],
                         **fields)
        plan = save_plan(wave, data)
        if schedule:
            plan.status = PlanStatus.SCHEDULED


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmsGateway:
    """A loopback JSON SMS gateway: records messages, dedupes on Idempotency-Key, can fail on demand."""

    def __init__(self, fail_first: int = 0, status: int = 500) -> None:
        self.received: list[dict] = []
        self.keys: dict[str, int] = {}
        self.fail_first, self.status, self.calls = fail_first, status, 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.calls += 1
                if gateway.calls <= gateway.fail_first:
                    self.send_response(gateway.status)
                    self.end_headers()
                    self.wfile.write(b'{"error": "busy"}')
                    return
                key = self.headers.get("Idempotency-Key")
                if key not in gateway.keys:
                    gateway.keys[key] = len(gateway.received)
                    gateway.received.append({**body, "auth": self.headers.get("Authorization")})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": f"gw-{gateway.keys[key]}"}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> SmsGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class MailSink:
    """aiosmtpd on loopback recording every accepted message; optional STARTTLS and AUTH; ``refuse`` answers
    550 for those addresses, ``defer_first`` answers 451 (a transient refusal) to the first that many recipients."""

    def __init__(self, *, tls_context=None, auth: tuple[str, str] | None = None, refuse: set[str] = frozenset(),
                 defer_first: int = 0) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[tuple[str, list[str], bytes]] = []
        self.deferred = 0  # recipients answered "451 try again later" so far (the first ``defer_first``)
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
                if address in refuse:
                    return "550 5.1.1 No such user"
                if sink.deferred < defer_first:
                    sink.deferred += 1
                    return "451 4.3.0 Mailbox busy, try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
                return "250 Message accepted"

        def authenticator(server, session, envelope, mechanism, data):
            ok = auth is not None and data.login.decode() == auth[0] and data.password.decode() == auth[1]
            return AuthResult(success=ok)

        kwargs = {}
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        if auth is not None:
            kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=tls_context is not None)
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, ready_timeout=5, **kwargs)

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def message_ids(self) -> list[str]:
        """Message-ID headers of every received message."""
        from email import message_from_bytes

        return [message_from_bytes(raw)["Message-ID"] for _f, _t, raw in self.messages]
