"""Contact list import: validate every row first (a report of every bad row and why), then import all
valid rows in one transaction or nothing. Personal fields go through ``survey_app.privacy.contacts``.

An importer limited to part of the organisation (``visible``: the units they manage contacts of) may only
add contacts to those units; a row without an office needs an organisation-wide importer. Duplicates are
looked for among the contacts the importer may see only: a phone number or e-mail held by another region
is not mentioned (that would tell who is a customer elsewhere) and the row becomes a contact of the
importer's own unit, as every unit keeps its own list."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Text, any_, bindparam, func, select

from questionnaires.korean import resolve_particles

from ..customers.links import link_contacts
from ..database import db
from ..models import AccessAction, Contact, OrgUnit, RetentionAction, utcnow
from ..privacy.access_log import log_access_bulk
from ..privacy.contacts import FIELDS, SUBJECT
from ..privacy.crypto import key_ring, normalise_email
from .bulk import insert_returning_ids
from .checks import MOBILE_DIGITS, is_email, mobile_digits
from .contact_files import SEGMENT_FIELDS, read_contact_rows

YES = {"y", "yes", "1", "true", "o", "예", "네", "동의", "수신동의", "v"}
CHUNK = 1000


@dataclass
class RowProblem:
    """One bad row: its number in the file and every reason it cannot be imported."""

    row: int
    reasons: list[str]


@dataclass
class ImportReport:
    """The outcome of validating (and, once confirmed, importing) a contact file."""

    total: int = 0
    valid: list[dict] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    imported: int = 0

    @property
    def ok(self) -> bool:
        """Whether every row is valid."""
        return not self.problems


def _mobile(text: str) -> str:
    digits = mobile_digits(text)
    if len(digits) in (9, 10) and digits.startswith("1"):  # a spreadsheet dropped the leading 0
        digits = "0" + digits
    return digits


def _row_reasons(values: dict[str, str], digits: str) -> list[str]:
    reasons = []
    mobile, email = values.get("mobile", ""), values.get("email", "")
    if not mobile and not email:
        reasons.append(_("휴대전화와 전자우편이 모두 없습니다"))
    if mobile and not MOBILE_DIGITS.match(digits):  # ``digits`` is already normalised: is_mobile(digits)
        reasons.append(_("휴대전화 번호 형식이 아닙니다: %(value)s (예: 010-1234-5678)", value=mobile))
    if email and not is_email(email):
        reasons.append(_("전자우편 주소 형식이 아닙니다: %(value)s", value=email))
    if values.get("consent", "").strip().lower() not in YES:
        reasons.append(_("수신 동의가 없습니다"))
    return reasons


def _office_reasons(office: str, units: dict[str, int], visible: Collection[int] | None) -> list[str]:
    """Why the row's office cannot take it: unknown, outside the importer's units, or missing when the
    importer is not organisation-wide."""
    if office and office not in units:
        return [_("없는 우체국 코드입니다: %(value)s", value=office)]
    if visible is None:
        return []
    if not office:
        return [_("우체국 코드가 없습니다. 우체국 없이 등록하려면 전체 조직 권한이 있어야 합니다")]
    if units[office] not in visible:
        return [_("관리 권한이 없는 우체국의 연락처는 등록할 수 없습니다: %(value)s", value=office)]
    return []


def _duplicates_in_file(number: int, keys: list[tuple[str, str]], seen: dict[tuple[str, str], int]) -> list[str]:
    reasons = []
    for key in keys:
        if key in seen:
            label = _("휴대전화") if key[0] == "phone" else _("전자우편")
            reasons.append(resolve_particles(_("파일 안에서 %(what)s이(가) %(row)s행과 겹칩니다", what=label, row=seen[key])))
        else:
            seen[key] = number
    return reasons


def _existing_hashes(column, hashes: list[str], visible: Collection[int] | None = None) -> set[str]:
    """Which of ``hashes`` are stored already in ``visible`` units (None: anywhere): one query on PostgreSQL
    (an array parameter), chunks elsewhere."""
    if not hashes:
        return set()
    query = select(column) if visible is None else select(column).where(Contact.org_unit_id.in_(list(visible)))
    if db.session.get_bind().dialect.name == "postgresql":
        # one text parameter (hex hashes, no commas): binding a 100k-element array costs far more
        listed = func.string_to_array(bindparam("h", ",".join(hashes), type_=Text), ",")
        return set(db.session.scalars(query.where(column == any_(listed))))
    found: set[str] = set()
    for start in range(0, len(hashes), CHUNK):
        found.update(db.session.scalars(query.where(column.in_(hashes[start:start + CHUNK]))))
    return found


def _clean(values: dict[str, str], units: dict[str, int], digits: str, ring) -> dict:
    """The row as it will be stored; the hashes are those ``ring.phone_hash``/``email_hash`` give."""
    email = normalise_email(values["email"]) if values.get("email") else ""
    segment = {f: values[f] for f in SEGMENT_FIELDS if values.get(f)}
    phone = f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}" if len(digits) >= 10 else digits  # format_mobile(digits)
    return {"name": values.get("name") or None, "phone": phone or None,
            "email": email or None, "attributes": segment, "org_unit_id": units.get(values.get("office_code", "")),
            "phone_hash": ring.lookup_hash_fast("phone", digits) if digits else None,
            "email_hash": ring.lookup_hash_fast("email", normalise_email(email)) if email else None}


def validate_rows(rows: Iterable[tuple[int, dict[str, str]]], visible: Collection[int] | None = None) -> ImportReport:
    """Check every row (format, consent, office code and scope, duplicates in the file and against the stored
    contacts of ``visible`` units, the importer's; None: an organisation-wide importer)."""
    units = dict(db.session.execute(select(OrgUnit.code, OrgUnit.id)).all())
    report, seen, candidates, ring = ImportReport(), {}, [], key_ring()
    for number, values in rows:
        report.total += 1
        digits = _mobile(values["mobile"]) if values.get("mobile") else ""
        reasons = _row_reasons(values, digits) + _office_reasons(values.get("office_code", ""), units, visible)
        cleaned = _clean(values, units, digits, ring) if not reasons else None
        if cleaned:
            keys = [(k, cleaned[f"{k}_hash"]) for k in ("phone", "email") if cleaned[f"{k}_hash"]]
            reasons = _duplicates_in_file(number, keys, seen)
        if reasons:
            report.problems.append(RowProblem(number, reasons))
        else:
            candidates.append((number, cleaned))
    _check_existing(candidates, report, visible)
    return report


def _check_existing(candidates: list[tuple[int, dict]], report: ImportReport, visible: Collection[int] | None) -> None:
    """Refuse rows already stored among the contacts the importer may see (others are not revealed)."""
    phones = _existing_hashes(Contact.phone_hash, [c["phone_hash"] for _row, c in candidates if c["phone_hash"]],
                              visible)
    emails = _existing_hashes(Contact.email_hash, [c["email_hash"] for _row, c in candidates if c["email_hash"]],
                              visible)
    for number, cleaned in candidates:
        if cleaned["phone_hash"] in phones or cleaned["email_hash"] in emails:
            report.problems.append(RowProblem(number, [_("이미 등록된 연락처입니다")]))
        else:
            report.valid.append(cleaned)
    report.problems.sort(key=lambda p: p.row)


def validate_file(data: bytes, filename: str, visible: Collection[int] | None = None) -> ImportReport:
    """Read and validate a CSV or XLSX contact file for an importer of ``visible`` units (None: all);
    raises ContactFileError when it cannot be read."""
    return validate_rows(read_contact_rows(data, filename), visible)


COLUMNS = ("name_enc", "phone_enc", "email_enc", "phone_hash", "email_hash", "attributes", "consent", "org_unit_id",
           "source", "purge_action", "created_at")


def _rows_for_insert(valid: list[dict], source: str) -> list[tuple]:
    """Insert rows in ``COLUMNS`` order, encrypted in one tight loop per field (hashes were made while validating)."""
    ring, now = key_ring(), utcnow()
    sealed = {f: ring.encrypt_many([c[f] for c in valid], f"contact.{f}") for f in FIELDS}
    return [(name, phone, email, c["phone_hash"], c["email_hash"], c["attributes"], True, c["org_unit_id"], source,
             RetentionAction.PURGE, now)
            for c, name, phone, email in zip(valid, sealed["name"], sealed["phone"], sealed["email"], strict=True)]


def import_contacts(report: ImportReport, *, source: str, skip_invalid: bool = False) -> ImportReport:
    """Insert every valid row of a validated file in one go; refuses a file with bad rows unless told to
    skip them. Flushes, never commits: the caller's one commit makes it all-or-nothing."""
    if report.problems and not skip_invalid:
        raise ValueError(_("잘못된 행이 %(n)s개 있습니다. 고치거나 빼고 등록하기를 선택해 주십시오.",
                           n=len(report.problems)))
    ids = insert_returning_ids(Contact.__table__, COLUMNS, _rows_for_insert(report.valid, source[:200]))
    link_contacts(ids)
    log_access_bulk(AccessAction.IMPORT, SUBJECT, ids, purpose="연락처 파일 등록 (contact list import)",
               details={"source": source[:200], "rows": report.total, "skipped": len(report.problems)})
    report.imported = len(ids)
    return report
