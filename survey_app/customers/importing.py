"""Import of customers, interactions (상담 이력) and orders (주문): streamed, validated, all or nothing.

One pass reads the file row by row, reads every cell (:mod:`.schemas`), seals identifiers
(:mod:`.identity`) and loads the rows into a temporary staging table, chunk by chunk, so memory stays flat
however long the file is. The checks that need every row — an external id twice in the file, an order of an
unknown customer, a customer of another region — are then SQL over the staging table. Only when no row is
bad does one ``INSERT … SELECT … ON CONFLICT (external_id) DO UPDATE`` per table write everything (COPY into
the staging table on PostgreSQL, batched inserts on SQLite). The update touches only rows whose values
differ, so re-importing the same file changes nothing and records no consent event.

Flushes, never commits: the caller's one commit (a request, the CLI) makes the import all or nothing.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import record
from ..database import db
from ..models import AccessAction, OrgUnit
from ..privacy.access_log import log_access_bulk
from . import staging
from .files import Source, TableFileError, table_rows
from .identity import SUBJECT, IdentitySealer
from .links import link_contacts
from .schemas import KIND_LABELS, Schema, schema_for
from .suppression import erased_key, erased_keys

#: Rows shown in a report; every bad row is counted, the first ones are kept to show.
MAX_PROBLEMS = 1000
CHUNK = 5000


class ImportRefused(ValueError):
    """An import the importer may not run at all (e.g. stub customers from a regional importer)."""


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row: its number in the file (or index in an API list), column and why."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What a validation (and, when the file is clean, the import) found and did."""

    kind: str
    source: str = ""
    total: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0
    bad_rows: set[int] = field(default_factory=set, repr=False)
    missing_customers: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stubs: int = 0
    consent_events: int = 0
    linked_contacts: int = 0
    skipped_erased: int = 0
    imported: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """Whether every row is valid."""
        return self.problem_count == 0

    @property
    def bad_row_count(self) -> int:
        """How many rows have at least one problem."""
        return len(self.bad_rows)

    def add(self, row: int, column: str, message: str) -> None:
        """Count a problem, and keep it to show while fewer than ``MAX_PROBLEMS`` are kept."""
        self.problem_count += 1
        self.bad_rows.add(row)
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(row, column, message))

    def lines(self) -> Iterator[str]:
        """The report as plain Korean lines (for the CLI)."""
        for p in sorted(self.problems, key=lambda p: (p.row, p.column)):
            yield _("%(row)s행 [%(column)s] %(message)s", row=p.row, column=p.column, message=p.message)
        if self.problem_count > len(self.problems):
            yield _("… 그 밖에 %(n)s건의 오류가 더 있습니다.", n=f"{self.problem_count - len(self.problems):,}")
        yield _("%(kind)s %(total)s행 중 오류 %(bad)s행", kind=KIND_LABELS[self.kind], total=f"{self.total:,}",
                bad=f"{self.bad_row_count:,}")
        if self.skipped_erased:
            yield _("삭제 요청으로 지운 고객의 행 %(n)s건은 다시 등록하지 않았습니다.", n=f"{self.skipped_erased:,}")
        if self.imported:
            yield _("새로 등록 %(created)s건, 바뀜 %(updated)s건, 그대로 %(same)s건, 임시 고객 %(stubs)s명, "
                    "동의 변경 %(consents)s건", created=f"{self.created:,}", updated=f"{self.updated:,}",
                    same=f"{self.unchanged:,}", stubs=f"{self.stubs:,}", consents=f"{self.consent_events:,}")


