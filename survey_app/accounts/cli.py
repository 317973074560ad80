"""CLI commands for accounts: role grants and API keys."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from questionnaires.korean import quoted, with_particle

from .. import migrate
from ..database import db
from ..models import OrgUnit, Permission, Role, User
from .api_keys import create_api_key
from .operations import AccountError, grant_role, revoke_role, set_password, unlock
from .passwords import PasswordPolicyError, generate_password


def unit_id_for(code: str | None) -> int | None:
    """The id of the org unit with ``code`` (None for no code); a ClickException if unknown."""
    if not code:
        return None
    unit_id = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
    if unit_id is None:
        raise click.ClickException(f"조직 코드 {with_particle(quoted(code), '을')} 찾을 수 없습니다 (unknown org unit code).")
    return unit_id


@click.command("grant-role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option("--org-unit", "org_unit", help="Unit code (default: the whole organisation).")
@click.option("--revoke", is_flag=True, help="Revoke instead of grant.")
@with_appcontext
def grant_role_command(username: str, role: str, org_unit: str | None, revoke: bool) -> None:
    """Grant (or with --revoke take away) ROLE for a unit and its subtree."""
    migrate.check_current(db.engine)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"사용자 {with_particle(quoted(username), '이')} 없습니다 (no such user).")
    unit_id = unit_id_for(org_unit)
    try:
        if revoke:
            grant = next((g for g in user.grants if g.role == role and g.org_unit_id == unit_id), None)
            if grant is None:
                raise click.ClickException("그런 역할 부여가 없습니다 (no such grant).")
            revoke_role(user, grant)
        else:
            grant_role(user, role, unit_id)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{username}: {role} @ {org_unit or '전체 조직 (whole organisation)'} {'회수' if revoke else '부여'}")


@click.command("create-api-key")
@click.argument("name")
@click.option("--permission", "permissions", multiple=True, required=True,
              type=click.Choice([p.value for p in Permission]), help="What the key may do (repeatable).")
@click.option("--org-unit", "org_unit", help="Unit code (default: the whole organisation).")
@click.option("--expires-days", type=int, help="Valid for this many days.")
@with_appcontext
def create_api_key_command(name: str, permissions: tuple[str, ...], org_unit: str | None,
                           expires_days: int | None) -> None:
    """Create an API key for /api/v1 and print it once (only its hash is stored)."""
    migrate.check_current(db.engine)
    key, secret = create_api_key(name, list(permissions), org_unit_id=unit_id_for(org_unit), expires_days=expires_days)
    db.session.commit()
    click.echo(f"API 키 {with_particle(quoted(key.name), '을')} 만들었습니다 (key created). 권한: {', '.join(key.permissions)}")
    click.echo(f"키 (key, shown once): {secret}")


@click.command("reset-password")
@click.argument("username")
@click.option("--password", envvar="SURVEY_NEW_PASSWORD", help="New password; without it one is generated and shown once.")
@with_appcontext
def reset_password_command(username: str, password: str | None) -> None:
    """Set a new password for USERNAME (e.g. a forgotten admin password), lift a lockout and end its sessions."""
    migrate.check_current(db.engine)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"사용자 '{username}'가 없습니다 (no such user).")
    shown = password is None
    password = password or generate_password()
    try:
        set_password(user, password)
    except PasswordPolicyError as exc:
        raise click.ClickException(str(exc)) from None
    if user.locked_until is not None or user.failed_logins:
        unlock(user)
    db.session.commit()
    click.echo(f"{username}의 비밀번호를 바꿨습니다. 열려 있던 접속은 모두 끊겼습니다 (password reset; sessions ended).")
    if shown:
        click.echo(f"새 비밀번호 (new password, shown once): {password}")


COMMANDS = (grant_role_command, create_api_key_command, reset_password_command)
