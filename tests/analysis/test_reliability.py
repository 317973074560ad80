"""Cronbach's alpha against pingouin's documented results."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import reliability


def test_pingouin_cronbach_alpha_dataset(cronbach_items):
    # pingouin docs: pg.cronbach_alpha(data=pg.read_dataset('cronbach_alpha'), ...)
    # -> (0.591719, array([0.195, 0.84]))  (tested by pingouin against R psych)
    res = reliability.cronbach_alpha(cronbach_items)
    assert res.alpha == pytest.approx(0.591719, abs=5e-7)
    assert res.ci[0] == pytest.approx(0.195, abs=5e-4)
    assert res.ci[1] == pytest.approx(0.84, abs=5e-4)
    assert res.n == 15 and res.k == 10


def test_alpha_if_deleted_is_alpha_of_remaining_items(cronbach_items):
    res = reliability.cronbach_alpha(cronbach_items)
    for j in range(10):
        rest = reliability.cronbach_alpha(np.delete(cronbach_items, j, axis=1))
        assert res.alpha_if_deleted[j] == pytest.approx(rest.alpha)


def test_item_total_is_corrected_correlation(cronbach_items):
    res = reliability.cronbach_alpha(cronbach_items)
    rest = cronbach_items.sum(axis=1) - cronbach_items[:, 0]
    assert res.item_total[0] == pytest.approx(np.corrcoef(cronbach_items[:, 0], rest)[0, 1])
    # items 5 and 6 (Q5, Q6) correlate negatively with the rest and raise alpha when dropped
    assert res.item_total[4] < 0 and res.alpha_if_deleted[4] > res.alpha


def test_listwise_drops_incomplete_rows(cronbach_items):
    data = cronbach_items.copy()
    data[0, 3] = np.nan
    listwise = reliability.cronbach_alpha(data, nan_policy="listwise")
    assert listwise.n == 14
    assert listwise.alpha == pytest.approx(reliability.cronbach_alpha(cronbach_items[1:]).alpha)
    pairwise = reliability.cronbach_alpha(data)
    assert pairwise.n == 15 and np.isfinite(pairwise.alpha)


def test_perfectly_consistent_items_have_alpha_one():
    base = np.arange(1.0, 11.0)
    assert reliability.cronbach_alpha(np.c_[base, base, base]).alpha == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs, name", [
    (dict(items=np.ones((5, 1))), "items"),
    (dict(items=np.ones((1, 3))), "items"),
    (dict(items=np.ones((5, 3)), nan_policy="drop"), "nan_policy"),
    (dict(items=np.ones((5, 3)), confidence=0), "confidence"),
])
def test_bad_input_names_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        reliability.cronbach_alpha(**kwargs)
