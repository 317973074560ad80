"""The monthly churn run of the scheduler: rebuild the features, refit, store the scores and backtest."""
from __future__ import annotations

import logging

from ..database import db
from .operations import store_churn_run

log = logging.getLogger(__name__)


def run_monthly_churn() -> list[str]:
    """One scheduled run, committed at its end; returns lines for the scheduler's log."""
    run = store_churn_run()
    db.session.commit()
    auc = run.backtest.get("model", {}).get("roc_auc")
    return [f"churn run {run.id}: {run.status}" + (f", AUC {auc:.3f}" if auc is not None else "")
            + (f", {run.scored} scored" if run.scored else "") + (f" ({run.message})" if run.message else "")]
