"""Attitude segments: respondents clustered on their dimension scores, with k chosen and checked.

Method: k-means (:class:`sklearn.cluster.KMeans`, ``n_init=10``) on standardised dimension scores.
``k`` is the value in ``k_range`` with the largest mean silhouette width (Rousseeuw 1987, "Silhouettes:
a graphical aid to the interpretation and validation of cluster analysis", J. Comput. Appl. Math. 20).
Stability: the data are resampled with replacement ``n_boot`` times, re-clustered with the same k,
and the resample's clustering of the original respondents compared with the full-data clustering by
the adjusted Rand index (Hennig 2007, "Cluster-wise assessment of cluster stability", CSDA 52); a mean
ARI below 0.6 is flagged as unstable. Each segment is profiled by its size and mean score per dimension;
a segment smaller than ``min_size`` is flagged (too few to describe, let alone compare).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import as_float_2d

__all__ = ["AttitudeSegments", "attitude_segments"]


@dataclass(frozen=True)
class AttitudeSegments:
    """Labels per respondent, the chosen k and why, stability, and each segment's profile."""

    labels: np.ndarray
    k: int
    silhouettes: dict[int, float]
    stability: float
    sizes: np.ndarray
    profiles: np.ndarray  # k × dimensions, mean raw score
    dimensions: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def attitude_segments(scores: Any, dimensions: Sequence[str], *, k_range: Sequence[int] = range(2, 7),
                      n_boot: int = 20, min_size: int = 30, seed: int = 0) -> AttitudeSegments:
    """Cluster respondents (rows) on dimension scores (columns, no missing values)."""
    # imported here: sklearn costs every process of the app about 30 MB (see churn.fit_churn_model)
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, silhouette_score
    from sklearn.preprocessing import StandardScaler

    data = as_float_2d(scores, "scores")
    if data.shape[1] != len(dimensions):
        raise ValueError(f"dimensions must name every column of scores: {len(dimensions)} names, "
                         f"{data.shape[1]} columns")
    if np.isnan(data).any():
        raise ValueError("scores contains missing values; drop respondents without every dimension score")
    ks = sorted({int(k) for k in k_range})
    if not ks or ks[0] < 2:
        raise ValueError(f"k_range must hold values of at least 2: {list(k_range)}")
    if data.shape[0] < 3 * ks[-1]:
        raise ValueError(f"scores: {data.shape[0]} respondents are too few to look for up to {ks[-1]} segments")
    if (data.std(axis=0) == 0).all():
        raise ValueError("scores: every respondent has the same scores, so there is nothing to segment")
    z = StandardScaler().fit_transform(data)
    z = z[:, data.std(axis=0) > 0]
    silhouettes, fits = {}, {}
    for k in ks:
        fits[k] = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(z)
        silhouettes[k] = float(silhouette_score(z, fits[k].labels_, sample_size=min(len(z), 5000),
                                                random_state=seed))
    k = max(silhouettes, key=silhouettes.get)
    labels = fits[k].labels_
    rng = np.random.default_rng(seed)
    aris = []
    for _ in range(n_boot):
        sample = z[rng.integers(0, len(z), len(z))]
        refit = KMeans(n_clusters=k, n_init=3, random_state=int(rng.integers(1 << 30))).fit(sample)
        aris.append(adjusted_rand_score(labels, refit.predict(z)))
    stability = float(np.mean(aris)) if aris else float("nan")
    sizes = np.bincount(labels, minlength=k)
    profiles = np.vstack([data[labels == c].mean(axis=0) for c in range(k)])
    notes = [f"세분 {c + 1}: {n}명뿐이라 특성을 말하기 어렵습니다" for c, n in enumerate(sizes) if n < min_size]
    if stability < 0.6:
        notes.append(f"재표본 안정성(ARI {stability:.2f})이 낮아 세분이 우연일 수 있습니다")
    return AttitudeSegments(labels, k, silhouettes, stability, sizes, profiles, tuple(dimensions), tuple(notes))
