"""The ``survey-app`` command line: demo, serve, db, create-user, surveys, waves (and each feature's commands)."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup, ScriptInfo, with_appcontext
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from questionnaires.korean import with_particle

from . import create_app, migrate
from .accounts.cli import COMMANDS as account_commands
from .accounts.cli import unit_id_for
from .accounts.operations import AccountError, create_user, grant_role
from .accounts.passwords import PasswordPolicyError, generate_password
from .cases.cli import cases_commands
from .config import ConfigError
from .customers.cli import customers_group
from .database import db
from .demo import seed_demo
from .distribution.cli import COMMANDS as distribution_commands
from .models import Survey, SurveyVersion
from .privacy.cli import COMMANDS as privacy_commands
from .questionnaire_cli import questionnaire_group
from .reports import wave_overview
from .results.cli import COMMANDS as results_commands
from .results.delivery_cli import COMMANDS as delivery_commands
from .results.export_cli import COMMANDS as export_commands
from .retention.cli import COMMANDS as retention_commands
from .voc.cli import COMMANDS as voc_commands
from .web.labels import SURVEY_STATE_NAMES, WAVE_STATE_NAMES

db_group = AppGroup("db", help="Database schema migrations.")


def _engine():
    return db.engine


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the schema up to REVISION (default: the newest)."""
    migrate.upgrade(_engine(), revision)
    click.echo(f"스키마가 {migrate.current_revision(_engine())} 버전입니다 (schema upgraded).")


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate the schema down to REVISION (default: one step; `base` empties the database)."""
    migrate.downgrade(_engine(), revision)
    click.echo(f"스키마가 {migrate.current_revision(_engine()) or 'base'} 버전입니다 (schema downgraded).")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Show the database's migration and the code's newest one."""
    current, head = migrate.current_revision(_engine()), migrate.head_revision()
    state = "최신 (up to date)" if current == head else "`survey-app db upgrade` 필요 (needs upgrade)"
    click.echo(f"current: {current or 'base'}  head: {head}  {state}")


@click.command("create-user")
@click.argument("username")
@click.option("--name", "display_name", help="Name shown on the staff pages.")
@click.option("--admin", is_flag=True, help="Make an organisation-wide administrator.")
@click.option("--role", type=click.Choice(["admin", "designer", "analyst", "executive", "evaluator"]),
              help="Role to grant (see `survey-app grant-role`).")
@click.option("--org-unit", "org_unit", help="Unit code: the user's home unit and the role's scope.")
@click.option("--password", envvar="SURVEY_NEW_PASSWORD", help="Password; without it one is generated and shown once.")
@with_appcontext
def create_user_command(username: str, display_name: str | None, admin: bool, password: str | None,
                        role: str | None = None, org_unit: str | None = None) -> None:
    """Create a staff user; prints a generated password once if none is given."""
    migrate.check_current(_engine())
    shown = password is None
    password = password or generate_password()
    unit_id = unit_id_for(org_unit)
    try:
        user = create_user(username, password, display_name=display_name, is_admin=admin, org_unit_id=unit_id)
        if role:
            grant_role(user, role, unit_id)
    except (AccountError, PasswordPolicyError) as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"사용자 {with_particle(user.username, '을')} 만들었습니다 (user created).")
    if shown:
        click.echo(f"비밀번호 (password, shown once): {password}")


@click.command("surveys")
@with_appcontext
def surveys_command() -> None:
    """List surveys with their codes, state and versions."""
    migrate.check_current(_engine())
    rows = db.session.execute(
        select(Survey.code, Survey.state, Survey.title, func.count(SurveyVersion.id))
        .outerjoin(SurveyVersion).group_by(Survey.id).order_by(Survey.code)
    ).all()
    if not rows:
        click.echo("설문이 없습니다 (no surveys).")
        return
    click.echo("설문 코드\t상태\t게시 버전\t제목")
    for code, state, title, versions in rows:
        click.echo(f"{code}\t{SURVEY_STATE_NAMES.get(state, state)}\tv{versions}\t{title}")


