"""``survey-app voc classify IN.csv --out OUT.csv`` for analysts, ``survey-app voc analyse`` (the job, once) and
``survey-app voc retrain`` (the topic model from staff-confirmed topics).

The input is a CSV file with a ``text`` column, in UTF-8 (with or without BOM) or CP949 (as Excel saves
Korean CSV files); every other column is kept. The output adds ``topic`` (the topic code), ``topic_name``,
``probability`` and ``sentiment`` and is written in UTF-8 with BOM, so Excel opens it in Korean. Cells that
a spreadsheet would read as a formula are written as text (:func:`exports.safety.safe_text`).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from exports.safety import safe_text

from .. import migrate
from ..database import db
from .analyser import analyse_texts, retrain_topic_model, topic_names
from .jobs import run_voc_job

voc_group = AppGroup("voc", help="VOC text analysis.")
CHUNK = 1000
ADDED = ("topic", "topic_name", "probability", "sentiment")


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file in UTF-8 (BOM or not) or CP949; ClickException when it is neither."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise click.ClickException("파일을 읽을 수 없습니다. UTF-8 또는 CP949로 저장한 CSV 파일이어야 합니다 "
                                   "(the file is neither UTF-8 nor CP949).")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise click.ClickException("빈 파일입니다 (the file is empty).")
    header = [h.strip() for h in rows[0]]
    if "text" not in header:
        raise click.ClickException(f"'text' 열이 없습니다. 첫 줄(열 이름)에 text 가 있어야 합니다 (no 'text' column; "
                                   f"found: {', '.join(header) or '-'}).")
    return header, rows[1:]


@voc_group.command("classify")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output CSV (UTF-8 with BOM).")
def classify_command(source: Path, target: Path) -> None:
    """Add topic, topic_name, probability and sentiment to each row of SOURCE's text column."""
    header, rows = read_table(source)
    column = header.index("text")
    names = topic_names()
    with open(target, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_text(h) for h in header] + list(ADDED))
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            results = analyse_texts([row[column] if column < len(row) else "" for row in chunk])
            for row, r in zip(chunk, results, strict=True):
                writer.writerow([safe_text(cell) for cell in row] + [r.topic, names.get(r.topic, r.topic),
                                                                    f"{r.topic_probability:.3f}", r.sentiment])
    click.echo(f"{len(rows):,}건을 분류해 {target}에 썼습니다 (classified {len(rows)} rows).")


@voc_group.command("analyse")
def analyse_command() -> None:
    """Analyse every open-ended answer not analysed yet (what the scheduler's voc-analysis job does)."""
    migrate.check_current(db.engine)
    lines = run_voc_job(current_app.config["VOC_ANALYSIS_BATCH"])
    click.echo("\n".join(lines) or "분석할 새 응답이 없습니다 (nothing new to analyse).")


@voc_group.command("retrain")
def retrain_command() -> None:
    """Retrain the topic model from staff-confirmed topics (what the voc-analysis job does when they changed)."""
    migrate.check_current(db.engine)
    used = retrain_topic_model()
    if used:
        click.echo(f"확인된 주제 {used:,}건을 더해 주제 모델을 다시 학습했습니다 (retrained with {used} confirmed texts).")
    else:
        click.echo("확인된 주제가 없어 기본 모델을 씁니다 (no confirmed topics: the seed model is used).")


COMMANDS = (voc_group,)
