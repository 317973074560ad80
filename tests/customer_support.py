"""Shared set-up for the customer tests (no tests here): customers, orders, interactions and answered surveys
made directly with the models and ``identity.set_identity`` (the import engine is tested on its own)."""
from __future__ import annotations

from datetime import datetime, timedelta

PASSWORD = "Sokcho2026pass"
NAME, PHONE, EMAIL = "홍길동", "010-2345-6789", "Hong.Gildong@Example.kr"


def login(client, username: str) -> None:
    answer = client.post("/manage/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]


def make_customer(session, external_id: str = "C-1001", *, name: str | None = NAME, phone: str | None = PHONE,
                  email: str | None = EMAIL, address: str | None = "서울특별시 종로구 세종대로 209", **fields):
    """A stored customer with sealed identifiers."""
    from survey_app.customers.identity import set_identity
    from survey_app.models import Customer

    fields.setdefault("birth_year", 1961)
    fields.setdefault("gender", "M")
    fields.setdefault("region", "서울")
    fields.setdefault("customer_type", "개인-일반")
    customer = Customer(external_id=external_id, **fields)
    set_identity(customer, name=name, phone=phone, email=email, address=address)
    session.add(customer)
    session.flush()
    return customer


def add_orders(session, customer, count: int, *, start: datetime | None = None, amount: int = 12000,
               prefix: str | None = None) -> list:
    """``count`` orders a day apart, newest last; returns them."""
    from survey_app.models import Order, OrderStatus, utcnow

    start = start or utcnow() - timedelta(days=count)
    statuses = OrderStatus.ALL
    orders = [Order(external_id=f"{prefix or customer.external_id}-O{i:05d}", customer_id=customer.id,
                    ordered_at=start + timedelta(days=i), category="농산물" if i % 2 else "수산물",
                    product="사과 5kg", amount=amount + i, quantity=1 + i % 3, status=statuses[i % len(statuses)])
              for i in range(count)]
    session.add_all(orders)
    session.flush()
    return orders


def add_interactions(session, customer, count: int, *, start: datetime | None = None, note: str | None = None,
                     org_unit_id: int | None = None, prefix: str | None = None) -> list:
    """``count`` calls a day apart; the first carries ``note`` when given."""
    from survey_app.models import Interaction, InteractionChannel, utcnow

    start = start or utcnow() - timedelta(days=count, hours=3)
    rows = [Interaction(external_id=f"{prefix or customer.external_id}-I{i:05d}", customer_id=customer.id,
                        occurred_at=start + timedelta(days=i), channel=InteractionChannel.ALL[i % 6],
                        org_unit_id=org_unit_id, agent=f"상담원{i % 7}", topic_code="배송문의", outcome="해결",
                        note=note if i == 0 else "일반 상담") for i in range(count)]
    session.add_all(rows)
    session.flush()
    return rows


def answered_survey(session, wave, answers: dict, *, phone: str = PHONE, hidden: dict | None = None):
    """A contact with ``phone`` (linked to its customer by keyed hash), invited to ``wave`` and answering it."""
    from survey_app.models import Invitation, new_token
    from survey_app.privacy.contacts import add_contact
    from tests.test_results_support import add_response

    contact, _ = add_contact(name=NAME, phone=phone, consent=True)
    invitation = Invitation(wave_id=wave.id, contact_id=contact.id, token_hash=new_token()[1], channel="sms",
                            hidden=hidden or {"office_code": "P-A", "name": NAME, "phone": phone})
    session.add(invitation)
    session.flush()
    return contact, invitation, add_response(session, wave, answers, invitation_id=invitation.id,
                                             hidden={"office_code": "P-A", "channel": "sms"})
