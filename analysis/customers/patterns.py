"""Purchase patterns: category mix, inter-purchase intervals, 설·추석 seasonality, cohort retention.

Inputs are small per-customer or per-customer-month arrays the application aggregates in SQL (distinct
customer-months, per-category totals), never every order row.

The cohort table is the classic monthly retention triangle (e.g. Fader & Hardie, "Customer-base
analysis in a discrete-time noncontractual setting", Marketing Science 29(6), 2010, Table 1): row =
month of first purchase, column = months since, cell = share of the cohort buying in that month.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import as_float_1d, as_labels

__all__ = ["CategoryMix", "CohortTable", "Intervals", "Seasonality", "category_mix", "cohort_retention",
           "inter_purchase_intervals", "holiday_seasonality"]


@dataclass(frozen=True)
class CategoryMix:
    """Orders and spend per category, with their shares of the total."""

    categories: tuple[str, ...]
    orders: np.ndarray
    amount: np.ndarray
    order_share: np.ndarray
    amount_share: np.ndarray


def category_mix(categories: Any, orders: Any, amount: Any) -> CategoryMix:
    """Shares of orders and spend by category, largest spend first (inputs: one row per category)."""
    labels = as_labels(categories, "categories")
    n = as_float_1d(orders, "orders", allow_nan=False)
    a = as_float_1d(amount, "amount", allow_nan=False)
    if not (labels.size == n.size == a.size):
        raise ValueError("categories, orders and amount must have the same length")
    if n.sum() <= 0:
        raise ValueError("orders: there are no orders to describe")
    order = np.argsort(-a, kind="stable")
    total_amount = a.sum()
    return CategoryMix(tuple(str(c) for c in labels[order]), n[order], a[order], n[order] / n.sum(),
                       a[order] / total_amount if total_amount > 0 else np.full(a.size, np.nan))


@dataclass(frozen=True)
class Intervals:
    """Days between consecutive orders of the same customer."""

    n_intervals: int
    n_customers: int
    median: float
    quartiles: tuple[float, float]
    mean: float
    per_customer_median: dict[Any, float]


def inter_purchase_intervals(customer: Any, order_day: Any) -> Intervals:
    """Days between consecutive orders per customer (``order_day`` as day numbers or datetime64[D]).

    Customers with a single order contribute no interval; with no repeat buyers at all the result is
    refused (``ValueError``) rather than a silent NaN.
    """
    ids = as_labels(customer, "customer")
    days = np.asarray(order_day)
    if days.dtype.kind == "M":
        days = days.astype("datetime64[D]").astype(np.int64)
    days = as_float_1d(days, "order_day", allow_nan=False)
    if days.size != ids.size:
        raise ValueError("customer and order_day must have the same length")
    order = np.lexsort((days, ids))
    ids, days = ids[order], days[order]
    same = ids[1:] == ids[:-1]
    gaps = np.diff(days)[same]
    if gaps.size == 0:
        raise ValueError("order_day: no customer has two orders, so there is no interval between purchases")
    owners = ids[1:][same]
    per_customer = {}
    for cid in np.unique(owners).tolist():
        per_customer[cid] = float(np.median(gaps[owners == cid]))
    q1, q3 = np.percentile(gaps, [25, 75])
    return Intervals(int(gaps.size), len(per_customer), float(np.median(gaps)), (float(q1), float(q3)),
                     float(gaps.mean()), per_customer)


@dataclass(frozen=True)
class Seasonality:
    """Orders in the weeks before 설·추석 against what an even spread over the days would give."""

    window_days: int
    orders_in_window: int
    orders_total: int
    share_in_window: float
    share_of_days: float
    lift: float


def holiday_seasonality(order_dates: Any, holidays: Any, *, window_days: int = 28,
                        counts: Any = None) -> Seasonality:
    """Share of orders placed within ``window_days`` before a holiday (설날, 추석) and its lift.

    ``order_dates`` are datetime64[D] days (with ``counts`` orders on each, for daily totals from SQL);
    ``lift`` = share of orders in the windows / share of calendar days in them, over the span of the
    data. A lift of 2 means twice as many orders per day before the holidays as on an average day.
    """
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1: {window_days}")
    days = np.asarray(order_dates, dtype="datetime64[D]")
    if days.size == 0:
        raise ValueError("order_dates is empty")
    weight = np.ones(days.size) if counts is None else as_float_1d(counts, "counts", allow_nan=False)
    if weight.size != days.size:
        raise ValueError("counts must have one value per order date")
    peaks = np.asarray(holidays, dtype="datetime64[D]")
    if peaks.size == 0:
        raise ValueError("holidays is empty: give the 설날 and 추석 dates of the period")
    first, last = days.min(), days.max()
    span = np.arange(first, last + np.timedelta64(1, "D"))
    in_window_day = _in_windows(span, peaks, window_days)
    in_window_order = _in_windows(days, peaks, window_days)
    share_days = in_window_day.mean()
    if share_days == 0:
        raise ValueError("holidays: no holiday window falls within the span of the orders")
    share_orders = weight[in_window_order].sum() / weight.sum()
    return Seasonality(window_days, int(weight[in_window_order].sum()), int(weight.sum()), float(share_orders),
                       float(share_days), float(share_orders / share_days))


def _in_windows(days: np.ndarray, peaks: np.ndarray, window: int) -> np.ndarray:
    before = (peaks[None, :] - days[:, None]).astype(np.int64)
    return ((before >= 0) & (before < window)).any(axis=1)


@dataclass(frozen=True)
class CohortTable:
    """Monthly cohort retention: ``active[i, k]`` customers of cohort ``months[i]`` bought ``k`` months
    after their first month; ``share`` divides by the cohort size (NaN where the month is not yet
    observed)."""

    months: tuple[str, ...]
    sizes: np.ndarray
    active: np.ndarray
    share: np.ndarray


def cohort_retention(customer: Any, month: Any, *, last_month: Any = None) -> CohortTable:
    """First-purchase month × months since, from (customer, purchase month) pairs.

    ``month`` is datetime64[M] (or anything numpy turns into it, e.g. "2025-03"); duplicates of the
    same customer-month count once. Cells after ``last_month`` (default: the latest month in the data)
    are NaN, not zero: the future is unobserved, not empty.
    """
    ids = as_labels(customer, "customer")
    months = np.asarray(month, dtype="datetime64[M]")
    if months.size != ids.size:
        raise ValueError("customer and month must have the same length")
    if ids.size == 0:
        raise ValueError("customer is empty: there are no purchases")
    end = months.max() if last_month is None else np.datetime64(last_month, "M")
    _, inverse = np.unique(ids, return_inverse=True)
    first = np.full(inverse.max() + 1, np.datetime64("9999-12", "M"))
    np.minimum.at(first, inverse, months)
    cohort_of = first[inverse]
    cohorts = np.unique(first)
    width = int((end - cohorts.min()).astype(np.int64)) + 1
    pairs = np.unique(np.stack([inverse, (months - cohort_of).astype(np.int64)], axis=1), axis=0)
    row = np.searchsorted(cohorts, first[pairs[:, 0]])
    active = np.zeros((cohorts.size, width), dtype=np.int64)
    keep = pairs[:, 1] < width
    np.add.at(active, (row[keep], pairs[keep, 1]), 1)
    sizes = active[:, 0].copy()
    observed = np.arange(width)[None, :] <= (end - cohorts).astype(np.int64)[:, None]
    share = np.where(observed, active / sizes[:, None], np.nan)
    return CohortTable(tuple(str(c) for c in cohorts), sizes, active, share)
