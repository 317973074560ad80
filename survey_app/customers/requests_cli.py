"""CLI for a person's requests and the 가명정보 export: ``survey-app customers disclose|erase|export-pseudonymised``.

Files holding personal data are written 0600 (``privacy.files``); every command states a purpose or a
reason, kept in the access log, and commits once at its end.
"""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import migrate
from ..audit import record
from ..database import db
from ..models import AccessAction, Customer, utcnow
from ..privacy.access_log import log_access_bulk
from ..privacy.files import reserve_private, write_private
from .erasure import ErasureError, erase_customer
from .identity import SUBJECT
from .pseudonymised import ExportScope, write_zip
from .requests import disclosure

PURPOSE_HELP = "Purpose, kept in the access log."


def _write(out: Path, data: bytes) -> None:
    """Write the file 0600, or stop with a plain message (nothing is logged or committed then)."""
    try:
        write_private(out, data)
    except OSError as exc:
        db.session.rollback()
        raise click.ClickException(f"{out}: 파일을 쓸 수 없습니다 ({exc.strerror or exc}). "
                                   f"폴더가 있는지, 쓰기 권한이 있는지 확인해 주십시오 (cannot write the file).") from None


def _customer(external_id: str) -> Customer:
    found = db.session.scalar(select(Customer).where(Customer.external_id == external_id))
    if found is None:
        raise click.ClickException(f"고객번호 '{external_id}'인 고객이 없습니다 (no such customer).")
    return found


@click.command("disclose")
@click.argument("external_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="JSON file to write (mode 0600).")
@click.option("--purpose", required=True, help=PURPOSE_HELP)
@with_appcontext
def disclose_command(external_id: str, out: Path, purpose: str) -> None:
    """Disclosure request: write everything held on one person to a JSON file (logged in the access log)."""
    migrate.check_current(db.engine)
    held = disclosure(_customer(external_id), purpose=purpose.strip())
    _write(out, json.dumps(held, ensure_ascii=False, indent=2, default=str).encode("utf-8"))
    db.session.commit()
    click.echo(f"{out}: 상담 {len(held['interactions'])}건, 주문 {len(held['orders'])}건, "
               f"연락처 {len(held['contacts'])}건 (written, mode 0600)")


@click.command("erase")
@click.argument("external_id")
@click.option("--reason", required=True, help="Reason, kept in the access log.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(external_id: str, reason: str, yes: bool) -> None:
    """Erasure request: erase one person across every table; aggregate statistics stay intact."""
    migrate.check_current(db.engine)
    customer = _customer(external_id)
    if not yes:
        click.confirm(f"고객 {external_id}의 개인정보를 모두 지웁니다. 되돌릴 수 없습니다. 계속할까요?", abort=True)
    try:
        report = erase_customer(customer, reason=reason)
    except ErasureError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    for line in report.lines():
        click.echo(line)


@click.command("export-pseudonymised")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Zip file to write (mode 0600).")
@click.option("--purpose", required=True, help=PURPOSE_HELP)
@click.option("--no-business", is_flag=True, help="Leave out business customers (people only).")
@with_appcontext
def export_pseudonymised_command(out: Path, purpose: str, no_business: bool) -> None:
    """Pseudonymised analysis export: customers, orders and interactions with pseudonymous ids, as a zip of CSVs."""
    migrate.check_current(db.engine)
    try:
        reserve_private(out)  # 0600 before a byte is written
        with out.open("wb") as target:  # an existing file keeps the 0600 reserve_private gave it
            covered = write_zip(target, ExportScope(include_business=not no_business), utcnow())
    except OSError as exc:
        db.session.rollback()
        raise click.ClickException(f"{out}: 파일을 쓸 수 없습니다 ({exc.strerror or exc}). "
                                   f"폴더가 있는지, 쓰기 권한이 있는지 확인해 주십시오 (cannot write the file).") from None
    log_access_bulk(AccessAction.EXPORT, SUBJECT, covered, purpose=purpose.strip(),
                    details={"pseudonymised": True, "format": "zip"})
    record("customers.export_pseudonymised", details={"customers": len(covered)})
    db.session.commit()
    click.echo(f"{out}: 고객 {len(covered)}명 (written, mode 0600)")


COMMANDS = (disclose_command, erase_command, export_pseudonymised_command)
