"""Channels against real loopback servers: SMTP with STARTTLS and AUTH (aiosmtpd), a JSON SMS gateway
(http.server); refusals, timeouts and 500s are recorded per message and retried, nothing sent twice."""
from __future__ import annotations

import datetime as dt
import ipaddress
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from survey_app.models import OutboxMessage, OutboxStatus
from tests.distribution_support import MailSink, SmsGateway, free_port, import_people, people, plan_wave


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (cert path, key path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return str(folder / "cert.pem"), str(folder / "key.pem")


def _wave(app_ctx, make_survey, n, start, channels=("email",), **fields):
    ids = make_survey()
    import_people(app_ctx, people(n, start=start))
    plan_wave(app_ctx, ids["wave_id"], channels=channels, audience={"filters": {"age_band": ["40대"]}}, **fields)
    from survey_app.distribution.fielding import run_tick

    with app_ctx():
        run_tick()
    return ids


def _drain(app, channels):
    from survey_app.distribution.sender import Sender

    with app.app_context():
        return Sender(app, channels, worker="t").run(until_empty=True)


def _statuses(app_ctx, wave_id):
    with app_ctx() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.wave_id == wave_id)
                               .order_by(OutboxMessage.id)).all()


def test_email_over_starttls_with_auth(app_ctx, make_app, make_survey, certificate):
    import ssl

    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(*certificate)
    with MailSink(tls_context=server_tls, auth=("mailer", "s3cret")) as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="starttls", SMTP_USERNAME="mailer",
                       SMTP_PASSWORD="s3cret", SMTP_CA_FILE=certificate[0], MAIL_FROM="survey@epost.example")
        ids = _wave(app_ctx, make_survey, 5, 1000)
        assert _drain(app, ["email"]).sent >= 5
    messages = _statuses(app_ctx, ids["wave_id"])
    assert {m.status for m in messages} == {OutboxStatus.SENT}
    mine = {f"<outbox-{m.id}@epost.example>" for m in messages}
    assert mine <= set(sink.message_ids()) and len(sink.message_ids()) == len(set(sink.message_ids()))
    mail = message_from_bytes(sink.messages[-1][2], policy=policy.default)
    body = mail.get_content()
    assert "/s/" in body and "수신거부" in body and "님, 우체국 서비스 만족도 조사" in mail["Subject"]


def test_refused_recipient_bounces_and_wrong_password_is_retried(app_ctx, make_app, make_survey):
    with MailSink(refuse={"c1100@example.com"}) as sink:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_SECURITY="none", SEND_RETRY_SECONDS=0)
        ids = _wave(app_ctx, make_survey, 3, 1100)
        _drain(app, ["email"])
    statuses = [m.status for m in _statuses(app_ctx, ids["wave_id"])]
    assert sorted(statuses) == [OutboxStatus.BOUNCED, OutboxStatus.SENT, OutboxStatus.SENT]
    bounced = [m for m in _statuses(app_ctx, ids["wave_id"]) if m.status == OutboxStatus.BOUNCED][0]
    assert "550" in bounced.last_error and len(sink.messages) == 2


def test_unreachable_smtp_server_fails_after_retries_and_loses_nothing(app_ctx, make_app, make_survey):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none", SEND_RETRY_SECONDS=0,
                   SEND_MAX_ATTEMPTS=3, SMTP_TIMEOUT=2)
    ids = _wave(app_ctx, make_survey, 2, 1200)
    _drain(app, ["email"])
    messages = _statuses(app_ctx, ids["wave_id"])
    assert [(m.status, m.attempts) for m in messages] == [(OutboxStatus.FAILED, 3)] * 2
    assert all("SMTP" in m.last_error for m in messages)


def test_smtp_timeout_is_a_retryable_failure(app_ctx, make_app, make_survey):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections, never greets: the client must time out
    try:
        app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=silent.getsockname()[1], SMTP_SECURITY="none",
                       SMTP_TIMEOUT=1, SEND_RETRY_SECONDS=600)
        ids = _wave(app_ctx, make_survey, 1, 1300)
        _drain(app, ["email"])
    finally:
        silent.close()
    [message] = _statuses(app_ctx, ids["wave_id"])
    assert message.status == OutboxStatus.PENDING and message.attempts == 1 and "timed out" in message.last_error.lower()


def test_sms_gateway_500s_are_retried_and_delivered_once(app_ctx, make_app, make_survey):
    with SmsGateway(fail_first=2) as gateway:
        app = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TOKEN="tok", SEND_RETRY_SECONDS=0,
                       SEND_RATE_SMS=0)
        ids = _wave(app_ctx, make_survey, 3, 1400, channels=("sms",))
        _drain(app, ["sms"])
    messages = _statuses(app_ctx, ids["wave_id"])
    assert {m.status for m in messages} == {OutboxStatus.SENT} and len(gateway.received) == 3
    assert sum(m.attempts for m in messages) == 5 and gateway.received[0]["auth"] == "Bearer tok"
    assert all(r["type"] in ("SMS", "LMS") and "수신거부" in r["text"] for r in gateway.received)


def test_sms_gateway_4xx_fails_for_good(app_ctx, make_app, make_survey):
    with SmsGateway(fail_first=99, status=400) as gateway:
        app = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SEND_RETRY_SECONDS=0, SEND_RATE_SMS=0)
        ids = _wave(app_ctx, make_survey, 1, 1500, channels=("sms",))
        _drain(app, ["sms"])
    [message] = _statuses(app_ctx, ids["wave_id"])
    assert message.status == OutboxStatus.FAILED and message.attempts == 1 and "400" in message.last_error


def test_in_doubt_message_is_resent_under_the_same_id_and_the_gateway_keeps_one(app_ctx, make_app, make_survey):
    """A sender that died after the gateway accepted but before recording it: the retry carries the same
    Idempotency-Key, so the gateway delivers the message once."""
    from survey_app.distribution.outbox import recover_expired
    from survey_app.models import utcnow

    with SmsGateway() as gateway:
        app = make_app(SMS_GATEWAY="http", SMS_GATEWAY_URL=gateway.url, SEND_RATE_SMS=0)
        ids = _wave(app_ctx, make_survey, 1, 1600, channels=("sms",))
        [message] = _statuses(app_ctx, ids["wave_id"])
        from survey_app.distribution.channels import Outgoing
        from survey_app.distribution.channels.sms import HttpSmsChannel

        HttpSmsChannel(gateway.url, None, "1588-1300", 5).send(Outgoing(f"outbox-{message.id}", "010-0000-0000", "x"))
        with app_ctx() as session:  # what the dead sender left behind: claimed, attempt started, no outcome
            row = session.get(OutboxMessage, message.id)
            row.status, row.locked_by, row.attempt_started_at = OutboxStatus.SENDING, "dead:1", utcnow()
            row.lease_until = utcnow()
        with app.app_context():
            assert recover_expired(utcnow() + dt.timedelta(seconds=1)) == (0, 1)
        _drain(app, ["sms"])
    [message] = _statuses(app_ctx, ids["wave_id"])
    assert message.status == OutboxStatus.SENT and len(gateway.received) == 1 and gateway.calls == 2
