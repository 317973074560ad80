"""``survey-app export WAVE --out FILE.xlsx``: a wave's executive Excel workbook (and CSV) on the command line."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from exports import RawData, write_codebook_csv, write_raw_csv
from questionnaires import QuestionnaireError

from ..privacy.files import reserve_private
from .cli import wave_by_code
from .export_data import codebook, present_codes, raw_columns, raw_rows
from .workbook import export_wave, local_zone


@click.command("export")
@click.argument("wave_code")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the .xlsx workbook.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True),
              help="Also write the raw data as UTF-8 CSV with BOM.")
@click.option("--codebook-csv", "codebook_path", type=click.Path(dir_okay=False, writable=True),
              help="Also write the codebook as CSV.")
@click.option("--labels", is_flag=True, help="Write value labels instead of codes in the raw data.")
@with_appcontext
def export_command(wave_code: str, out: str, csv_path: str | None, codebook_path: str | None, labels: bool) -> None:
    """Write the Excel report of wave WAVE_CODE (see `survey-app waves` for the codes)."""
    wave = wave_by_code(wave_code)
    for target in (out, csv_path, codebook_path):  # raw answers: readable by this user only
        if target:
            reserve_private(Path(target))
    try:
        summary = export_wave(wave, out, labels=labels)
        questionnaire = wave.version.questionnaire
        columns = raw_columns(questionnaire, present_codes(wave.id))  # the workbook's raw columns
        if csv_path:
            raw = RawData(columns, raw_rows(wave.id, questionnaire, zone=local_zone(), columns=columns))
            write_raw_csv(csv_path, raw, labels=labels)
        if codebook_path:
            write_codebook_csv(codebook_path, codebook(questionnaire, columns))
    except QuestionnaireError as exc:
        raise click.ClickException(f"이 차수의 설문지를 읽을 수 없습니다 (the wave's questionnaire is invalid): {exc}") from None
    except ValueError as exc:
        raise click.ClickException(f"이 차수의 결과를 계산할 수 없습니다 (the results cannot be computed): {exc}") from None
    click.echo(f"{out}: 시트 {len(summary.sheets)}개, 원자료 {summary.raw_rows:,}행을 썼습니다 "
               f"({len(summary.sheets)} sheets, {summary.raw_rows} raw rows).")


COMMANDS = (export_command,)
