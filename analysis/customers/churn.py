"""Churn model: fit on per-customer features at a cutoff, evaluate by time-split backtest, explain.

Churn definition
----------------
A customer active before the cutoff *churns* when they neither order nor contact the center in the
``horizon_days`` after it (default 180 days; :class:`ChurnDefinition`). The label is computed in the
database; this module only checks that the horizon has been observed.

Models
------
``logistic`` (default): features put on a log scale (``sign(x)·log(1 + |x|)``, monotone, so a reason's
direction is kept; counts, amounts and days are heavily right-skewed and a linear term on the raw scale
lets a few big spenders dominate), standardised, then L2-penalised logistic regression
(:class:`sklearn.linear_model.LogisticRegression`, ``C=1``, balanced neither way, so the risk stays a
calibrated probability). ``gbm``: :class:`sklearn.ensemble.HistGradientBoostingClassifier` with early
stopping off and a fixed seed. Features constant in the training data are dropped and named in the
model's ``warnings`` (a constant column has no information and would break the standardisation).

Backtest
--------
Time-split only (never a random split across time): train on every earlier cutoff whose label window
has closed by the test cutoff, test on the latest cutoff. Metrics (all from scikit-learn): ROC-AUC,
average precision (PR-AUC), Brier score; top-decile lift = churn rate among the 10% highest risks /
overall churn rate; a calibration table by decile of predicted risk. Two baselines are scored in the
same run on the same test customers: recency alone (days since the last order) and the RFM total
(R + F + M, lower = riskier). Public references for logistic regression: about 0.84 AUC on the IBM
Telco data, about 0.70 on marketplace data (Olist); retail transactions like CDNOW sit in between.

Reasons
-------
For the logistic model, the contribution of feature j to a customer's log-odds is
``β_j · (z_ij − mean_j)`` on the standardised scale (exact decomposition of the linear predictor
around the average customer); the reasons are the largest positive contributions. For boosting, the
drop in predicted risk when the feature is set to the training median (a one-at-a-time local
explanation).
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validate import as_float_1d, as_float_2d
from ..results import DegenerateDataWarning

if TYPE_CHECKING:
    from sklearn.preprocessing import StandardScaler

__all__ = ["ChurnDefinition", "ChurnModel", "CutoffFrame", "Evaluation", "Backtest", "fit_churn_model",
           "evaluate", "time_split_backtest", "reasons", "METHODS"]

METHODS = ("logistic", "gbm")


@dataclass(frozen=True)
class ChurnDefinition:
    """No order and no interaction for ``horizon_days`` after the cutoff."""

    horizon_days: int = 180
    count_interactions: bool = True

    def __post_init__(self) -> None:
        if not 30 <= self.horizon_days <= 730:
            raise ValueError(f"horizon_days must be between 30 and 730: {self.horizon_days}")

    def check_observed(self, cutoff: date, data_end: date) -> None:
        """Refuse a cutoff whose horizon runs past the data (its labels would all look like churn)."""
        end = cutoff + timedelta(days=self.horizon_days)
        if end > data_end:
            raise ValueError(f"cutoff {cutoff}: the {self.horizon_days}-day horizon ends {end}, after the last data "
                             f"({data_end}); there is no later data to learn or test on")


@dataclass(frozen=True)
class CutoffFrame:
    """The feature table at one cutoff: ``X`` (customers × features) and the churn label ``y`` (0/1)."""

    cutoff: date
    X: np.ndarray
    y: np.ndarray


@dataclass
class ChurnModel:
    """A fitted model and what it needs to score and explain new customers."""

    method: str
    feature_names: tuple[str, ...]
    used: np.ndarray  # boolean mask over feature_names
    estimator: Any
    scaler: StandardScaler | None
    medians: np.ndarray
    warnings: tuple[str, ...] = ()

    def risk(self, X: Any) -> np.ndarray:
        """Predicted churn probability per customer."""
        data = _matrix(X, len(self.feature_names))[:, self.used]
        if self.scaler is not None:
            data = self.scaler.transform(_log_scale(data))
        return self.estimator.predict_proba(data)[:, 1]

    def coefficients(self) -> dict[str, float]:
        """Logistic coefficients per standardised feature (empty for boosting)."""
        if self.method != "logistic":
            return {}
        names = [n for n, u in zip(self.feature_names, self.used, strict=True) if u]
        return dict(zip(names, self.estimator.coef_[0].tolist(), strict=True))


def _log_scale(data: np.ndarray) -> np.ndarray:
    return np.sign(data) * np.log1p(np.abs(data))


def _matrix(X: Any, width: int) -> np.ndarray:
    data = as_float_2d(X, "X")
    if data.shape[1] != width:
        raise ValueError(f"X must have {width} feature columns, got {data.shape[1]}")
    if np.isnan(data).any():
        raise ValueError("X contains missing values (NaN); the feature table fills absent values with 0")
    return data


def _labels(y: Any, n: int, name: str = "y") -> np.ndarray:
    labels = as_float_1d(y, name, allow_nan=False)
    if labels.size != n:
        raise ValueError(f"{name} must have one label per customer: {labels.size} labels, {n} rows")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(f"{name} must be 0 (stayed) or 1 (churned)")
    if labels.sum() == 0:
        raise ValueError(f"{name}: no customer churned, so there is nothing to learn or test")
    if labels.sum() == labels.size:
        raise ValueError(f"{name}: every customer churned, so there is nothing to learn or test")
    return labels.astype(np.int64)


def fit_churn_model(X: Any, y: Any, feature_names: Sequence[str], *, method: str = "logistic",
                    seed: int = 0) -> ChurnModel:
    """Fit the churn model; constant features are dropped with a warning."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}: {method!r}")
    data = _matrix(X, len(feature_names))
    labels = _labels(y, data.shape[0])
    used = data.std(axis=0) > 0
    notes = tuple(f"{name}: 모든 고객이 같은 값이라 모형에서 뺐습니다" for name, u in zip(feature_names, used, strict=True)
                  if not u)
    for note in notes:
        warnings.warn(note, DegenerateDataWarning, stacklevel=2)
    if not used.any():
        raise ValueError("X: every feature is constant, so no model can be fitted")
    kept = data[:, used]
    # sklearn is imported here, not with the module: every process of the app imports this package (the
    # scheduler's wave recompute too) and sklearn alone adds about 30 MB and a second to each
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    if method == "logistic":
        scaler = StandardScaler().fit(_log_scale(kept))
        estimator = LogisticRegression(C=1.0, max_iter=2000).fit(scaler.transform(_log_scale(kept)), labels)
    else:
        scaler = None
        estimator = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.05, max_leaf_nodes=15,
                                                   early_stopping=False, random_state=seed).fit(kept, labels)
    return ChurnModel(method, tuple(feature_names), used, estimator, scaler, np.median(data, axis=0), notes)


