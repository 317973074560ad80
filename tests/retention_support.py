"""A small simulated customer history where churn depends on returns, for the retention tests."""
from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from survey_app.models import Customer, Order, OrderStatus

START = datetime(2025, 1, 1, 3, tzinfo=UTC)
MONTHS = 23  # to December 2026


def plant_history(session, n: int = 300, seed: int = 5, org_unit_id: int | None = None, prefix: str = "S") -> list[int]:
    """``n`` customers buying about monthly; a customer with returns leaves far sooner. Returns their ids."""
    rng = random.Random(seed)
    session.execute(insert(Customer.__table__), [
        {"external_id": f"{prefix}{i:05d}", "kind": "person", "org_unit_id": org_unit_id, "is_stub": False,
         "consent_marketing": i % 3 != 0, "created_at": START, "updated_at": START} for i in range(n)])
    ids = list(session.scalars(select(Customer.id).where(Customer.external_id.like(f"{prefix}%"))
                               .order_by(Customer.external_id)))
    orders = []
    for i, cid in enumerate(ids):
        returner = rng.random() < 0.3
        for month in range(rng.randrange(0, 8), MONTHS):
            if rng.random() < 0.75:
                when = START + timedelta(days=30 * month + rng.randrange(28))
                returned = returner and rng.random() < 0.5
                orders.append({"external_id": f"{prefix}{i}-{month}", "customer_id": cid, "ordered_at": when,
                               "amount": rng.randrange(10, 90) * 1000, "quantity": 1,
                               "status": OrderStatus.RETURNED if returned else OrderStatus.DELIVERED,
                               "returned_on": (when + timedelta(days=5)).date() if returned else None})
            if rng.random() < 1 / (1 + math.exp(3.6 - (2.6 if returner else 0))):
                break
    session.execute(insert(Order.__table__), orders)
    session.flush()
    return ids


DATA_END = date(2026, 12, 1)
