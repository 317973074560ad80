"""Input checks shared by the analysis modules.

Every public function validates its arguments here so that bad input raises
``ValueError`` with a message naming the offending argument (never ``assert``).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["as_float_1d", "as_float_2d", "as_labels", "check_length", "check_confidence"]


def as_float_1d(values: Any, name: str, *, allow_nan: bool = True) -> np.ndarray:
    """Return ``values`` as a 1-D float64 array or raise ``ValueError`` naming ``name``."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values")
    if not allow_nan and np.isnan(arr).any():
        raise ValueError(f"{name} contains missing values (NaN)")
    return arr


def as_float_2d(values: Any, name: str) -> np.ndarray:
    """Return ``values`` as a 2-D float64 array (rows = responses, columns = items)."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be two-dimensional (responses x items), got shape {arr.shape}")
    if any(np.isinf(arr[start:start + _ROWS]).any() for start in range(0, arr.shape[0], _ROWS)):
        raise ValueError(f"{name} contains infinite values")
    return arr


#: Rows per block where :func:`as_float_2d` looks for infinite values (no (n, k) boolean temporary).
_ROWS = 65_536


def as_labels(values: Any, name: str, n: int | None = None) -> np.ndarray:
    """Return a 1-D array of labels (any hashable values), checking its length."""
    if values is None:
        raise ValueError(f"{name} is required")
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if n is not None:
        check_length(arr, n, name)
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ValueError(f"{name} contains missing values (NaN)")
    if arr.dtype == object and any(v is None for v in arr.tolist()):
        raise ValueError(f"{name} contains missing values (None)")
    return arr


def check_length(arr: np.ndarray | Sequence[Any], n: int, name: str) -> None:
    """Raise ``ValueError`` unless ``arr`` has ``n`` rows."""
    if len(arr) != n:
        raise ValueError(f"{name} has {len(arr)} rows but the data have {n}")


def check_confidence(confidence: float) -> float:
    """Return ``confidence`` if it is a level strictly between 0 and 1."""
    if not isinstance(confidence, (int, float)) or not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    return float(confidence)


def check_weights(weights: Any, n: int, name: str = "weights") -> np.ndarray:
    """Return non-negative finite weights of length ``n`` (ones when ``weights`` is None)."""
    if weights is None:
        return np.ones(n)
    w = as_float_1d(weights, name, allow_nan=False)
    check_length(w, n, name)
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative")
    return w


def encode(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(levels, codes)``: sorted unique labels and each row's index into them."""
    levels, codes = np.unique(labels, return_inverse=True)
    return levels, codes.reshape(-1)
