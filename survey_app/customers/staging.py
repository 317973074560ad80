"""The SQL half of an import: a temporary staging table per import, the checks that need every row, and the
set-based writes from it (``INSERT … SELECT … ON CONFLICT (external_id) DO UPDATE … WHERE`` something
differs). The same statements run on PostgreSQL and SQLite; only the loading differs (COPY or executemany,
:func:`survey_app.distribution.bulk.copy_rows`). Flushes nothing, commits nothing.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from ..database import db
from ..distribution.bulk import copy_rows, is_postgres
from ..models import ConsentPurpose, Customer, CustomerConsent, CustomerKind, Interaction, Order, OrderStatus, utcnow

TARGETS = {"customers": Customer.__table__, "interactions": Interaction.__table__, "orders": Order.__table__}
STAGED = {
    "customers": ("external_id", "kind", "name_enc", "phone_enc", "email_enc", "address_enc", "phone_hash",
                  "email_hash", "birth_year", "gender", "region", "customer_type", "org_unit_id", "joined_on",
                  "consent_survey", "consent_marketing", "consent_analysis"),
    "interactions": ("external_id", "customer_external_id", "occurred_at", "channel", "org_unit_id", "agent",
                     "topic_code", "outcome", "note"),
    "orders": ("external_id", "customer_external_id", "ordered_at", "category", "product", "amount", "quantity",
               "status", "delivered_on", "returned_on"),
}
#: A field of the file → the columns it updates when its column is in the file.
UPDATES = {"name": ("name_enc",), "phone": ("phone_enc", "phone_hash"), "email": ("email_enc", "email_hash"),
           "address": ("address_enc",), "office_code": ("org_unit_id",), "customer_id": ("customer_id",)}
CONSENTS = tuple(f"consent_{p}" for p in ConsentPurpose.ALL)
TIME_COLUMN = {"interactions": "occurred_at", "orders": "ordered_at"}
WORK_MEM = "64MB"
DEFAULTS = {"kind": CustomerKind.PERSON, "quantity": 1, "status": OrderStatus.ORDERED}


def create(kind: str) -> Table:
    """A fresh temporary staging table for ``kind`` (dropped by :func:`drop`, and at commit on PostgreSQL)."""
    target = TARGETS[kind]
    columns = [Column("row_no", Integer, nullable=False)]
    for name in STAGED[kind]:
        source = target.c[name] if name in target.c else Column(name, String(64))
        columns.append(Column(name, source.type))
    table = Table(f"staged_{kind}", MetaData(), *columns, prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
    connection = db.session.connection()
    if is_postgres():  # the checks group and join every staged row: in memory rather than in temporary files
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
    table.drop(connection, checkfirst=True)
    table.create(connection)
    return table


def drop(table: Table) -> None:
    """Drop the staging table; a transaction already failed is left to the caller's rollback."""
    try:
        with db.session.begin_nested():
            table.drop(db.session.connection(), checkfirst=True)
    except DBAPIError:
        pass


def load(table: Table, chunk: list[tuple[int, dict]], sealer) -> None:
    """Add a chunk of valid rows ((row number, {field: value})) to the staging table."""
    if not chunk:
        return
    if sealer is not None:
        sealer.seal([values for _number, values in chunk])
    names = [c.name for c in table.columns]
    fields = ["customer_id" if n == "customer_external_id" else n for n in names[1:]]
    rows = [(number, *map(values.get, fields)) for number, values in chunk]
    copy_rows(table, names, rows)


def _add_all(report, rows, column: str, message) -> None:
    for row in rows:
        report.add(row[0], column, message(row))


