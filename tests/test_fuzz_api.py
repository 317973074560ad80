"""schemathesis over /api/v1/openapi.json with data that breaks the spec (negative mode), with a valid key,
with a key lacking the permission and with none: never a 5xx, and a refused request stores nothing.

tests/test_distribution_api.py checks the other half: valid requests and answers that conform to the spec.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from tests.test_distribution_api import postcall  # noqa: F401  (fixture: a running continuous wave and a key)
from tests.test_fuzz_staff import _data_digest

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("SURVEY_TEST_FUZZ_EXAMPLES", "30"))


@pytest.fixture
def keys(app_ctx, postcall):  # noqa: F811
    """Authorization headers: a key with every needed permission, one with none relevant, and none."""
    from survey_app.accounts.api_keys import create_api_key

    with app_ctx():
        _key, weak = create_api_key("status board", ["surveys.view"])
        _key, valid = create_api_key("every system", ["invitations.create", "results.view", "customers.manage"])
    return {"valid": {"Authorization": f"Bearer {valid}"}, "weak": {"Authorization": f"Bearer {weak}"}, "none": {}}


def _operations(app):
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("who", ["valid", "weak", "none"])
def test_requests_that_break_the_spec_get_no_5xx_and_store_nothing(app, client, app_ctx, keys, postcall, who):  # noqa: F811
    from schemathesis.generation import GenerationMode

    failures = []
    for operation in _operations(app):
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        def run(case):
            before = _data_digest(app_ctx)
            response = case.call(headers=keys[who])
            assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.body!r:.300} → {response.status_code}"
            if response.status_code >= 400:
                changed = [t for t, h in _data_digest(app_ctx).items() if before[t] != h]
                assert not changed, f"{case.method} {case.formatted_path} → {response.status_code} but changed {changed}"

        try:
            run()
        except Unsatisfiable:  # nothing to break (no parameters, no body): GET /health
            continue
        except Exception as exc:  # noqa: BLE001 - every operation is tried; all failures are reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert failures == []


def test_a_nul_character_in_json_is_refused_and_stores_nothing(client, app_ctx, postcall):  # noqa: F811
    before = _data_digest(app_ctx)
    body = {"wave": postcall["wave_code"], "call_id": "C-\u0000-1", "customer_number": "010-5555-0001"}
    answer = client.post("/api/v1/post-call", json=body, headers=postcall["headers"])
    assert answer.status_code == 422 and answer.get_json()["error"]["status"] == 422
    assert _data_digest(app_ctx) == before
