"""가명정보 analysis export: customers, orders and interactions with pseudonymous ids and no identifier.

Ids are keyed hashes under a key derived for this export only (``HMAC(lookup key, "pseudonymised-export")``),
so they cannot be matched against the look-up hashes of phone numbers, and the same customer keeps the same
pseudonym across exports (analysts can join files over time). Birth years become 10-year age bands, the
joined date a month; no name, phone, e-mail, address, external id, order number, agent or free text is
written. Customers who withdrew analysis consent are left out with their orders and interactions.
"""
from __future__ import annotations

import csv
import hmac
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import Select, select

from ..database import db
from ..models import Customer, Interaction, Order
from ..privacy.crypto import key_ring
from ..web.downloads import safe_cell

DERIVATION = b"pseudonymised-export-v1"
BATCH = 5000
CUSTOMER_HEADER = ["customer_pid", "kind", "customer_type", "age_band", "gender", "region", "consent_survey",
                   "consent_marketing", "consent_analysis", "joined_month", "anonymised"]
ORDER_HEADER = ["order_pid", "customer_pid", "ordered_on", "category", "amount", "quantity", "status"]
INTERACTION_HEADER = ["interaction_pid", "customer_pid", "occurred_on", "channel", "topic_code", "outcome"]


class Pseudonymiser:
    """Keyed-hash pseudonyms under a key of their own (never the look-up key itself)."""

    def __init__(self) -> None:
        self._key = hmac.digest(key_ring().lookup_key, DERIVATION, "sha256")

    def __call__(self, kind: str, row_id: int) -> str:
        """The pseudonym of one row (20 hex digits)."""
        return hmac.digest(self._key, f"{kind}:{row_id}".encode(), "sha256").hex()[:20]


def age_band(birth_year: int | None, today: datetime) -> str:
    """``30-39`` style bands from the birth year (blank when unknown)."""
    if not birth_year:
        return ""
    low = (today.year - birth_year) // 10 * 10
    return f"{low}-{low + 9}" if low < 80 else "80+"


def _flag(value: bool | None) -> str:
    return "" if value is None else "Y" if value else "N"


@dataclass(frozen=True)
class ExportScope:
    """Which customers go in: org units (None: all), business customers or not, a period of activity."""

    units: set[int] | None = None
    include_business: bool = True
    since: datetime | None = None


def customer_query(scope: ExportScope) -> Select:
    """The ids of customers in the export: in scope, and not withdrawn from analysis."""
    query = select(Customer.id).where(Customer.consent_analysis.is_not(False))
    if scope.units is not None:
        query = query.where(Customer.org_unit_id.in_(scope.units))
    if not scope.include_business:
        query = query.where(Customer.kind == "person")
    return query


def _batches(query: Select) -> Iterator:
    yield from db.session.execute(query.execution_options(yield_per=BATCH))


def customer_rows(scope: ExportScope, pid: Pseudonymiser, today: datetime) -> Iterable[list]:
    """One row per customer in the export."""
    ids = customer_query(scope)
    query = (select(Customer.id, Customer.kind, Customer.customer_type, Customer.birth_year, Customer.gender,
                    Customer.region, Customer.consent_survey, Customer.consent_marketing, Customer.consent_analysis,
                    Customer.joined_on, Customer.anonymised_at).where(Customer.id.in_(ids)).order_by(Customer.id))
    for r in _batches(query):
        yield [pid("customer", r.id), r.kind, r.customer_type or "", age_band(r.birth_year, today), r.gender or "",
               r.region or "", _flag(r.consent_survey), _flag(r.consent_marketing), _flag(r.consent_analysis),
               r.joined_on.strftime("%Y-%m") if r.joined_on else "", "Y" if r.anonymised_at else "N"]


def order_rows(scope: ExportScope, pid: Pseudonymiser) -> Iterable[list]:
    """One row per order of a customer in the export (no order number, no product name)."""
    query = (select(Order.id, Order.customer_id, Order.ordered_at, Order.category, Order.amount, Order.quantity,
                    Order.status).where(Order.customer_id.in_(customer_query(scope))).order_by(Order.id))
    if scope.since:
        query = query.where(Order.ordered_at >= scope.since)
    for r in _batches(query):
        yield [pid("order", r.id), pid("customer", r.customer_id), r.ordered_at.strftime("%Y-%m-%d"),
               r.category or "", r.amount, r.quantity, r.status]


def interaction_rows(scope: ExportScope, pid: Pseudonymiser) -> Iterable[list]:
    """One row per interaction of a customer in the export (no agent, no note)."""
    query = (select(Interaction.id, Interaction.customer_id, Interaction.occurred_at, Interaction.channel,
                    Interaction.topic_code, Interaction.outcome)
             .where(Interaction.customer_id.in_(customer_query(scope))).order_by(Interaction.id))
    if scope.since:
        query = query.where(Interaction.occurred_at >= scope.since)
    for r in _batches(query):
        yield [pid("interaction", r.id), pid("customer", r.customer_id), r.occurred_at.strftime("%Y-%m-%d"),
               r.channel, r.topic_code or "", r.outcome or ""]


def _write_csv(archive: zipfile.ZipFile, name: str, header: list[str], rows: Iterable[list]) -> None:
    """One CSV member (UTF-8 with BOM, Excel-safe cells), streamed row by row into the zip."""
    with archive.open(name, "w", force_zip64=True) as member, \
            io.TextIOWrapper(member, encoding="utf-8-sig", newline="") as text:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])


def write_zip(target: BinaryIO, scope: ExportScope, today: datetime) -> list[int]:
    """Write the three CSV files as one zip to ``target`` (streamed: memory stays flat); returns the ids of
    the customers it covers (for the access log)."""
    pid = Pseudonymiser()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_csv(archive, "customers.csv", CUSTOMER_HEADER, customer_rows(scope, pid, today))
        _write_csv(archive, "orders.csv", ORDER_HEADER, order_rows(scope, pid))
        _write_csv(archive, "interactions.csv", INTERACTION_HEADER, interaction_rows(scope, pid))
    return list(db.session.scalars(customer_query(scope)))
