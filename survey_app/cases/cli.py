"""CLI: ``survey-app cases process`` runs the case job by hand (the scheduler runs it every few seconds)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from questionnaires.korean import with_particle

from ..database import db
from ..models import OrgUnit
from .categories import CATEGORIES
from .operations import CaseError
from .routing_rules import add_routing
from .triggers import process_triggers

cases_group = AppGroup("cases", help="VOC cases.")


@cases_group.command("process")
@click.option("--batch", type=int, default=None, help="Triggers per transaction.")
def process_command(batch: int | None) -> None:
    """Turn pending triggers into cases until none is left."""
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


@cases_group.command("route")
@click.option("--category", default=None, help="Category code, e.g. complaint (default: every category).")
@click.option("--region", default=None, help="Customer region, as in the customer records (default: every region).")
@click.option("--unit", "unit_code", required=True, help="Code of the unit that receives the cases.")
@click.option("--priority", type=int, default=100, help="Priority, 1–9999; smaller numbers are tried first.")
def route_command(category: str | None, region: str | None, unit_code: str, priority: int) -> None:
    """Add a routing rule: cases of a category and/or region go to a unit's queue."""
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code))
    if unit is None:
        raise click.ClickException(f"부서 코드 {with_particle(unit_code, '을')} 찾지 못했습니다 (no such unit).")
    if category is not None and category not in CATEGORIES:
        raise click.ClickException(f"분류는 {', '.join(CATEGORIES)} 가운데 하나입니다 (unknown category).")
    try:
        add_routing(category=category, region=region, unit=unit, priority=priority)
    except CaseError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{category or '모든 분류'} · {region or '모든 지역'} → {unit.name}")


cases_commands = (cases_group,)
