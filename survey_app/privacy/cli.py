"""CLI commands for personal data: key rotation, retention policies and the purge run."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from questionnaires.korean import quoted, with_particle

from .. import migrate
from ..audit import record
from ..database import db
from ..models import RetentionAction, Survey, SurveyPrivacy
from .crypto import new_key as make_key
from .retention import run_retention_job
from .rotation import add_instance_key, keys_are_configured, rotate_keys


@click.command("rotate-keys")
@click.option("--new-key", is_flag=True, help="Make a new key (instance-folder keys: add one; configured keys: print one).")
@with_appcontext
def rotate_keys_command(new_key: bool) -> None:
    """Re-encrypt personal data with the newest data key and recompute lookup hashes."""
    migrate.check_current(db.engine)
    if new_key and keys_are_configured():
        click.echo("새 키 (new key) — SURVEY_DATA_KEYS의 맨 앞에 넣고, 이전 키는 뒤에 남긴 채 다시 실행해 주십시오:")
        click.echo(make_key())
        return
    if new_key:
        add_instance_key()
    contacts, users, customers = rotate_keys()
    db.session.commit()
    click.echo(f"다시 암호화했습니다 (re-encrypted): 연락처 {contacts}건, 고객 {customers}건, 2단계 인증 비밀 {users}건.")


@click.command("retention-policy")
@click.argument("survey_code")
@click.option("--days", type=click.IntRange(0, 3650), required=True, help="Days contacts are kept after the wave closes.")
@click.option("--action", type=click.Choice([RetentionAction.PURGE, RetentionAction.ANONYMISE]),
              default=RetentionAction.PURGE, show_default=True)
@click.option("--identified/--anonymous", default=False, help="Responses stay linked to respondents by design.")
@with_appcontext
def retention_policy_command(survey_code: str, days: int, action: str, identified: bool) -> None:
    """Set how long SURVEY_CODE keeps contacts after a wave closes, and what happens then."""
    migrate.check_current(db.engine)
    survey_id = db.session.scalar(select(Survey.id).where(Survey.code == survey_code))
    if survey_id is None:
        raise click.ClickException(f"설문 {with_particle(quoted(survey_code), '이')} 없습니다 (no such survey).")
    policy = db.session.get(SurveyPrivacy, survey_id) or SurveyPrivacy(survey_id=survey_id)
    policy.retention_days, policy.retention_action, policy.identified = days, action, identified
    db.session.add(policy)
    record("survey.retention_policy", "survey", survey_id, details={"days": days, "action": action,
                                                                     "identified": identified})
    db.session.commit()
    click.echo(f"{survey_code}: 마감 후 {days}일, {action}, {'식별' if identified else '비식별'} (identified={identified})")


@click.command("purge-contacts")
@with_appcontext
def purge_contacts_command() -> None:
    """Purge or anonymise contacts whose retention period has ended (also a daily scheduled job)."""
    migrate.check_current(db.engine)
    for line in run_retention_job().lines():
        click.echo(line)


COMMANDS = (rotate_keys_command, retention_policy_command, purge_contacts_command)