@click.command("waves")
@click.option("--survey", "survey_code", help="Only this survey's waves.")
@with_appcontext
def waves_command(survey_code: str | None) -> None:
    """List waves with their codes, state, and partial/complete response counts."""
    migrate.check_current(_engine())
    rows = wave_overview(survey_code)
    if not rows:
        click.echo("차수가 없습니다 (no waves).")
        return
    click.echo("차수 코드\t상태\t설문 코드\t완료 응답\t작성 중 응답\t차수 이름")
    for row in rows:
        click.echo(f"{row.code}\t{WAVE_STATE_NAMES.get(row.state, row.state)}\t{row.survey_code}\t{row.complete:,}\t"
                   f"{row.partial:,}\t{row.name}")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Seed the data only; do not start a server.")
@click.pass_obj
def demo_command(script_info: ScriptInfo, host: str, port: int, no_serve: bool) -> None:
    """Create and migrate the demo database, seed it once, and serve on 127.0.0.1."""
    app = script_info.load_app()
    with app.app_context():
        migrate.upgrade(_engine())
        report = seed_demo()
        db.session.commit()
        base_url = app.config["BASE_URL"].rstrip("/") if no_serve else f"http://{host}:{port}"  # seeded, served elsewhere
        for line in report.lines(base_url):
            click.echo(line)
    if not no_serve:  # outside the context: each request of the server gets its own
        from .server import redact_development_log  # gunicorn is loaded only to serve
        redact_development_log()
        app.run(host=host, port=port, debug=False, use_reloader=False)


@click.command("serve")
@click.option("--bind", help="Address:port (default: SURVEY_GUNICORN_BIND).")
@click.option("--workers", type=int, help="Number of worker processes (default: SURVEY_GUNICORN_WORKERS).")
@click.pass_obj
def serve_command(script_info: ScriptInfo, bind: str | None, workers: int | None) -> None:
    """Serve the app with gunicorn (production).

    The schema check runs in an application context that ends before gunicorn forks: a context
    still pushed in the workers would be reused by every request, sharing ``flask.g`` (the
    signed-in user, the CSRF token) between clients.
    """
    from .server import run_gunicorn  # gunicorn is loaded only to serve, not by every app and command

    app = script_info.load_app()
    with app.app_context():
        migrate.check_current(_engine())
    run_gunicorn(app, bind or app.config["GUNICORN_BIND"], workers or app.config["GUNICORN_WORKERS"])


def _questionnaire_commands() -> tuple:
    return (questionnaire_group,)


def _account_and_privacy_commands() -> tuple:
    return account_commands + privacy_commands


def _distribution_commands() -> tuple:
    return distribution_commands


def _results_commands() -> tuple:
    return results_commands + export_commands + delivery_commands + voc_commands


def _customer_commands() -> tuple:
    return (customers_group,)


COMMANDS = (db_group, create_user_command, surveys_command, waves_command, demo_command, serve_command,
            *_questionnaire_commands(), *_account_and_privacy_commands(), *_distribution_commands(),
            *_results_commands(), *_customer_commands(), *cases_commands, *retention_commands)


def init_app(app: Flask) -> None:
    """Register the commands on the app's CLI group (``runner.invoke`` finds them there)."""
    for command in COMMANDS:
        whole_summaries(command)
        app.cli.add_command(command)


def whole_summaries(command: click.Command) -> None:
    """List each command with its whole first paragraph, wrapped, rather than click's default of the
    first 45 characters and "..." (which cut most of them off mid-sentence)."""
    if command.help and not command.short_help:
        command.short_help = " ".join(command.help.strip().split("\n\n")[0].split())
    for sub in getattr(command, "commands", {}).values():
        whole_summaries(sub)


def _fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``survey-app`` console script: one line and a non-zero exit on bad setup."""
    try:
        app = create_app()
    except ConfigError as exc:
        _fail(f"설정 오류 (configuration error): {exc}", 2)
    app.cli.name = "survey-app"
    try:
        app.cli.main(args=argv, prog_name="survey-app", obj=ScriptInfo(create_app=lambda: app))
    except migrate.SchemaNotCurrent as exc:
        _fail(str(exc))
    except ConfigError as exc:  # e.g. a key file found missing when a command first needs the keys
        _fail(f"설정 오류 (configuration error): {exc}", 2)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        _fail(f"데이터베이스에 연결할 수 없습니다. SURVEY_DATABASE_URL과 서버 상태를 확인해 주십시오 "
              f"(cannot reach the database: {reason}).")
