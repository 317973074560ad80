"""Backtest and score: choose cutoffs from the data, build their feature tables in SQL, call analysis/.

Cutoffs: the data end is the last order or interaction. The test cutoff is the latest one whose
horizon has been observed (data end − horizon); the training cutoffs lie a horizon before it and then
every 30 days further back, so every training label was known at the test cutoff. Scores for the
worklist come from a model refitted on the test and training cutoffs and applied at the scoring cutoff.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select

from analysis.customers.churn import (
    Backtest,
    ChurnDefinition,
    ChurnModel,
    CutoffFrame,
    fit_churn_model,
    reasons,
    time_split_backtest,
)
from analysis.results import DegenerateDataWarning

from ..database import db
from ..models import Interaction, Order
from .features import FEATURE_NAMES, FEATURES, FeatureTable, build_features

TRAIN_CUTOFFS = 3
STEP_DAYS = 30
DEFAULT_DEFINITION = ChurnDefinition()


def data_end() -> date | None:
    """The day after the last order or interaction (None with no data)."""
    last = [db.session.scalar(select(func.max(Order.ordered_at))),
            db.session.scalar(select(func.max(Interaction.occurred_at)))]
    last = [moment for moment in last if moment is not None]
    return max(last).date() + timedelta(days=1) if last else None


def backtest_cutoffs(end: date, definition: ChurnDefinition, n_train: int = TRAIN_CUTOFFS) -> list[date]:
    """Training cutoffs (oldest first) and the test cutoff last."""
    test = end - timedelta(days=definition.horizon_days)
    first_train = test - timedelta(days=definition.horizon_days)
    return [first_train - timedelta(days=STEP_DAYS * k) for k in reversed(range(n_train))] + [test]


@dataclass
class ChurnRun:
    """A backtest, the refitted model and the customers scored at ``scored_at``."""

    backtest: Backtest
    model: ChurnModel
    scored: FeatureTable
    risk: np.ndarray
    reasons: list[list[str]]
    warnings: tuple[str, ...]


def _frames(cutoffs: list[date], definition: ChurnDefinition) -> list[CutoffFrame]:
    frames = []
    for cutoff in cutoffs:
        table = build_features(cutoff, definition, definition.horizon_days)
        if not len(table.customer_ids):
            raise ValueError(f"{cutoff}: 이 시점 전에 주문한 고객이 없습니다 (no customer had ordered by this cutoff)")
        frames.append(CutoffFrame(cutoff, table.X, table.y))
    return frames


def run_backtest(definition: ChurnDefinition = DEFAULT_DEFINITION, method: str = "logistic",
                 end: date | None = None) -> tuple[Backtest, list[CutoffFrame]]:
    """The time-split backtest on this database's data; ValueError when the data are too short."""
    end = end or data_end()
    if end is None:
        raise ValueError("주문·상담 자료가 없어 모형을 검증할 수 없습니다 (no orders or interactions)")
    cutoffs = backtest_cutoffs(end, definition)
    definition.check_observed(cutoffs[-1], end)
    frames = _frames(cutoffs, definition)
    return time_split_backtest(frames, FEATURE_NAMES, definition=definition, method=method), frames


def run_churn(score_at: date | None = None, definition: ChurnDefinition = DEFAULT_DEFINITION,
              method: str = "logistic") -> ChurnRun:
    """Backtest, refit on every labelled cutoff, score the customers at ``score_at`` (default: data end)."""
    end = data_end()
    backtest, frames = run_backtest(definition, method, end)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateDataWarning)
        model = fit_churn_model(np.vstack([f.X for f in frames]), np.concatenate([f.y for f in frames]),
                                FEATURE_NAMES, method=method)
    scored = build_features(score_at or end, active_days=definition.horizon_days)
    if not len(scored.customer_ids):
        raise ValueError("점수를 매길 고객이 없습니다 (no customer had ordered by the scoring cutoff)")
    risk = model.risk(scored.X)
    why = reasons(model, scored.X, FEATURES)
    return ChurnRun(backtest, model, scored, risk, why, tuple(str(w.message) for w in caught) + backtest.warnings)
