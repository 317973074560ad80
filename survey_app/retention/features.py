"""The per-customer feature table at a cutoff, computed by SQL aggregates in the database.

One statement: GROUP BY subqueries over orders, interactions, consent events, survey answers (and VOC
cases once merged, :mod:`.cases_link`), left-joined to the customers who bought before the cutoff. Only
one row per customer comes back to Python, never the order rows, so the work grows with PostgreSQL.

Nothing dated at or after the cutoff enters a feature: orders by ``ordered_at``, returns by
``returned_on``, calls by ``occurred_at``, consent by ``recorded_at``, answers by the response's
``finished_at``. Cancellations carry no date of their own, so only orders placed 14 days or more before
the cutoff count as cancelled (a later cancellation would leak the future). The churn label looks only
after the cutoff: no order (and, by default, no interaction) in the horizon.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import and_, case, func, or_, select, text

from analysis.customers.churn import ChurnDefinition
from analysis.customers.rfm import rfm_scores
from exports.safety import safe_text

from ..database import db
from ..models import (
    Answer,
    ConsentPurpose,
    Contact,
    Customer,
    CustomerConsent,
    Interaction,
    Invitation,
    Order,
    OrderStatus,
    Response,
    ResponseStatus,
)
from ..privacy.files import reserve_private
from .cases_link import case_counts

#: Feature columns and how a reason reads when the customer is above / below the usual value.
FEATURES = {
    "recency_days": ("마지막 주문 후 오래 지남", "최근에 주문함"),
    "frequency": ("주문이 잦음", "주문 횟수가 적음"),
    "monetary": ("구매 금액이 큼", "구매 금액이 적음"),
    "tenure_days": ("오래된 고객", "거래 기간이 짧음"),
    "orders_90d": ("최근 90일 주문 많음", "최근 90일 주문 없음·적음"),
    "spend_trend": ("최근 구매 금액 증가", "최근 구매 금액 감소"),
    "returns": ("반품 이력", "반품 없음"),
    "cancellations": ("주문 취소 이력", "취소 없음"),
    "calls_180d": ("최근 상담 잦음", "최근 상담 없음"),
    "complaints_365d": ("불만·분실 상담", "불만 상담 없음"),
    "unresolved_365d": ("해결되지 않은 상담", "미해결 상담 없음"),
    "open_cases": ("처리 중인 민원", "처리 중인 민원 없음"),
    "overdue_cases": ("기한 넘긴 민원", "기한 넘긴 민원 없음"),
    "surveyed": ("설문에 응답함", "설문 응답 없음"),
    "nps_score": ("추천 의향 높음", "추천 의향 낮음"),
    "nps_detractor": ("비추천 고객(추천 의향 0–6점)", "비추천 고객 아님"),
    "consent_marketing": ("마케팅 수신 동의", "마케팅 수신 미동의"),
    "gap_ratio": ("평소 주문 간격보다 오래 주문 없음", "평소 간격 안에 주문함"),
    "order_trend": ("최근 90일 주문이 그 전 90일보다 많음", "최근 90일 주문이 그 전 90일보다 적음"),
    "orders_30d": ("최근 30일 주문 있음", "최근 30일 주문 없음·적음"),
    "r_score": ("최근성 점수 높음", "최근성 점수 낮음"),
    "f_score": ("구매 빈도 점수 높음", "구매 빈도 점수 낮음"),
    "m_score": ("구매 금액 점수 높음", "구매 금액 점수 낮음"),
}
FEATURE_NAMES = tuple(FEATURES)
COMPLAINT_TOPICS = ("complaint_staff", "loss_damage")
#: Question codes holding the 0–10 recommendation (NPS) answer in the bundled questionnaires.
NPS_QUESTIONS = ("Q9", "nps")
KST = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class FeatureTable:
    """Customers (rows) × :data:`FEATURE_NAMES` at ``cutoff``; ``y`` the churn label when observed."""

    cutoff: date
    customer_ids: np.ndarray
    external_ids: list[str]
    org_unit_ids: list[int | None]
    X: np.ndarray
    y: np.ndarray | None
    segments: np.ndarray

    def column(self, name: str) -> np.ndarray:
        """One feature column by name."""
        return self.X[:, FEATURE_NAMES.index(name)]


def start_of(day: date) -> datetime:
    """Midnight in Korea at the start of ``day`` (cutoffs are Korean calendar days)."""
    return datetime.combine(day, time(), KST)


def _order_aggregates(cut: datetime, end: datetime | None = None):
    """Per-customer order figures before ``cut``; with ``end``, also the orders in [cut, end) (the churn label)
    from the same single pass over the orders, instead of a second scan."""
    o = Order
    placed = o.ordered_at < cut
    kept = and_(placed, o.status != OrderStatus.CANCELLED)
    d90, d180 = cut - timedelta(days=90), cut - timedelta(days=180)
    return (select(o.customer_id,
                   func.max(case((kept, o.ordered_at))).label("last_order"),
                   func.min(case((kept, o.ordered_at))).label("first_order"),
                   func.count(case((kept, 1))).label("frequency"),
                   func.coalesce(func.sum(case((kept, o.amount))), 0).label("monetary"),
                   func.count(case((and_(kept, o.ordered_at >= d90), 1))).label("orders_90d"),
                   func.count(case((and_(kept, o.ordered_at >= d180, o.ordered_at < d90), 1))).label("orders_prev_90d"),
                   func.count(case((and_(kept, o.ordered_at >= cut - timedelta(days=30)), 1))).label("orders_30d"),
                   func.coalesce(func.sum(case((and_(kept, o.ordered_at >= d90), o.amount))), 0).label("spend_90d"),
                   func.coalesce(func.sum(case((and_(kept, o.ordered_at >= d180, o.ordered_at < d90), o.amount))),
                                 0).label("spend_prev_90d"),
                   func.count(case((and_(placed, o.returned_on < cut.date()), 1))).label("returns"),
                   func.count(case((and_(o.ordered_at < cut - timedelta(days=14),
                                         o.status == OrderStatus.CANCELLED), 1))).label("cancellations"),
                   func.count(case((o.ordered_at >= cut, 1))).label("orders_after"))
            .where(o.ordered_at < (end or cut)).group_by(o.customer_id).subquery())


def _interaction_aggregates(cut: datetime):
    i = Interaction
    year = i.occurred_at >= cut - timedelta(days=365)
    return (select(i.customer_id,
                   func.count(case((i.occurred_at >= cut - timedelta(days=180), 1))).label("calls_180d"),
                   func.count(case((and_(year, i.topic_code.in_(COMPLAINT_TOPICS)), 1))).label("complaints_365d"),
                   func.count(case((and_(year, i.outcome == "unresolved"), 1))).label("unresolved_365d"))
            .where(i.occurred_at < cut, i.occurred_at >= cut - timedelta(days=365), i.customer_id.is_not(None))
            .group_by(i.customer_id).subquery())


def _consent_aggregates(cut: datetime):
    c = CustomerConsent  # events alternate (a repeat is never recorded): more grants than withdrawals = granted
    return (select(c.customer_id,
                   (func.count(case((c.granted.is_(True), 1))) > func.count(case((c.granted.is_(False), 1))))
                   .label("consent_marketing"))
            .where(c.purpose == ConsentPurpose.MARKETING, c.recorded_at < cut).group_by(c.customer_id).subquery())


def _survey_aggregates(cut: datetime):
    return (select(Contact.customer_id, func.count(func.distinct(Response.id)).label("responses"),
                   func.avg(case((Answer.question_code.in_(NPS_QUESTIONS), Answer.value_num))).label("nps_score"))
            .join(Invitation, Invitation.contact_id == Contact.id)
            .join(Response, Response.invitation_id == Invitation.id)
            .outerjoin(Answer, Answer.response_id == Response.id)
            .where(Contact.customer_id.is_not(None), Response.status == ResponseStatus.COMPLETE,
                   Response.finished_at < cut)
            .group_by(Contact.customer_id).subquery())


def _interaction_label(cut: datetime, definition: ChurnDefinition):
    """Customers who contacted the center in the horizon after ``cut`` (one row each)."""
    end = cut + timedelta(days=definition.horizon_days)
    return (select(Interaction.customer_id).where(Interaction.occurred_at >= cut, Interaction.occurred_at < end,
                                                   Interaction.customer_id.is_not(None)).distinct().subquery())


#: PostgreSQL settings for the one feature statement (``SET LOCAL``: this transaction only). EXPLAIN ANALYZE at
#: 200,000 customers / 1,000,000 orders showed the per-customer sorts spilling to disk ("external merge") at the
#: default 4 MB work_mem, and half a second of JIT compilation for a statement that runs once. The rows are
#: streamed through a server-side cursor, which PostgreSQL plans for the first 10% of rows (fast-start index
#: scans over every order); every row is wanted, so it is told to plan for all of them.
POSTGRES_SETTINGS = {"work_mem": "64MB", "jit": "off", "cursor_tuple_fraction": "1.0"}


def _tune_statement() -> bool:
    """Apply :data:`POSTGRES_SETTINGS` for this transaction on PostgreSQL; True if applied."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    for name, value in POSTGRES_SETTINGS.items():
        db.session.execute(text(f"SET LOCAL {name} = '{value}'"))
    return True


