"""``survey-app report WAVE [--json]``: a wave's full scoring result on the command line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from questionnaires import QuestionnaireError
from questionnaires.korean import with_particle

from .. import migrate
from ..database import db
from ..models import Wave
from .stored import fresh_result, refresh_stale
from .text import format_report


def wave_by_code(wave_code: str) -> Wave:
    """The wave with this code, after checking the schema is current; a ClickException if there is none."""
    migrate.check_current(db.engine)
    wave = db.session.scalar(select(Wave).where(Wave.code == wave_code))
    if wave is None:
        raise click.ClickException(f"차수 {with_particle(wave_code, '을')} 찾을 수 없습니다. `survey-app waves`로 코드를 확인해 주십시오 "
                                   f"(no wave with this code).")
    return wave


@click.command("report")
@click.argument("wave_code")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option("--confidence", default=0.95, show_default=True, type=click.FloatRange(0.5, 0.999),
              help="Confidence level of the intervals.")
@with_appcontext
def report_command(wave_code: str, as_json: bool, confidence: float) -> None:
    """Score wave WAVE_CODE and print its result (see `survey-app waves` for the codes)."""
    wave = wave_by_code(wave_code)
    try:
        result = fresh_result(wave, confidence=confidence)
    except QuestionnaireError as exc:
        raise click.ClickException(f"이 차수의 설문지를 읽을 수 없습니다 (the wave's questionnaire is invalid): {exc}") from None
    except ValueError as exc:
        raise click.ClickException(f"이 차수의 결과를 계산할 수 없습니다 (the results cannot be computed): {exc}") from None
    click.echo(result.to_json(indent=2) if as_json else format_report(result), nl=not as_json)
    if as_json:
        click.echo()


@click.command("results-refresh")
@with_appcontext
def results_refresh_command() -> None:
    """Recompute the stored results whose answers changed now (the scheduler does this every minute)."""
    migrate.check_current(db.engine)
    lines = refresh_stale()
    for line in lines:
        click.echo(line)
    click.echo(f"다시 계산한 결과 {len(lines)}개 (stored results recomputed).")


COMMANDS = (report_command, results_refresh_command)
