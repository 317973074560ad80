"""``survey-app questionnaire``: validate, convert, import and export questionnaire files."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from questionnaires import Questionnaire, QuestionnaireError, dump_xlsx, dump_yaml, load_file
from questionnaires.korean import quoted, with_particle

from .audit import record
from .database import db
from .migrate import check_current
from .models import Survey

questionnaire_group = AppGroup("questionnaire", help="Questionnaire files (YAML, Excel).")

FORMATS = ("yaml", "xlsx")


def _load(path: str) -> Questionnaire:
    """Read a YAML or Excel questionnaire, turning every problem into a located, bilingual message."""
    try:
        return load_file(path)
    except QuestionnaireError as error:
        lines = [f"  {problem}" for problem in error.problems]
        raise click.ClickException(
            f"{path}: 문제 {len(error.problems)}건을 고쳐 주십시오 ({len(error.problems)} problem(s)):\n" + "\n".join(lines)
        ) from None
    except OSError as error:
        raise click.ClickException(f"{path}: 파일을 열 수 없습니다 (cannot open the file): {error.strerror}") from None


def _write(questionnaire: Questionnaire, fmt: str, out: Path) -> None:
    if fmt == "yaml":
        out.write_text(dump_yaml(questionnaire), encoding="utf-8")
    else:
        dump_xlsx(questionnaire, out)


@questionnaire_group.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
def validate_command(path: str) -> None:
    """Check a questionnaire file and list every problem with its location."""
    questionnaire = _load(path)
    click.echo(f"{path}: 문제가 없습니다 (valid) — {questionnaire.code}, "
               f"{len(questionnaire.sections)}쪽, {len(questionnaire.answer_codes())}개 응답 항목")


@questionnaire_group.command("convert")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--to", "fmt", type=click.Choice(FORMATS), required=True, help="Target format.")
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: same name, new extension).")
def convert_command(path: str, fmt: str, out: str | None) -> None:
    """Convert a questionnaire between YAML and Excel without losing anything."""
    questionnaire = _load(path)
    target = Path(out) if out else Path(path).with_suffix(".yaml" if fmt == "yaml" else ".xlsx")
    if target.resolve() == Path(path).resolve():
        raise click.ClickException("원본 파일을 덮어쓸 수 없습니다. --out으로 다른 이름을 주십시오 (refusing to overwrite the source).")
    _write(questionnaire, fmt, target)
    click.echo(f"{target}에 저장했습니다 (written).")


def _survey_code(questionnaire: Questionnaire, wanted: str | None) -> str:
    code = wanted or questionnaire.code
    if db.session.scalar(select(Survey.id).where(Survey.code == code)) is not None:
        raise click.ClickException(f"설문 코드 {with_particle(quoted(code), '은')} 이미 있습니다. --code로 다른 코드를 주십시오 (survey code exists).")
    return code


@questionnaire_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--code", help="Code of the new survey (default: the questionnaire's code).")
@with_appcontext
def import_command(path: str, code: str | None) -> None:
    """Create a draft survey from a questionnaire file (nothing is created if the file has problems)."""
    check_current(db.engine)
    questionnaire = _load(path)
    survey = Survey(code=_survey_code(questionnaire, code), title=questionnaire.title.ko,
                    title_en=questionnaire.title.en or None, kind=questionnaire.kind,
                    draft_definition=questionnaire.to_dict())
    db.session.add(survey)
    db.session.flush()
    record("survey.import", "survey", survey.id, details={"file": Path(path).name})
    db.session.commit()
    click.echo(f"초안 설문 {with_particle(survey.code, '을')} 만들었습니다 (draft survey created).")


@questionnaire_group.command("export")
@click.argument("survey_code")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="yaml", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: CODE.yaml / CODE.xlsx).")
@click.option("--published", is_flag=True, help="Export the latest published version instead of the draft.")
@with_appcontext
def export_command(survey_code: str, fmt: str, out: str | None, published: bool) -> None:
    """Write a survey's draft (or latest published version) as YAML or Excel."""
    check_current(db.engine)
    survey = db.session.scalar(select(Survey).where(Survey.code == survey_code))
    if survey is None:
        raise click.ClickException(f"설문 {with_particle(quoted(survey_code), '을')} 찾을 수 없습니다. `survey-app surveys`로 코드를 확인해 주십시오.")
    if published and survey.latest_version is None:
        raise click.ClickException("아직 게시된 버전이 없습니다 (no published version yet).")
    definition = survey.latest_version.definition if published else survey.draft_definition
    try:
        questionnaire = Questionnaire.from_dict(definition)
    except QuestionnaireError as error:
        raise click.ClickException(f"초안에 문제가 있어 내보낼 수 없습니다 (the draft has problems):\n{error}") from None
    target = Path(out or f"{survey.code}.{fmt}")
    _write(questionnaire, fmt, target)
    click.echo(f"{target}에 저장했습니다 (written).")
