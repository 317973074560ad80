"""CLI: ``scheduler``, ``sender``, ``contacts import``, ``wave plan|status|tick``."""
from __future__ import annotations

import signal
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from questionnaires.korean import quoted, with_particle

from .. import migrate
from ..database import db, retry_when_locked, write_lock_up_front
from ..models import DistributionPlan, Wave
from .contact_files import ContactFileError
from .contacts_import import import_contacts, validate_file
from .fielding import run_tick
from .funnel import STAGES, outbox_counts, wave_funnel
from .plans import PlanError, PlanInput, save_plan
from .plans import schedule as schedule_plan
from .scheduler import SchedulerProcess
from .sender import Sender
from .sending_status import sending_status


@click.command("scheduler")
@click.option("--max-seconds", type=float, help="Stop after this many seconds.")
@click.option("--tick", type=int, help="Seconds between checks (default: SURVEY_SCHEDULER_TICK_SECONDS).")
@with_appcontext
def scheduler_command(max_seconds: float | None, tick: int | None) -> None:
    """Run the scheduler (one active process; others wait as standbys)."""
    migrate.check_current(db.engine)
    SchedulerProcess(current_app._get_current_object(), tick).run(max_seconds)


@click.command("sender")
@click.option("--channel", "channels", multiple=True, type=click.Choice(["email", "sms"]),
              help="Channel to send (default: both).")
@click.option("--max-seconds", type=float, help="Stop after this many seconds.")
@click.option("--until-empty", is_flag=True, help="Stop when nothing is due.")
@with_appcontext
def sender_command(channels: tuple[str, ...], max_seconds: float | None, until_empty: bool) -> None:
    """Send queued messages; run several for more throughput."""

    migrate.check_current(db.engine)
    sender = Sender(current_app._get_current_object(), list(channels or ("email", "sms")))
    signal.signal(signal.SIGTERM, lambda *_: setattr(sender, "stopping", True))
    click.echo(f"sender {sender.worker}: 시작 (started)")
    sys.stdout.flush()
    click.echo(sender.run(max_seconds=max_seconds, until_empty=until_empty, poll=0.5).line())


contacts_group = AppGroup("contacts", help="Contacts for survey invitations.")


@contacts_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Import right after validating.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows only.")
@with_appcontext
def contacts_import_command(path: Path, yes: bool, skip_invalid: bool) -> None:
    """Validate a CSV/XLSX contact list and, with --yes, import it (all rows or none)."""
    migrate.check_current(db.engine)
    try:
        report = validate_file(path.read_bytes(), path.name)
    except ContactFileError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in report.problems:
        click.echo(f"{problem.row}행: {'; '.join(problem.reasons)}")
    click.echo(f"전체 {report.total}행, 등록 가능 {len(report.valid)}행, 오류 {len(report.problems)}행 "
               f"(rows, valid, bad)")
    if not yes:
        return
    if report.problems and not skip_invalid:
        raise click.ClickException("오류가 있어 등록하지 않았습니다. 고치거나 --skip-invalid로 빼고 등록해 주십시오 "
                                   "(nothing imported: fix the rows or use --skip-invalid).")
    with write_lock_up_front():
        import_contacts(report, source=path.name, skip_invalid=skip_invalid)
        db.session.commit()
    click.echo(f"{report.imported}명을 등록했습니다 (contacts imported).")


wave_group = AppGroup("wave", help="Wave distribution: plans, status, scheduling.")


def _wave(code: str) -> Wave:
    wave = db.session.scalar(select(Wave).where(Wave.code == code))
    if wave is None:
        raise click.ClickException(f"차수 {with_particle(quoted(code), '이')} 없습니다 (no such wave).")
    return wave


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))


