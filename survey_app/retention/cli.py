"""Analysts' commands: ``survey-app customers features``, ``survey-app churn backtest``, ``survey-app churn score``.

``features_command`` joins the ``customers`` group in :mod:`survey_app.customers.cli`.
"""
from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from analysis.customers.churn import METHODS, ChurnDefinition
from exports.safety import safe_text
from exports.sheets_customers import write_customer_workbook

from .. import migrate
from ..database import db
from ..models import AccessAction
from ..privacy.access_log import log_access_bulk
from ..privacy.files import reserve_private
from .features import build_features, write_csv
from .scoring import run_backtest, run_churn
from .workbook import customer_workbook_input

churn_group = AppGroup("churn", help="Churn model: backtest and scores.")


def _definition(horizon: int, calls: bool) -> ChurnDefinition:
    try:
        return ChurnDefinition(horizon_days=horizon, count_interactions=calls)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--horizon") from None


horizon_option = click.option("--horizon", default=180, show_default=True,
                              help="Churn horizon in days: no order or call this long after the cutoff is churn.")
calls_option = click.option("--calls/--orders-only", default=True, show_default=True,
                            help="Count interactions (calls) as activity.")
method_option = click.option("--method", type=click.Choice(METHODS), default="logistic", show_default=True,
                             help="Model: logistic (explainable, default) or gbm.")


@click.command("features")
@click.option("--cutoff", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Cutoff date, YYYY-MM-DD.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True), help="CSV file to write.")
@click.option("--labels", is_flag=True, help="Also write the churned column (the horizon after the cutoff must have passed).")
@horizon_option
@calls_option
@with_appcontext
def features_command(cutoff, out: str, labels: bool, horizon: int, calls: bool) -> None:
    """Write the per-customer feature table at CUTOFF (built by SQL aggregates) as CSV."""
    migrate.check_current(db.engine)
    definition = _definition(horizon, calls) if labels else None
    try:
        table = build_features(cutoff.date(), definition)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    count = write_csv(table, out)
    log_access_bulk(AccessAction.EXPORT, "customer", table.customer_ids.tolist(), purpose="이탈 예측 분석용 고객 특성",
                    details={"file": Path(out).name, "cutoff": str(cutoff.date())})
    db.session.commit()
    click.echo(f"{out}: 고객 {count:,}명의 특성을 썼습니다 ({count} customers, cutoff {cutoff.date()}).")


def _pct(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"


@churn_group.command("backtest")
@method_option
@horizon_option
@calls_option
@with_appcontext
def backtest_command(method: str, horizon: int, calls: bool) -> None:
    """Train on earlier cutoffs, test on the latest observed one; print the model beside two baselines."""
    migrate.check_current(db.engine)
    try:
        bt, _ = run_backtest(_definition(horizon, calls), method)
    except ValueError as exc:
        raise click.ClickException(f"검증할 수 없습니다 (backtest impossible): {exc}") from None
    click.echo(f"학습 기준일 (train cutoffs): {', '.join(map(str, bt.train_cutoffs))}  검증 기준일 (test): {bt.test_cutoff}")
    click.echo(f"검증 고객 {bt.model.n:,}명, 이탈 {bt.model.churners:,}명 ({bt.model.base_rate:.1%})")
    click.echo(f"{'':16}{'ROC-AUC':>9}{'PR-AUC':>9}{'상위10% 향상도':>12}{'Brier':>9}")
    for name, ev in ((f"모형 ({method})", bt.model), ("최근성만", bt.recency), ("RFM 점수만", bt.rfm)):
        click.echo(f"{name:16}{ev.roc_auc:9.3f}{ev.pr_auc:9.3f}{ev.top_decile_lift:12.2f}{_pct(ev.brier):>9}")
    for note in bt.warnings:
        click.echo(f"주의: {note}")
    if not bt.beats_baselines:
        click.echo("모형이 단순 기준보다 낫지 않습니다: 점수를 쓰지 마십시오 (the model does not beat the baselines).")


@churn_group.command("score")
@click.option("--cutoff", type=click.DateTime(["%Y-%m-%d"]), help="Scoring cutoff date (default: the last day with data).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True), help="CSV file to write.")
@method_option
@horizon_option
@calls_option
@with_appcontext
def score_command(cutoff, out: str, method: str, horizon: int, calls: bool) -> None:
    """Write each customer's churn risk, segment and top reasons as CSV (riskiest first)."""
    migrate.check_current(db.engine)
    try:
        run = run_churn(cutoff.date() if cutoff else None, _definition(horizon, calls), method)
    except ValueError as exc:
        raise click.ClickException(f"점수를 낼 수 없습니다 (cannot score): {exc}") from None
    if not run.backtest.beats_baselines:
        raise click.ClickException("모형이 최근성 기준이나 RFM 점수보다 낫지 않아 점수를 내지 않습니다 "
                                   "(the model does not beat the recency or RFM baseline; see `churn backtest`).")
    reserve_private(Path(out))
    order = sorted(range(len(run.risk)), key=lambda i: -run.risk[i])
    with open(out, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "risk", "segment", "reasons"])
        for i in order:
            writer.writerow([safe_text(run.scored.external_ids[i]), f"{run.risk[i]:.4f}", run.scored.segments[i],
                             " / ".join(run.reasons[i])])
    log_access_bulk(AccessAction.EXPORT, "customer", run.scored.customer_ids.tolist(), purpose="이탈 위험 점수 분석",
                    details={"file": Path(out).name, "cutoff": str(run.scored.cutoff)})
    db.session.commit()
    click.echo(f"{out}: 고객 {len(order):,}명, 검증 AUC {run.backtest.model.roc_auc:.3f} "
               f"(최근성 {run.backtest.recency.roc_auc:.3f}, RFM {run.backtest.rfm.roc_auc:.3f}).")


@churn_group.command("workbook")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True), help="Excel workbook to write (.xlsx).")
@with_appcontext
def workbook_command(out: str) -> None:
    """Write the customer segments, churn risk and purchase patterns workbook (no personal data: counts and shares only)."""
    migrate.check_current(db.engine)
    try:
        names = write_customer_workbook(customer_workbook_input(), out)
    except ValueError as exc:
        raise click.ClickException(f"통합 문서를 만들 수 없습니다 (cannot write the workbook): {exc}") from None
    click.echo(f"{out}: 시트 {', '.join(names)}")


COMMANDS = (churn_group,)
