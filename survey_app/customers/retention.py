"""Retention of customer records, per kind (run by the daily retention job, ``privacy.retention``):

* ``CUSTOMER_RETENTION_DAYS`` — a customer with no order, interaction or record change for that long is
  anonymised as by an erasure request (identifiers gone, records kept anonymous for statistics);
* ``INTERACTION_RETENTION_DAYS`` — interactions older than that are deleted;
* ``ORDER_RETENTION_DAYS`` — orders older than that are deleted.

0 turns a rule off. Flushes, never commits; each purge is written to the access log.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, exists, func, select

from ..database import db
from ..models import AccessAction, Customer, Interaction, Order
from ..privacy.access_log import log_access_bulk
from ..privacy.contacts import SUBJECT as CONTACT_SUBJECT
from .erasure import erase_customer
from .identity import SUBJECT

REASON = "보유 기간 경과 (retention period ended)"
BATCH = 500


@dataclass
class CustomerRetentionReport:
    """What one customer retention run did."""

    anonymised: list[int] = field(default_factory=list)
    interactions_deleted: int = 0
    orders_deleted: int = 0

    def lines(self) -> list[str]:
        """A short summary for the CLI."""
        return [f"고객 익명 처리 {len(self.anonymised)}건 (customers anonymised)",
                f"상담 이력 파기 {self.interactions_deleted}건 (interactions deleted)",
                f"주문 기록 파기 {self.orders_deleted}건 (orders deleted)"]


def _cutoff(setting: str, now: datetime) -> datetime | None:
    days = int(current_app.config.get(setting) or 0)
    return now - timedelta(days=days) if days > 0 else None


def inactive_customers(cutoff: datetime) -> list[Customer]:
    """Live customers whose record, orders and interactions are all older than ``cutoff``."""
    recent_order = exists().where(Order.customer_id == Customer.id, Order.ordered_at >= cutoff)
    recent_call = exists().where(Interaction.customer_id == Customer.id, Interaction.occurred_at >= cutoff)
    last_seen = func.coalesce(Customer.updated_at, Customer.created_at)  # orders and calls: the EXISTS above
    return list(db.session.scalars(select(Customer).where(Customer.anonymised_at.is_(None), last_seen < cutoff,
                                                          ~recent_order, ~recent_call).order_by(Customer.id)))


def _delete_older(model, column, cutoff: datetime | None) -> int:
    if cutoff is None:
        return 0
    return db.session.execute(delete(model).where(column < cutoff)
                              .execution_options(synchronize_session=False)).rowcount or 0


def run_customer_retention(now: datetime) -> CustomerRetentionReport:
    """Anonymise inactive customers and delete interactions and orders past their retention period."""
    report = CustomerRetentionReport()
    report.interactions_deleted = _delete_older(Interaction, Interaction.occurred_at,
                                                _cutoff("INTERACTION_RETENTION_DAYS", now))
    report.orders_deleted = _delete_older(Order, Order.ordered_at, _cutoff("ORDER_RETENTION_DAYS", now))
    cutoff = _cutoff("CUSTOMER_RETENTION_DAYS", now)
    contacts: list[int] = []
    for customer in inactive_customers(cutoff) if cutoff else ():
        contacts += erase_customer(customer, reason=REASON, now=now, log=False).contact_ids
        report.anonymised.append(customer.id)
    if report.anonymised:
        log_access_bulk(AccessAction.ANONYMISE, SUBJECT, report.anonymised, purpose=REASON)
    if contacts:
        log_access_bulk(AccessAction.PURGE, CONTACT_SUBJECT, contacts, purpose=REASON)
    if report.interactions_deleted or report.orders_deleted:
        log_access_bulk(AccessAction.PURGE, "interaction_order", [], purpose=REASON,
                        details={"interactions": report.interactions_deleted, "orders": report.orders_deleted})
    db.session.flush()
    return report
