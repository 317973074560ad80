"""The ``survey-app customers`` command group (고객 데이터베이스): ``import KIND FILE`` here; person requests and
the 가명정보 export in :mod:`.requests_cli`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from .. import migrate
from ..database import db
from ..retention.cli import features_command
from .files import TableFileError
from .importing import ImportRefused, import_file
from .requests_cli import COMMANDS as REQUEST_COMMANDS
from .schemas import KINDS

customers_group = AppGroup("customers", help="Customer records.")
for _command in (*REQUEST_COMMANDS, features_command):
    customers_group.add_command(_command)


@customers_group.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--create-missing", is_flag=True,
              help="Create stub customers for unknown customer ids.")
@click.option("--dry-run", is_flag=True, help="Validate only; import nothing.")
@with_appcontext
def import_command(kind: str, path: Path, create_missing: bool, dry_run: bool) -> None:
    """Import a CSV/XLSX file of customers, interactions or orders: every row or none."""
    migrate.check_current(db.engine)
    try:
        report = import_file(kind, path, path.name, create_missing=create_missing, dry_run=dry_run)
    except (TableFileError, ImportRefused) as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        db.session.rollback()
        raise click.ClickException("오류가 있어 아무것도 등록하지 않았습니다. 고친 뒤 다시 실행해 주십시오 "
                                   "(nothing imported: fix the rows and run again).")
    if dry_run:
        db.session.rollback()
        click.echo("검사만 했습니다. 등록하려면 --dry-run 없이 실행해 주십시오 (dry run: nothing imported).")
        return
    db.session.commit()

