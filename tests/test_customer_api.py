"""POST /api/v1/customers, /interactions, /orders: the same checks and upsert as a file, JSON errors naming the
record and field, all or nothing, and Idempotency-Key replays."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select


@pytest.fixture
def key(app_ctx):
    """Authorization headers of an organisation-wide key allowed to manage customers."""
    from survey_app.accounts.api_keys import create_api_key

    with app_ctx():
        _key, secret = create_api_key("crm", ["customers.manage"])
    return {"Authorization": f"Bearer {secret}"}


CUSTOMER = {"external_id": "API-1", "name": "김민수", "phone": "010-2222-3333", "email": "MS@Example.kr",
            "consent_survey": True, "consent_marketing": "미동의", "office_code": None}


def _count(app_ctx, model) -> int:
    with app_ctx() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_one_customer_is_stored_sealed_and_reads_back(client, app_ctx, key):
    from survey_app.customers.identity import identity
    from survey_app.models import Customer

    answer = client.post("/api/v1/customers", json=CUSTOMER, headers=key)
    assert answer.status_code == 200 and answer.get_json()["created"] == 1
    with app_ctx() as session:
        customer = session.scalar(select(Customer).where(Customer.external_id == "API-1"))
        shown = identity(customer, masked=False)
        assert (shown.name, shown.phone, shown.email) == ("김민수", "010-2222-3333", "ms@example.kr")
        assert (customer.consent_survey, customer.consent_marketing) == (True, False)
    again = client.post("/api/v1/customers", json=[CUSTOMER], headers=key)
    assert again.get_json() | {} == {"kind": "customers", "received": 1, "created": 0, "updated": 0, "unchanged": 1,
                                     "stubs": 0, "consent_events": 0}


def test_a_field_left_out_is_left_unchanged(client, app_ctx, key):
    from survey_app.customers.identity import identity
    from survey_app.models import Customer

    client.post("/api/v1/customers", json=CUSTOMER, headers=key)
    answer = client.post("/api/v1/customers", json={"external_id": "API-1", "region": "서울"}, headers=key)
    assert answer.get_json()["updated"] == 1
    with app_ctx() as session:
        customer = session.scalar(select(Customer).where(Customer.external_id == "API-1"))
        assert identity(customer, masked=False).name == "김민수" and customer.region == "서울"


def test_orders_and_interactions_with_errors_naming_the_record_and_field(client, app_ctx, key):
    from survey_app.models import Interaction, Order

    client.post("/api/v1/customers", json=CUSTOMER, headers=key)
    orders = [{"external_id": "O-1", "customer_id": "API-1", "ordered_at": "2026-03-05T10:00:00+09:00",
               "amount": "12,300원", "status": "배송"},
              {"external_id": "O-2", "customer_id": "API-9", "ordered_at": "2026.03.05", "amount": 5000},
              {"external_id": "O-3", "customer_id": "API-1", "ordered_at": "어제", "amount": 1, "extra": 1}]
    answer = client.post("/api/v1/orders", json=orders, headers=key)
    body = answer.get_json()["error"]
    assert answer.status_code == 422
    assert [(p["index"], p["field"]) for p in body["problems"]] == [(2, "extra")]
    orders[2].pop("extra")
    answer = client.post("/api/v1/orders", json=orders, headers=key)
    problems = answer.get_json()["error"]["problems"]
    assert [(p["index"], p["field"]) for p in problems] == [(1, "customer_id"), (2, "ordered_at")]
    assert "등록되지 않은 고객번호입니다: API-9" in problems[0]["message"]
    assert _count(app_ctx, Order) == 0
    answer = client.post("/api/v1/orders", json=orders[:1], headers=key)
    assert answer.status_code == 200 and answer.get_json()["created"] == 1
    with app_ctx() as session:
        assert session.scalar(select(Order.amount)) == 12300
    call = {"external_id": "I-1", "occurred_at": "2026-03-05 09:10", "channel": "전화", "customer_id": "API-1"}
    assert client.post("/api/v1/interactions", json=call, headers=key).status_code == 200
    assert _count(app_ctx, Interaction) == 1


def test_idempotency_key_replays_the_first_answer(client, app_ctx, key):
    from survey_app.models import Customer

    headers = {**key, "Idempotency-Key": "push-1"}
    first = client.post("/api/v1/customers", json=CUSTOMER, headers=headers)
    second = client.post("/api/v1/customers", json=CUSTOMER, headers=headers)
    assert first.get_json() == second.get_json() and first.get_json()["created"] == 1
    assert second.headers.get("Idempotent-Replayed") == "true"
    other = client.post("/api/v1/customers", json={**CUSTOMER, "name": "다른"}, headers=headers)
    assert other.status_code == 422 and _count(app_ctx, Customer) == 1


def test_too_many_records_duplicates_and_bad_bodies_are_refused(client, app_ctx, key):
    from survey_app.models import Customer

    many = [{"external_id": f"X{i}"} for i in range(501)]
    assert client.post("/api/v1/customers", json=many, headers=key).status_code == 413
    twice = client.post("/api/v1/customers", json=[{"external_id": "X"}, {"external_id": "X"}], headers=key)
    assert twice.status_code == 422 and twice.get_json()["error"]["problems"][0]["field"] == "external_id"
    for body in ([], "x", [1], {"external_id": {"a": 1}}, {"external_id": "A\u0000"}):
        assert client.post("/api/v1/customers", json=body, headers=key).status_code == 422, body
    assert _count(app_ctx, Customer) == 0


def test_a_regional_key_writes_only_into_its_units(client, app_ctx, make_org):
    from survey_app.accounts.api_keys import create_api_key
    from survey_app.models import OrgLevel

    make_org("HQ-K", "본부", OrgLevel.HEADQUARTERS)
    region = make_org("R-K", "서울청", OrgLevel.REGIONAL, "HQ-K")
    make_org("P-K", "광화문", OrgLevel.OFFICE, "R-K")
    make_org("P-L", "부산", OrgLevel.OFFICE, "HQ-K")
    with app_ctx():
        _key, secret = create_api_key("regional crm", ["customers.manage"], org_unit_id=region)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/customers", json={"external_id": "K1", "office_code": "P-K"},
                       headers=headers).status_code == 200
    outside = client.post("/api/v1/customers", json={"external_id": "K2", "office_code": "P-L"}, headers=headers)
    assert outside.status_code == 422 and outside.get_json()["error"]["problems"][0]["field"] == "office_code"
    stubs = client.post("/api/v1/orders?create_missing=1", json={"external_id": "O", "customer_id": "Z",
                                                                 "ordered_at": "2026-01-01", "amount": 1},
                        headers=headers)
    assert stubs.status_code == 403