@dataclass
class _Run:
    """One import under way: what it reads, who runs it and what it found so far."""

    schema: Schema
    report: ImportReport
    present: set[str]
    visible: Collection[int] | None
    units: dict[str, int]
    create_missing: bool
    method: str
    headings: dict[str, str]

    readers: list[tuple[str, object, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.readers = [(f.name, f.parse, f.required) for f in self.schema.fields]  # (field, parser, required)


def _header(schema: Schema, header: list[object]) -> tuple[list, dict[str, str]]:
    fields = schema.header_fields(header)
    missing = [f.label for f in schema.required if f not in fields]
    if missing:
        raise TableFileError(_("꼭 있어야 할 열이 없습니다: %(columns)s. 첫 줄에 열 제목을 적어 주십시오.",
                               columns=", ".join(missing)))
    headings = {f.name: str(h).strip() for f, h in zip(fields, header, strict=True) if f is not None}
    return fields, headings


def file_records(source: Source, filename: str, schema: Schema) -> tuple[Iterator[tuple[int, dict]], dict[str, str]]:
    """The file's rows as (row number, {field: cell}) and the heading of each field found."""
    rows = table_rows(source, filename)
    header = next(rows, None)
    if header is None:
        raise TableFileError(_("빈 파일입니다."))
    fields, headings = _header(schema, header)
    used = [(i, f.name) for i, f in enumerate(fields) if f is not None]

    def records() -> Iterator[tuple[int, dict]]:
        for number, row in enumerate(rows, start=2):
            if any(row):  # a blank line, or a row of empty cells, is no record
                width = len(row)
                yield number, {name: row[i] for i, name in used if i < width}

    return records(), headings


def import_file(kind: str, source: Source, filename: str, *, visible: Collection[int] | None = None,
                create_missing: bool = False, dry_run: bool = False) -> ImportReport:
    """Validate a CSV/XLSX file of ``kind`` for an importer of ``visible`` units (None: all) and, when every row
    is valid and it is no dry run, import it. Raises :class:`TableFileError` for an unreadable file."""
    schema = schema_for(kind, current_app.config["TIMEZONE"])
    records, headings = file_records(source, filename, schema)
    return import_records(schema, records, set(headings), source=filename, headings=headings, visible=visible,
                          create_missing=create_missing, dry_run=dry_run)


def import_records(schema: Schema, records: Iterable[tuple[int, dict]], present: set[str], *, source: str,
                   headings: dict[str, str] | None = None, visible: Collection[int] | None = None,
                   create_missing: bool = False, dry_run: bool = False, method: str = "import") -> ImportReport:
    """Validate ``records`` ((row, {field: value})) and import them when all are valid (see the module)."""
    if create_missing and visible is not None:
        raise ImportRefused(_("없는 고객을 임시 고객으로 만드는 것은 전체 조직 권한이 있어야 합니다."))
    units = dict(db.session.execute(select(OrgUnit.code, OrgUnit.id)).all())
    run = _Run(schema, ImportReport(schema.kind, source=source[:200], dry_run=dry_run), present, visible, units,
               create_missing, method, {f.name: (headings or {}).get(f.name, f.label) for f in schema.fields})
    table = staging.create(schema.kind)
    try:
        _stage(run, table, records)
        staging.check(run, table)
        if run.report.ok and not dry_run:
            _write_once(run, table)
    finally:
        staging.drop(table)
    return run.report


def _row_values(run: _Run, number: int, values: dict) -> dict | None:
    """The row's fields as stored (None when a cell is bad; each problem is added to the report)."""
    out, bad = {}, False
    for name, parse, required in run.readers:
        if name not in values:
            if required:  # an API object without a required key
                run.report.add(number, run.headings[name], _("값이 없습니다"))
                bad = True
            continue
        try:
            value = out[name] = parse(values[name])
        except ValueError as exc:
            run.report.add(number, run.headings[name], str(exc))
            bad = True
            continue
        if value is None and required:
            run.report.add(number, run.headings[name], _("값이 없습니다"))
            bad = True
    return None if bad or not _office_ok(run, number, out) else out


def _office_ok(run: _Run, number: int, out: dict) -> bool:
    """Resolve the office code to its unit; an importer limited to some units may only use theirs."""
    if run.schema.kind == "orders":
        return True
    office, column = out.pop("office_code", None), run.headings["office_code"]
    if office and office not in run.units:
        run.report.add(number, column, _("없는 우체국 코드입니다: %(value)s", value=office))
        return False
    out["org_unit_id"] = run.units.get(office) if office else None
    if run.visible is None:
        return True
    if not office:
        run.report.add(number, column, _("우체국 코드가 없습니다. 우체국 없이 등록하려면 전체 조직 권한이 있어야 합니다"))
        return False
    if run.units[office] not in run.visible:
        run.report.add(number, column, _("관리 권한이 없는 우체국입니다: %(value)s", value=office))
        return False
    return True


def _erased_test(kind: str):
    """A test telling whether a row is about an erased person (its own id, or its customer's, is on the
    suppression list); None when nobody of the kind was ever erased."""
    own, customers = erased_keys(kind), erased_keys("customers") if kind != "customers" else frozenset()
    if not own and not customers:
        return None

    def erased(row: dict) -> bool:
        return (erased_key(kind, str(row.get("external_id") or "")) in own
                or (bool(customers) and erased_key("customers", str(row.get("customer_id") or "")) in customers))
    return erased


def _stage(run: _Run, table, records: Iterable[tuple[int, dict]]) -> None:
    """Read every record into the staging table, CHUNK rows at a time; bad rows go to the report only."""
    chunk: list[tuple[int, dict]] = []
    sealer = IdentitySealer() if run.schema.kind == "customers" else None
    erased = _erased_test(run.schema.kind)
    for number, values in records:
        run.report.total += 1
        cleaned = _row_values(run, number, values)
        if cleaned is not None and erased is not None and erased(cleaned):
            run.report.skipped_erased += 1
            continue
        if cleaned is not None:
            chunk.append((number, cleaned))
        if len(chunk) >= CHUNK:
            staging.load(table, chunk, sealer)
            chunk = []
    staging.load(table, chunk, sealer)


def _write_once(run: _Run, table) -> None:
    """:func:`_write` in a savepoint: another import that stored the same ids meanwhile undoes it all."""
    try:
        with db.session.begin_nested():
            _write(run, table)
    except IntegrityError:
        raise ImportRefused(_("다른 등록이 같은 번호를 방금 저장해 아무것도 등록하지 않았습니다. 다시 등록해 "
                              "주십시오.")) from None


def _write(run: _Run, table) -> None:
    """Write the staged rows (every one valid): stubs, consent events, the upsert, links, logs."""
    report = run.report
    if run.schema.kind == "customers":
        existing = staging.count_existing(table, "customers")
        report.consent_events = staging.consent_changes(table, run.method, report.source)
        changed, new_consents = staging.upsert_customers(table, run.present, report.source, run.method,
                                                         all_new=existing == 0)
        report.consent_events += new_consents
        report.linked_contacts = link_contacts()
    else:
        report.stubs = staging.create_stubs(table, report.source) if run.create_missing else 0
        existing = staging.count_existing(table, run.schema.kind)
        changed = staging.upsert_records(run.schema.kind, table, run.present, all_new=existing == 0)
    staged = report.total - report.bad_row_count - report.skipped_erased
    report.created = staged - existing
    report.updated = changed - report.created
    report.unchanged = staged - report.created - report.updated
    subjects = staging.customer_ids(run.schema.kind, table)
    log_access_bulk(AccessAction.IMPORT, SUBJECT, subjects, purpose=_("고객 자료 등록 (customer records import)"),
                    details={"kind": run.schema.kind, "source": report.source, "rows": report.total,
                             "created": report.created, "updated": report.updated})
    record("customer.import", "customer", None, details={
        "kind": run.schema.kind, "source": report.source, "rows": report.total, "created": report.created,
        "updated": report.updated, "stubs": report.stubs, "consent_events": report.consent_events})
    db.session.flush()
    report.imported = True

