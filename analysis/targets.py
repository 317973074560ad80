"""Whether a score met its target, judged by its confidence interval rather than the point estimate alone.

A score is *met* when its whole interval is at or above the target, *not met* when its whole interval
is below it, and *undecided* when the interval contains the target: the data cannot tell whether the
true score is above or below it. With a 95% interval this is the two-sided test of "score = target"
at the 5% level (Casella & Berger 2002, §9.2: an interval holds exactly the values a test does not
reject), so "met" and "not met" are statements the data support; the point estimate alone is not.
"""
from __future__ import annotations

import math

__all__ = ["MET", "NOT_MET", "UNDECIDED", "target_status"]

MET, NOT_MET, UNDECIDED = "met", "not_met", "undecided"


def target_status(ci_low: float, ci_high: float, target: float) -> str | None:
    """``"met"``, ``"not_met"`` or ``"undecided"`` for a score with interval ``ci_low``–``ci_high``.

    Returns None when the interval or the target is not a finite number (no judgement possible).
    Raises ValueError when ``ci_low`` exceeds ``ci_high``.
    """
    if not all(math.isfinite(v) for v in (ci_low, ci_high, target)):
        return None
    if ci_low > ci_high:
        raise ValueError(f"ci_low ({ci_low}) is above ci_high ({ci_high})")
    if ci_low >= target:
        return MET
    if ci_high < target:
        return NOT_MET
    return UNDECIDED