def check(run, table: Table) -> None:
    """The checks that need every row: ids twice in the file, unknown customers, records out of scope."""
    t, report, headings = table, run.report, run.headings
    first = (select(t.c.external_id, func.min(t.c.row_no).label("first")).group_by(t.c.external_id)
             .having(func.count() > 1).subquery())
    twice = (select(t.c.row_no, first.c.first).join(first, first.c.external_id == t.c.external_id)
             .where(t.c.row_no != first.c.first).order_by(t.c.row_no))
    _add_all(report, db.session.execute(twice), headings["external_id"],
             lambda r: _("%(row)s행과 번호가 겹칩니다 (한 파일에 같은 번호는 한 번만 쓸 수 있습니다)", row=r[1]))
    if run.schema.kind != "customers":
        _check_customers(run, t)
    if run.visible is not None:
        _check_scope(run, t)


def _check_customers(run, t: Table) -> None:
    unknown = and_(t.c.customer_external_id.is_not(None),
                   ~exists().where(Customer.external_id == t.c.customer_external_id))
    if run.create_missing:
        run.report.missing_customers = db.session.scalar(select(func.count(t.c.customer_external_id.distinct()))
                                                         .where(unknown))
        return
    rows = db.session.execute(select(t.c.row_no, t.c.customer_external_id).where(unknown).order_by(t.c.row_no))
    _add_all(run.report, rows, run.headings["customer_id"],
             lambda r: _("등록되지 않은 고객번호입니다: %(value)s (고객을 먼저 등록하거나, 없는 고객을 임시 고객으로 "
                         "만들도록 선택해 주십시오)", value=r[1]))


def _out_of_scope(run):
    return or_(Customer.org_unit_id.is_(None), not_(Customer.org_unit_id.in_(list(run.visible) or [-1])))


def _check_scope(run, t: Table) -> None:
    """A regional importer may not change customers (or their records) of units outside their own."""
    outside = _out_of_scope(run)
    if run.schema.kind == "customers":
        query, column = select(t.c.row_no).where(exists().where(Customer.external_id == t.c.external_id, outside)), \
            "external_id"
    else:
        target = TARGETS[run.schema.kind]
        owner = exists().where(target.c.external_id == t.c.external_id, target.c.customer_id == Customer.id, outside)
        query = select(t.c.row_no).where(or_(exists().where(Customer.external_id == t.c.customer_external_id, outside),
                                             owner))
        column = "customer_id"
    _add_all(run.report, db.session.execute(query.order_by(t.c.row_no)), run.headings[column],
             lambda r: _("관리 권한이 없는 조직의 고객입니다"))


def _rows(statement) -> int:
    """Execute an INSERT … SELECT and return the rows it wrote (SQLAlchemy keeps no INSERT rowcount unless asked)."""
    return db.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def count_existing(table: Table, kind: str) -> int:
    """Staged rows whose external id is stored already."""
    target = TARGETS[kind]
    return db.session.scalar(select(func.count()).select_from(table)
                             .where(exists().where(target.c.external_id == table.c.external_id)))


def _insert(target: Table):
    return (postgresql if is_postgres() else sqlite).insert(target)


def _changed(target: Table, excluded, columns) -> list:
    return [target.c[c].is_distinct_from(excluded[c]) for c in columns]


def _consent_events(table: Table, method: str, note: str, *, existing: bool, all_new: bool = False) -> int:
    """Consent events, one statement for the three purposes: for stored customers whose consent changes
    (before the upsert), or for customers with no event yet for the purpose (after it: the new ones;
    ``all_new``: every staged customer is new, so none has one)."""
    now, parts = utcnow(), []
    for purpose in ConsentPurpose.ALL:
        staged, current = table.c[f"consent_{purpose}"], Customer.__table__.c[f"consent_{purpose}"]
        condition = (current.is_distinct_from(staged) if existing else true() if all_new else
                     ~exists().where(CustomerConsent.customer_id == Customer.id, CustomerConsent.purpose == purpose))
        parts.append(select(Customer.id, literal(purpose), staged, literal(now), literal(method), literal(note[:200]))
                     .join(table, table.c.external_id == Customer.external_id).where(staged.is_not(None), condition))
    statement = CustomerConsent.__table__.insert().from_select(
        ["customer_id", "purpose", "granted", "recorded_at", "method", "note"], union_all(*parts))
    return _rows(statement)