@dataclass(frozen=True)
class Evaluation:
    """How well a risk score ranks and calibrates against what happened."""

    n: int
    churners: int
    base_rate: float
    roc_auc: float
    pr_auc: float
    top_decile_lift: float
    brier: float
    calibration: tuple[tuple[float, float, int], ...]  # (mean predicted, observed rate, n) per decile

    def as_dict(self) -> dict:
        """Plain numbers for storage (JSON, so an undefined figure such as a rank's Brier score is None)."""
        return {"n": self.n, "churners": self.churners, "base_rate": self.base_rate, "roc_auc": self.roc_auc,
                "pr_auc": self.pr_auc, "top_decile_lift": self.top_decile_lift,
                "brier": None if np.isnan(self.brier) else self.brier,
                "calibration": [list(row) for row in self.calibration]}


def evaluate(y: Any, risk: Any, *, probabilities: bool = True) -> Evaluation:
    """ROC-AUC, PR-AUC, top-decile lift, Brier score and a decile calibration table.

    ``probabilities=False`` for a ranking score (a baseline): Brier and calibration are then NaN (a
    rank is not a probability), and say so by being NaN rather than a made-up number.
    """
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score  # see fit_churn_model

    score = as_float_1d(risk, "risk", allow_nan=False)
    labels = _labels(y, score.size)
    if np.ptp(score) == 0:
        raise ValueError("risk: every customer has the same score, so it cannot rank anyone")
    order = np.argsort(-score, kind="stable")
    top = order[:max(1, int(np.ceil(score.size / 10)))]
    base = labels.mean()
    calibration: tuple = ()
    brier = float("nan")
    if probabilities:
        brier = float(brier_score_loss(labels, score))
        deciles = np.array_split(np.argsort(score, kind="stable"), 10)
        calibration = tuple((float(score[d].mean()), float(labels[d].mean()), int(d.size)) for d in deciles if d.size)
    return Evaluation(int(score.size), int(labels.sum()), float(base), float(roc_auc_score(labels, score)),
                      float(average_precision_score(labels, score)), float(labels[top].mean() / base), brier,
                      calibration)


