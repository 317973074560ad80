"""The per-customer feature table is built by SQL at a cutoff and lets nothing from after the cutoff in."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from analysis.customers.churn import ChurnDefinition
from survey_app.models import Customer, Interaction, Order, OrderStatus
from survey_app.retention.features import FEATURE_NAMES, build_features, feature_query

CUTOFF = date(2026, 6, 1)


def _at(y, m, d):
    return datetime(y, m, d, 12, tzinfo=UTC)


def _customer(session, ext, orders=(), calls=(), **fields):
    customer = Customer(external_id=ext, **fields)
    session.add(customer)
    session.flush()
    for n, (when, amount, status, *returned) in enumerate(orders):
        session.add(Order(external_id=f"{ext}-O{n}", customer_id=customer.id, ordered_at=when, amount=amount,
                          status=status, returned_on=returned[0] if returned else None))
    for n, (when, topic, outcome) in enumerate(calls):
        session.add(Interaction(external_id=f"{ext}-I{n}", customer_id=customer.id, occurred_at=when, channel="call",
                                topic_code=topic, outcome=outcome))
    session.flush()
    return customer


def _row(table, ext):
    i = table.external_ids.index(ext)
    return dict(zip(FEATURE_NAMES, table.X[i].tolist(), strict=True)), (None if table.y is None else int(table.y[i]))


def _plant(session):
    d = OrderStatus.DELIVERED
    _customer(session, "A", orders=[(_at(2026, 5, 22), 50_000, d), (_at(2026, 1, 10), 30_000, d),
                                   (_at(2025, 12, 1), 20_000, OrderStatus.RETURNED, date(2025, 12, 9))],
              calls=[(_at(2026, 3, 2), "loss_damage", "unresolved")])
    _customer(session, "B", orders=[(_at(2025, 9, 1), 40_000, d)], consent_marketing=True)
    _customer(session, "C", orders=[(_at(2026, 7, 1), 99_000, d)])  # first order after the cutoff: not scored


def test_features_at_a_cutoff_by_hand(app_ctx):
    with app_ctx() as session:
        _plant(session)
        table = build_features(CUTOFF, ChurnDefinition(), active_days=None)
        assert table.external_ids == ["A", "B"]
        assert build_features(CUTOFF).external_ids == ["A"]  # B's last order is 273 days old: already gone
        a, a_churned = _row(table, "A")
        # A: last order 22 May 12:00 UTC → cutoff is 1 June 00:00 KST = 31 May 15:00 UTC: 9.125 days
        assert a["recency_days"] == pytest.approx(9.125)
        assert a["frequency"] == 3 and a["monetary"] == 100_000 and a["returns"] == 1
        assert a["orders_90d"] == 1 and a["complaints_365d"] == 1 and a["unresolved_365d"] == 1
        # 10 Jan is in the 90 days before the last 90 (2 Dec – 2 Mar); 1 Dec is just before them
        assert a["order_trend"] == 0 and a["orders_30d"] == 1
        assert a["open_cases"] == 0  # no VOC cases model on this branch: 0, not an error
        assert a_churned == 1  # nothing after the cutoff
        b, _ = _row(table, "B")
        assert b["frequency"] == 1 and b["consent_marketing"] == 0  # no consent *event* before the cutoff


def test_a_post_cutoff_order_is_ignored_in_features_but_seen_by_the_label(app_ctx):
    with app_ctx() as session:
        _plant(session)
        before = build_features(CUTOFF, ChurnDefinition(), active_days=None)
        customer = session.query(Customer).filter_by(external_id="B").one()
        session.add(Order(external_id="B-late", customer_id=customer.id, ordered_at=_at(2026, 6, 2), amount=900_000,
                          status=OrderStatus.RETURNED, returned_on=date(2026, 6, 8)))
        session.add(Interaction(external_id="B-late-call", customer_id=customer.id, occurred_at=_at(2026, 6, 3),
                                channel="call", topic_code="complaint_staff", outcome="unresolved"))
        session.flush()
        after = build_features(CUTOFF, ChurnDefinition(), active_days=None)
        assert (after.X == before.X).all()  # every feature of every customer unchanged
        assert _row(before, "B")[1] == 1 and _row(after, "B")[1] == 0  # the label looks after the cutoff


def test_the_table_is_one_aggregate_statement(app_ctx):
    with app_ctx():
        sql = str(feature_query(CUTOFF, ChurnDefinition())).upper()
    assert sql.count("GROUP BY") >= 4 and "FROM ORDERS" in sql.replace("\n", " ")