def consent_changes(table: Table, method: str, note: str) -> int:
    """Record consent events for the stored customers whose consent the file changes."""
    return _consent_events(table, method, note, existing=True)


def upsert_customers(table: Table, present: set[str], source: str, method: str, *,
                     all_new: bool = False) -> tuple[int, int]:
    """Insert new customers and update changed ones (only the columns the file has); returns the rows
    written and the consent events of new customers (recorded after the insert)."""
    target, t, now = Customer.__table__, table, utcnow()
    columns = [c for c in STAGED["customers"] if c not in CONSENTS]
    values = [func.coalesce(t.c.kind, CustomerKind.PERSON) if c == "kind" else t.c[c] for c in columns]
    names = [*columns, *CONSENTS, "is_stub", "source", "created_at", "updated_at"]
    rows = select(*values, *(t.c[c] for c in CONSENTS), false(), literal(source[:200]), literal(now), literal(now))
    statement = _insert(target).from_select(names, rows.where(true()))
    if all_new:
        return _rows(statement), _consent_events(table, method, source, existing=False, all_new=True)
    excluded = statement.excluded
    updated = [c for f in present if f not in CONSENTS for c in UPDATES.get(f, (f,))
               if c in target.c and c != "external_id"]
    consent_set = {c: func.coalesce(excluded[c], target.c[c]) for c in CONSENTS}
    consent_changed = [and_(excluded[c].is_not(None), target.c[c].is_distinct_from(excluded[c])) for c in CONSENTS]
    statement = statement.on_conflict_do_update(
        index_elements=["external_id"],
        set_={**{c: excluded[c] for c in updated}, **consent_set, "is_stub": False, "updated_at": now},
        where=or_(*_changed(target, excluded, updated), *consent_changed, target.c.is_stub.is_(True)))
    written = _rows(statement)
    return written, _consent_events(table, method, source, existing=False)


def create_stubs(table: Table, source: str) -> int:
    """Stub customers (``is_stub``) for the customer numbers of staged records that are not stored yet."""
    t, now = table, utcnow()
    missing = (select(t.c.customer_external_id, literal(CustomerKind.PERSON), true(), literal(source[:200]),
                      literal(now), literal(now))
               .where(t.c.customer_external_id.is_not(None),
                      ~exists().where(Customer.external_id == t.c.customer_external_id))
               .distinct())
    statement = Customer.__table__.insert().from_select(
        ["external_id", "kind", "is_stub", "source", "created_at", "updated_at"], missing)
    return _rows(statement)


def upsert_records(kind: str, table: Table, present: set[str], *, all_new: bool = False) -> int:
    """Insert new interactions or orders and update changed ones; the rows written. ``all_new``: no staged id
    is stored yet, so a plain INSERT does (a row stored meanwhile by another import fails the whole import)."""
    target, t = TARGETS[kind], table
    columns = [c for c in STAGED[kind] if c != "customer_external_id"]
    values = [func.coalesce(t.c[c], DEFAULTS[c]) if c in DEFAULTS else t.c[c] for c in columns]
    rows = select(*values, Customer.id)
    join = t.join(Customer.__table__, Customer.external_id == t.c.customer_external_id, isouter=kind == "interactions")
    statement = _insert(target).from_select([*columns, "customer_id"], rows.select_from(join).where(true()))
    if all_new:
        return _rows(statement)
    excluded = statement.excluded
    updated = [c for f in present for c in UPDATES.get(f, (f,)) if c in target.c and c != "external_id"]
    statement = statement.on_conflict_do_update(index_elements=["external_id"],
                                                set_={c: excluded[c] for c in updated},
                                                where=or_(*_changed(target, excluded, updated)) if updated else false())
    return _rows(statement)


def customer_ids(kind: str, table: Table) -> list[int]:
    """The customers the staged rows are about (for the access log)."""
    key = table.c.external_id if kind == "customers" else table.c.customer_external_id
    return list(db.session.scalars(select(Customer.id).join(table, key == Customer.external_id).distinct()))
