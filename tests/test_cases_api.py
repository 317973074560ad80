"""/api/v1/cases: the phone and board systems open cases (Idempotency-Key: one case per key), bad bodies get
422 with the field named, a key scoped to one office cannot open cases elsewhere, and the spec lists it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.models import Case, OrgLevel


@pytest.fixture
def keys(app_ctx, make_org):
    """A center-wide key and a key for one office."""
    from survey_app.accounts.api_keys import create_api_key
    make_org(code="HQ-API", name="본부", level=OrgLevel.HEADQUARTERS)
    office = make_org(code="P-API", name="속초우체국", parent_code="HQ-API")
    other = make_org(code="P-API2", name="강릉우체국", parent_code="HQ-API")
    with app_ctx():
        _k, everywhere = create_api_key("phone system", ["cases.handle", "cases.view"])
        _k, one_office = create_api_key("office board", ["cases.handle"], org_unit_id=office)
    return {"all": {"Authorization": f"Bearer {everywhere}"}, "office": {"Authorization": f"Bearer {one_office}"},
            "office_id": office, "other_id": other}


BODY = {"source": "call", "category": "grievance", "summary": "등기 배달 지연 항의", "office_code": "P-API",
        "external_ref": "CALL-20261207-0001"}


def _count(app_ctx) -> int:
    with app_ctx() as session:
        return session.scalar(select(func.count(Case.id)))


def test_a_case_opened_twice_with_one_key_exists_once(client, app_ctx, keys):
    headers = {**keys["all"], "Idempotency-Key": "call-0001"}
    first = client.post("/api/v1/cases", json=BODY, headers=headers)
    assert first.status_code == 201, first.get_json()
    again = client.post("/api/v1/cases", json=BODY, headers=headers)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert _count(app_ctx) == 1
    body = first.get_json()
    assert (body["status"], body["category"], body["org_unit"]) == ("received", "grievance", "P-API")
    status = client.get(f"/api/v1/cases/{body['id']}", headers=keys["all"])
    assert status.status_code == 200 and status.get_json()["due_on"] == body["due_on"]


@pytest.mark.parametrize("change, field", [
    ({"source": "fax"}, "source"), ({"category": "불만"}, "category"), ({"summary": ""}, "summary"),
    ({"office_code": "NOPE"}, "office_code"), ({"customer_id": "C-404"}, "customer_id"),
    ({"priority": 3}, "priority"),
])
def test_bad_bodies_are_refused_naming_the_field(client, app_ctx, keys, change, field):
    answer = client.post("/api/v1/cases", json={**BODY, **change}, headers=keys["all"])
    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["fields"]["detail"]
    assert _count(app_ctx) == 0


def test_an_office_key_cannot_open_cases_elsewhere(client, app_ctx, keys):
    elsewhere = client.post("/api/v1/cases", json={**BODY, "office_code": "P-API2"}, headers=keys["office"])
    assert elsewhere.status_code == 403
    assert client.post("/api/v1/cases", json=BODY, headers=keys["office"]).status_code == 201
    assert _count(app_ctx) == 1


def test_the_spec_lists_the_cases_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/cases"] and "get" in paths["/cases/{case_id}"]
