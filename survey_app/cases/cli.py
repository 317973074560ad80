"""CLI: ``survey-app cases process`` runs the case job by hand (the scheduler runs it every few seconds)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .triggers import process_triggers

cases_group = AppGroup("cases", help="VOC 사건 (VOC cases).")


@cases_group.command("process")
@click.option("--batch", type=int, default=None, help="한 번에 처리할 건수 (triggers per transaction).")
def process_command(batch: int | None) -> None:
    """응답을 사건으로 만듭니다 (turn pending triggers into cases until none is left)."""
    size = batch or current_app.config["CASE_TRIGGER_BATCH"]
    total = {"triggers": 0, "cases": 0, "followups": 0}
    while True:
        counts = process_triggers(size)
        for key in total:
            total[key] += counts[key]
        if counts["triggers"] < size:
            break
    click.echo(f"응답 {total['triggers']}건 확인, 사건 {total['cases']}건 접수, 처리 만족도 응답 {total['followups']}건 연결 "
               f"(triggers {total['triggers']}, cases {total['cases']}, follow-ups {total['followups']})")


cases_commands = (cases_group,)