@wave_group.command("plan")
@click.argument("code")
@click.option("--start", required=True, help="Start (ISO; KST unless a zone is given).")
@click.option("--close", help="Close (ISO).")
@click.option("--channels", default="sms,email", show_default=True)
@click.option("--reminders", type=int, default=0, show_default=True)
@click.option("--every", "reminder_days", type=int, default=3, show_default=True)
@click.option("--no-resurvey", "no_resurvey_days", type=int, default=0, show_default=True)
@click.option("--filter", "filters", multiple=True, help="key=v1,v2 (e.g. region=R-SEOUL).")
@click.option("--schedule/--draft", default=True, show_default=True)
@with_appcontext
def wave_plan_command(code: str, start: str, close: str | None, channels: str, reminders: int, reminder_days: int,
                      no_resurvey_days: int, filters: tuple[str, ...], schedule: bool) -> None:
    """Save (and schedule) a wave's distribution plan with the default message templates."""
    migrate.check_current(db.engine)
    audience = {"filters": {k: v.split(",") for k, _, v in (f.partition("=") for f in filters)}}
    data = PlanInput(_when(start), _when(close), [c.strip() for c in channels.split(",") if c.strip()], audience,
                     reminder_days, reminders, no_resurvey_days=no_resurvey_days)
    try:
        with write_lock_up_front():
            plan = save_plan(_wave(code), data)
            if schedule:
                schedule_plan(plan)
            db.session.commit()
    except PlanError as exc:
        raise click.ClickException("\n".join(exc.problems)) from None
    click.echo(f"{code}: {plan.status}")


@wave_group.command("status")
@click.argument("code")
@click.option("--by", "segment", help="Segment attribute, e.g. region.")
@with_appcontext
def wave_status_command(code: str, segment: str | None) -> None:
    """Print the wave's funnel by channel (and segment)."""
    migrate.check_current(db.engine)
    wave = _wave(code)
    plan = db.session.get(DistributionPlan, wave.id)
    click.echo(f"{wave.code}\t{wave.state}\tplan={plan.status if plan else '-'}\toutbox={outbox_counts(wave.id)}")
    status = sending_status(wave.id)
    seen = status.senders.last_seen.isoformat(timespec="seconds") if status.senders.last_seen else "-"
    click.echo(f"senders alive={status.senders.alive} last_seen={seen} due_now={status.due_now} "
               f"sending={status.sending}" + ("\t발송기가 없습니다: survey-app sender를 실행해 주십시오 (no sender running)"
                                             if status.stalled else ""))
    funnel = wave_funnel(wave.id, segment)
    click.echo("\t".join(["channel", "segment", *STAGES]))
    for row in [*funnel.rows, funnel.total]:
        click.echo("\t".join([row.channel, row.segment, *(str(row.counts[s]) for s in STAGES)]))


@wave_group.command("tick")
@click.option("--now", "as_of", help="Run as of this time (ISO; KST unless a zone is given). For trials only: "
                                     "needs SURVEY_ALLOW_TICK_AS_OF=1.")
@with_appcontext
def wave_tick_command(as_of: str | None) -> None:
    """Run one scheduling pass now (what the scheduler does every tick), or as of another time for a trial."""
    migrate.check_current(db.engine)
    now = None
    if as_of:
        if not current_app.config["ALLOW_TICK_AS_OF"]:
            raise click.ClickException("--now는 시험 환경에서만 쓸 수 있습니다. SURVEY_ALLOW_TICK_AS_OF=1로 켜 주십시오 "
                                       "(--now is for trials only; set SURVEY_ALLOW_TICK_AS_OF=1).")
        try:
            now = _when(as_of)
        except ValueError:
            raise click.ClickException(f"--now {as_of!r}: 시각 형식이 잘못되었습니다. 예: 2026-12-10T09:00 "
                                       f"(not an ISO time).") from None
        click.echo(f"{now.isoformat()} 기준으로 실행합니다 (as of); 보낼 메시지는 지금 바로 보낼 수 있게 둡니다.")
    with write_lock_up_front():
        lines = retry_when_locked(lambda: run_tick(now))
    for line in lines:
        click.echo(line)


COMMANDS = (scheduler_command, sender_command, contacts_group, wave_group)
