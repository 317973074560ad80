"""A real purchase history: the CDNOW transactions imported as orders (unknown customers made stubs), with
counts and sums checked against a direct parse of the file, and a second import changing nothing."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.cdnow_support import cdnow_master, cdnow_rows, won, write_orders_csv  # noqa: F401  (fixture)


def test_cdnow_transactions_import_as_orders(app_ctx, cdnow_master, tmp_path):  # noqa: F811
    from survey_app.customers.importing import import_file
    from survey_app.models import Customer, Order

    rows = list(cdnow_rows(cdnow_master))
    expected = {"orders": len(rows), "customers": len({r[0] for r in rows}), "won": sum(won(r[3]) for r in rows),
                "cds": sum(r[2] for r in rows), "first": min(r[1] for r in rows), "last": max(r[1] for r in rows)}
    assert (expected["orders"], expected["customers"]) == (69_659, 23_570)
    orders = tmp_path / "cdnow_orders.csv"
    write_orders_csv(cdnow_master, orders)
    with app_ctx() as session:
        report = import_file("orders", orders, orders.name, create_missing=True)
        assert report.ok and (report.created, report.stubs) == (expected["orders"], expected["customers"])
        totals = session.execute(select(func.count(), func.sum(Order.amount), func.sum(Order.quantity),
                                        func.min(Order.ordered_at), func.max(Order.ordered_at))).one()
        assert totals[:3] == (expected["orders"], expected["won"], expected["cds"])
        assert (expected["first"], expected["last"]) == ("19970101", "19980630")
        # midnight in Korea is 15:00 UTC the day before
        assert (totals[3], totals[4]) == (datetime(1996, 12, 31, 15, tzinfo=UTC), datetime(1998, 6, 29, 15, tzinfo=UTC))
        stubs = session.scalar(select(func.count()).select_from(Customer).where(Customer.is_stub.is_(True)))
        assert stubs == expected["customers"]
        busiest = session.execute(select(Customer.external_id, func.count()).join(Order)
                                  .group_by(Customer.external_id).order_by(func.count().desc()).limit(1)).one()
        purchases = Counter(r[0] for r in rows)
        assert busiest[1] == max(purchases.values()) == purchases[busiest[0].removeprefix("CDNOW-")]
    with app_ctx():
        again = import_file("orders", orders, orders.name, create_missing=True)
        assert (again.created, again.updated, again.stubs, again.unchanged) == (0, 0, 0, expected["orders"])
