"""``survey-app reports deliver [--now]``: run the scheduled report e-mails by hand; ``reports list``."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .. import migrate
from ..database import db
from ..models import ReportSubscription
from .delivery import run_deliveries, send_test

reports_group = AppGroup("reports", help="Scheduled report e-mails.")


@reports_group.command("deliver")
@click.option("--now", "right_now", is_flag=True,
              help="Send every active subscription now, whatever its schedule.")
@with_appcontext
def deliver_command(right_now: bool) -> None:
    """Send the reports that are due (what the scheduler's hourly `report-delivery` job does)."""
    migrate.check_current(db.engine)
    if not right_now:
        lines = run_deliveries()
        db.session.commit()
        for line in lines:
            click.echo(line)
        click.echo(f"보낼 차례인 보고서 {len(lines)}건을 처리했습니다 ({len(lines)} due reports handled).")
        return
    failed = 0
    for subscription in db.session.scalars(select(ReportSubscription).where(ReportSubscription.active.is_(True))
                                           .order_by(ReportSubscription.id)).all():
        error = send_test(subscription)
        db.session.commit()
        failed += error is not None
        click.echo(f"구독 {subscription.id}: {'실패 (failed): ' + error if error else '보냄 (sent)'}")
    if failed:
        raise click.ClickException(f"{failed}건을 보내지 못했습니다 ({failed} failed).")


@reports_group.command("list")
@with_appcontext
def list_command() -> None:
    """List report subscriptions with their cadence, recipients and last delivery."""
    migrate.check_current(db.engine)
    rows = db.session.scalars(select(ReportSubscription).order_by(ReportSubscription.id)).all()
    if not rows:
        click.echo("정기 보고 설정이 없습니다 (no report subscriptions).")
    for sub in rows:
        state = "사용" if sub.active else "중지"
        click.echo(f"{sub.id}\t{sub.survey.code}\t{sub.cadence}\t{state}\t{','.join(sub.recipients)}\t"
                   f"{sub.last_status or '-'}\t{sub.last_error or ''}")


COMMANDS = (reports_group,)
