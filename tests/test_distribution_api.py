"""The post-call API (idempotent on call id and Idempotency-Key, opt-out, no-resurvey), wave status, and the
OpenAPI spec exercised with schemathesis."""
from __future__ import annotations

from unittest.mock import ANY

import pytest
from sqlalchemy import func, select

from survey_app.models import Contact, Invitation, OutboxMessage, PlanStatus, PostCall
from tests.distribution_support import plan_wave


@pytest.fixture
def postcall(app_ctx, make_survey):
    """A running continuous wave and an API key allowed to create invitations and view results."""
    from survey_app.accounts.api_keys import create_api_key
    from survey_app.models import DistributionPlan

    ids = make_survey()
    plan_wave(app_ctx, ids["wave_id"], channels=("sms",), continuous=True, no_resurvey_days=30)
    with app_ctx() as session:
        session.get(DistributionPlan, ids["wave_id"]).status = PlanStatus.RUNNING
        _key, secret = create_api_key("phone system", ["invitations.create", "results.view"])
    return {**ids, "headers": {"Authorization": f"Bearer {secret}"}}


def _call(client, postcall, call_id="C-1", number="010-5555-0001", **extra):
    body = {"wave": postcall["wave_code"], "call_id": call_id, "customer_number": number, "agent_id": "A7",
            "queue": "우편", **extra}
    return client.post("/api/v1/post-call", json=body, headers={**postcall["headers"], **extra.pop("headers", {})})


def test_post_call_queues_one_sms_and_is_idempotent_on_call_id(app_ctx, client, postcall):
    first = _call(client, postcall)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["outcome"] == "queued" and body["invitation_id"]
    again = _call(client, postcall)
    assert again.status_code == 200 and again.get_json()["invitation_id"] == body["invitation_id"]
    with app_ctx() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.wave_id == postcall["wave_id"])) == 1
        invitation = session.get(Invitation, body["invitation_id"])
        assert invitation.channel == "sms" and invitation.hidden["agent_id"] == "A7"


def test_idempotency_key_replays_the_first_answer(client, postcall):
    headers = {"Idempotency-Key": "abc-1"}
    first = client.post("/api/v1/post-call", json={"wave": postcall["wave_code"], "call_id": "K1",
                                                   "customer_number": "010-5555-0002"},
                        headers={**postcall["headers"], **headers})
    replay = client.post("/api/v1/post-call", json={"wave": postcall["wave_code"], "call_id": "K1",
                                                    "customer_number": "010-5555-0002"},
                         headers={**postcall["headers"], **headers})
    assert first.status_code == replay.status_code == 201
    assert replay.get_json() == first.get_json() and replay.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/post-call", json={"wave": postcall["wave_code"], "call_id": "K2",
                                                   "customer_number": "010-5555-0002"},
                        headers={**postcall["headers"], **headers})
    assert other.status_code == 422


def test_opt_out_and_no_resurvey_are_respected(app_ctx, client, postcall):
    from survey_app.models import utcnow

    assert _call(client, postcall, "C-10", "010-5555-0010").get_json()["outcome"] == "queued"
    assert _call(client, postcall, "C-11", "010-5555-0010").get_json()["outcome"] == "no_resurvey"
    _call(client, postcall, "C-12", "010-5555-0012")
    with app_ctx() as session:
        call = session.scalar(select(PostCall).where(PostCall.call_id == "C-12"))
        session.get(Contact, call.contact_id).opted_out_at = utcnow()
    answer = _call(client, postcall, "C-13", "+82 10-5555-0012")
    assert answer.get_json()["outcome"] == "opt_out" and answer.get_json()["invitation_id"] is None


def _stored_counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in (Contact, PostCall, Invitation,
                                                                                       OutboxMessage))


def test_a_call_without_consent_stores_nothing_about_the_customer_and_sends_nothing(app_ctx, client, postcall):
    with app_ctx() as session:
        before = _stored_counts(session)
    answer = _call(client, postcall, "C-20", "010-5555-0020", consent=False)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {"call_id": "C-20", "wave": postcall["wave_code"], "outcome": "no_consent",
                                 "invitation_id": None, "send_at": None, "message_ko": ANY, "message": ANY}
    headers = {"headers": {"Idempotency-Key": "nc-1"}}
    first, replay = (_call(client, postcall, "C-21", "010-5555-0021", consent=False, **headers) for _ in range(2))
    assert first.get_json() == replay.get_json() and replay.headers["Idempotent-Replayed"] == "true"
    with app_ctx() as session:
        assert _stored_counts(session) == before
    assert _call(client, postcall, "C-22", "010-5555-0020").get_json()["outcome"] == "queued"  # consent given


@pytest.mark.parametrize("body, status", [
    ({"wave": "NOPE", "call_id": "x", "customer_number": "010-1111-2222"}, 404),
    ({"call_id": "x", "customer_number": "010-1111-2222"}, 422),
    ("not an object", 422),
])
def test_bad_requests_get_clear_errors(client, postcall, body, status):
    answer = client.post("/api/v1/post-call", json=body, headers=postcall["headers"])
    assert answer.status_code == status and answer.get_json()["error"]["message"]


def test_bad_number_is_refused(client, postcall):
    answer = _call(client, postcall, "C-20", "02-123-4567")
    assert answer.status_code == 422 and "mobile" in answer.get_json()["error"]["message"]


def test_wave_status_reports_the_funnel(client, postcall):
    _call(client, postcall, "C-30", "010-5555-0030")
    answer = client.get(f"/api/v1/waves/{postcall['wave_id']}/status", headers=postcall["headers"])
    assert answer.status_code == 200
    data = answer.get_json()
    assert data["totals"]["targeted"] == 1 and data["outbox"]["pending"] == 1 and data["response_rate"] is None


def test_openapi_spec_is_valid_and_the_api_conforms(app, client, postcall):
    """schemathesis generates requests from the spec and checks every answer against it."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    assert client.get("/api/v1/openapi.json").get_json()["openapi"].startswith("3.0")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    failures = []
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=op.as_strategy())
        def run(case):
            if case.path_parameters and "wave_id" in case.path_parameters and case.path_parameters["wave_id"] % 2:
                case.path_parameters["wave_id"] = postcall["wave_id"]
            if isinstance(case.body, dict) and case.body.get("call_id", "")[:1] in ("", "a"):
                case.body["wave"] = postcall["wave_code"]
            response = case.call(headers=postcall["headers"])
            case.validate_response(response, checks=checks)

        try:
            run()
        except Exception as exc:  # collect, then report every operation that failed
            failures.append(f"{op.method.upper()} {op.path}: {exc}")
    assert failures == []