def _untune_statement() -> None:
    for name in POSTGRES_SETTINGS:
        db.session.execute(text(f"SET LOCAL {name} = DEFAULT"))


def feature_query(cutoff: date, definition: ChurnDefinition | None = None, active_days: int | None = 180):
    """The one SELECT that builds the table (labels only when ``definition`` is given).

    Only customers still active at the cutoff are scored: an order in the ``active_days`` before it
    (default 180, the churn horizon). A customer silent for longer has already left by the churn
    definition; counting them would let a model look good by "predicting" the obvious.
    """
    cut = start_of(cutoff)
    end = cut + timedelta(days=definition.horizon_days) if definition is not None else None
    orders, calls = _order_aggregates(cut, end), _interaction_aggregates(cut)
    consent, survey, cases = _consent_aggregates(cut), _survey_aggregates(cut), case_counts(cut)
    columns = [Customer.id, Customer.external_id, Customer.org_unit_id, orders.c.last_order, orders.c.first_order,
               orders.c.frequency, orders.c.monetary, orders.c.orders_90d, orders.c.spend_90d,
               orders.c.spend_prev_90d, orders.c.returns, orders.c.cancellations,
               orders.c.orders_prev_90d, orders.c.orders_30d, func.coalesce(calls.c.calls_180d, 0),
               func.coalesce(calls.c.complaints_365d, 0), func.coalesce(calls.c.unresolved_365d, 0),
               func.coalesce(cases.c.open_cases, 0), func.coalesce(cases.c.overdue_cases, 0),
               func.coalesce(survey.c.responses, 0), survey.c.nps_score, consent.c.consent_marketing]
    query = (select(*columns).join(orders, orders.c.customer_id == Customer.id)
             .outerjoin(calls, calls.c.customer_id == Customer.id)
             .outerjoin(consent, consent.c.customer_id == Customer.id)
             .outerjoin(survey, survey.c.customer_id == Customer.id)
             .where(orders.c.frequency > 0, or_(Customer.anonymised_at.is_(None), Customer.anonymised_at >= cut))
             .order_by(Customer.id))
    if active_days is not None:
        query = query.where(orders.c.last_order >= cut - timedelta(days=active_days))
    query = query.outerjoin(cases, cases.c.customer_id == Customer.id)
    if definition is not None:  # active after the cutoff: an order (same pass as the features) or a contact
        active = orders.c.orders_after > 0
        if definition.count_interactions:
            called = _interaction_label(cut, definition)
            query = query.outerjoin(called, called.c.customer_id == Customer.id)
            active = or_(active, called.c.customer_id.is_not(None))
        query = query.add_columns(active)
    return query