@dataclass(frozen=True)
class Backtest:
    """A time-split backtest: the model and its baselines on the latest cutoff."""

    method: str
    train_cutoffs: tuple[date, ...]
    test_cutoff: date
    model: Evaluation
    recency: Evaluation
    rfm: Evaluation
    warnings: tuple[str, ...] = field(default=())

    @property
    def beats_baselines(self) -> bool:
        """Whether the model's AUC is above both the recency rule's and the RFM score's."""
        return self.model.roc_auc > self.recency.roc_auc and self.model.roc_auc > self.rfm.roc_auc


def time_split_backtest(frames: Sequence[CutoffFrame], feature_names: Sequence[str], *,
                        definition: ChurnDefinition = ChurnDefinition(), method: str = "logistic",
                        recency: str = "recency_days", rfm: Sequence[str] = ("r_score", "f_score", "m_score"),
                        seed: int = 0) -> Backtest:
    """Train on earlier cutoffs, test on the latest; score the recency and RFM baselines alongside.

    A training cutoff is used only if its label window (cutoff + horizon) has closed by the test
    cutoff; otherwise its labels would carry information from after the test cutoff.
    """
    if len(frames) < 2:
        raise ValueError("frames: a backtest needs at least two cutoffs (train on earlier, test on a later one)")
    ordered = sorted(frames, key=lambda f: f.cutoff)
    test = ordered[-1]
    horizon = timedelta(days=definition.horizon_days)
    train = [f for f in ordered[:-1] if f.cutoff + horizon <= test.cutoff]
    if not train:
        raise ValueError(f"frames: no training cutoff has its {definition.horizon_days}-day window closed by the test "
                         f"cutoff {test.cutoff}; use earlier training cutoffs")
    names = list(feature_names)
    for needed in (recency, *rfm):
        if needed not in names:
            raise ValueError(f"feature_names must include {needed!r} for the baselines")
    X = np.vstack([f.X for f in train])
    y = np.concatenate([f.y for f in train])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateDataWarning)
        model = fit_churn_model(X, y, names, method=method, seed=seed)
    test_X = _matrix(test.X, len(names))
    result = evaluate(test.y, model.risk(test_X))
    recency_eval = evaluate(test.y, test_X[:, names.index(recency)], probabilities=False)
    rfm_total = test_X[:, [names.index(n) for n in rfm]].sum(axis=1)
    rfm_eval = evaluate(test.y, -rfm_total, probabilities=False)
    return Backtest(method, tuple(f.cutoff for f in train), test.cutoff, result, recency_eval, rfm_eval,
                    tuple(str(w.message) for w in caught))


def reasons(model: ChurnModel, X: Any, labels: dict[str, tuple[str, str]] | None = None, *,
            top: int = 3) -> list[list[str]]:
    """For each customer, up to ``top`` features raising their risk most.

    ``labels`` maps a feature to its words when the customer is above and below the training median
    (``("반품 많음", "반품 적음")``); without labels the reason is ``"name+"`` or ``"name-"``.
    """
    data = _matrix(X, len(model.feature_names))
    names = [n for n, u in zip(model.feature_names, model.used, strict=True) if u]
    kept = data[:, model.used]
    medians = model.medians[model.used]
    if model.method == "logistic":
        z = model.scaler.transform(_log_scale(kept))
        contributions = model.estimator.coef_[0][None, :] * z  # the scaler centres on the training mean
    else:
        base = model.estimator.predict_proba(kept)[:, 1]
        contributions = np.empty_like(kept)
        for j in range(kept.shape[1]):
            moved = kept.copy()
            moved[:, j] = medians[j]
            contributions[:, j] = base - model.estimator.predict_proba(moved)[:, 1]
    labels = labels or {}
    out = []
    for i, row in enumerate(contributions):
        best = [j for j in np.argsort(-row, kind="stable")[:top] if row[j] > 0]
        out.append([_reason_word(labels, names[j], kept[i, j] >= medians[j]) for j in best])
    return out


def _reason_word(labels: dict[str, tuple[str, str]], name: str, high: bool) -> str:
    words = labels.get(name)
    return (words[0] if high else words[1]) if words else f"{name}{'+' if high else '-'}"