def build_features(cutoff: date, definition: ChurnDefinition | None = None,
                   active_days: int | None = 180) -> FeatureTable:
    """The feature table at ``cutoff``; with a ``definition``, the churn label too (caller checks the
    horizon is observed, :meth:`ChurnDefinition.check_observed`)."""
    cut = start_of(cutoff)
    tuned = _tune_statement()
    # Core, not ORM, execution: plain tuples streamed from a server-side cursor, no ORM row processing
    result = db.session.connection().execute(
        feature_query(cutoff, definition, active_days).execution_options(yield_per=20_000))
    ids, external, units, rows, labels = [], [], [], [], []
    for row in result:
        (cid, ext, unit, last, first, freq, money, o90, s90, sprev, returns, cancels, oprev, o30, calls, complaints,
         unresolved, open_cases, overdue, responses, nps, consent) = row[:22]
        ids.append(cid)
        external.append(ext)
        units.append(unit)
        nps_value = float(nps) if nps is not None else np.nan
        recency, tenure = _days(cut, last), _days(cut, first)
        # days since the last order over the customer's usual gap (tenure / orders): > 1 = overdue
        gap = recency / ((tenure + 1) / freq)
        rows.append((recency, freq, money, tenure, o90, (s90 - sprev) / 10_000, returns, cancels,
                     calls, complaints, unresolved, open_cases, overdue, 1.0 if responses else 0.0,
                     nps_value, 1.0 if nps is not None and nps_value <= 6 else 0.0, 1.0 if consent else 0.0, gap,
                     o90 - oprev, o30))
        if definition is not None:
            labels.append(0 if row[22] else 1)
    if tuned:
        _untune_statement()
    base = np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES) - 3)
    nps_col = FEATURE_NAMES.index("nps_score")
    known = ~np.isnan(base[:, nps_col])
    base[~known, nps_col] = np.nanmean(base[known, nps_col]) if known.any() else 0.0  # "no answer" = average
    if len(rows):
        scores = rfm_scores(base[:, 0], base[:, 1], base[:, 2])
        X = np.column_stack([base, scores.r, scores.f, scores.m])
        segments = scores.segment
    else:
        X, segments = np.empty((0, len(FEATURE_NAMES))), np.empty(0, dtype=object)
    return FeatureTable(cutoff, np.array(ids, dtype=np.int64), external, units, X,
                        np.array(labels, dtype=np.int64) if definition is not None else None, segments)


def _days(cut: datetime, moment: datetime | None) -> float:
    if moment is None:
        return np.nan
    if moment.tzinfo is None:  # SQLite returns aggregate timestamps naive (stored as UTC)
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return (cut - moment).total_seconds() / 86_400


def write_csv(table: FeatureTable, path: str) -> int:
    """Write the feature table (external id, segment, features, label if any); returns the row count."""
    reserve_private(Path(path))  # external ids are personal data: readable by this user only
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "segment", *FEATURE_NAMES, *(["churned"] if table.y is not None else [])])
        for i, external in enumerate(table.external_ids):
            values = [f"{v:.4g}" if v != int(v) else str(int(v)) for v in table.X[i]]
            writer.writerow([safe_text(external), table.segments[i], *values, *([int(table.y[i])] if table.y is not None else [])])
    return len(table.external_ids)
