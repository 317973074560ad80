"""The customer workbook (고객 세분화, 이탈 위험, 구매 패턴) from the newest usable churn run and the orders.

Everything arrives aggregated: segment and office figures per scored customer (one row each), the cohort
table from distinct (customer, month) pairs grouped in SQL — never the order rows.
"""
from __future__ import annotations

from datetime import date

import holidays
import numpy as np
from sqlalchemy import func, select

from analysis.customers.patterns import category_mix, cohort_retention, holiday_seasonality
from analysis.customers.rfm import SEGMENTS, segment_migration
from exports.sheets_customers import CustomerWorkbookInput, OfficeRisk, SegmentRow

from ..database import db
from ..models import ChurnRun, ChurnScore, Order, OrderStatus, OrgUnit

NOT_SCORED = "구매 없음"


def _order_month():
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Seoul", Order.ordered_at), "YYYY-MM")
    return func.strftime("%Y-%m", func.datetime(Order.ordered_at, "+9 hours"))


def _cohort():
    month = _order_month()
    pairs = db.session.execute(select(Order.customer_id, month).where(Order.status != OrderStatus.CANCELLED)
                               .group_by(Order.customer_id, month)).all()
    if not pairs:
        return None
    return cohort_retention([p[0] for p in pairs], [p[1] for p in pairs])


def _categories():
    rows = db.session.execute(select(Order.category, func.count(), func.sum(Order.amount))
                              .where(Order.status != OrderStatus.CANCELLED).group_by(Order.category)).all()
    return category_mix([r[0] or "기타" for r in rows], [r[1] for r in rows],
                        [int(r[2] or 0) for r in rows]) if rows else None


def _seasonality():
    """Orders per day (grouped in SQL) against 설날 and 추석 of the years covered."""
    day = func.date(Order.ordered_at)
    rows = db.session.execute(select(day, func.count()).where(Order.status != OrderStatus.CANCELLED)
                              .group_by(day)).all()
    if not rows:
        return None
    days = np.array([str(r[0])[:10] for r in rows], dtype="datetime64[D]")
    years = range(int(str(days.min())[:4]), int(str(days.max())[:4]) + 1)
    peaks = [d for d, name in holidays.KR(years=years).items() if name in ("Korean New Year", "Chuseok")]
    try:
        return holiday_seasonality(days, peaks, counts=[r[1] for r in rows])
    except ValueError:  # no 설·추석 within the data's span
        return None


def _migration(before: ChurnRun, after: ChurnRun):
    rows: dict[int, list[str]] = {}
    for index, run in enumerate((before, after)):
        for cid, segment in db.session.execute(select(ChurnScore.customer_id, ChurnScore.segment)
                                               .where(ChurnScore.run_id == run.id)):
            rows.setdefault(cid, [NOT_SCORED, NOT_SCORED])[index] = segment
    pairs = list(rows.values())
    return segment_migration([p[0] for p in pairs], [p[1] for p in pairs], SEGMENTS + (NOT_SCORED,)) if pairs else None


def customer_workbook_input(today: date | None = None) -> CustomerWorkbookInput:
    """The workbook's input; raises ValueError when no run may be shown and there are no orders."""
    runs = db.session.scalars(select(ChurnRun).where(ChurnRun.status == "ok").order_by(ChurnRun.id.desc()).limit(2)).all()
    run = runs[0] if runs else None
    segments, offices = [], []
    if run is not None:
        found = dict(db.session.execute(select(ChurnScore.segment, func.count()).where(ChurnScore.run_id == run.id)
                                        .group_by(ChurnScore.segment)).all())
        risk = dict(db.session.execute(select(ChurnScore.segment, func.avg(ChurnScore.risk))
                                       .where(ChurnScore.run_id == run.id).group_by(ChurnScore.segment)).all())
        segments = [SegmentRow(name, found[name], float(risk[name])) for name in SEGMENTS if name in found]
        scored = db.session.execute(select(ChurnScore.org_unit_id, ChurnScore.risk).where(ChurnScore.run_id == run.id)).all()
        units = np.array([u if u is not None else -1 for u, _ in scored])
        risks = np.array([r for _, r in scored])
        cut = np.quantile(risks, 0.9)
        names = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name)).all())
        for unit in np.unique(units).tolist():
            mine = risks[units == unit]
            offices.append(OfficeRisk(names.get(unit, "소속 없음"), int(mine.size), float(mine.mean()),
                                      int((mine >= cut).sum())))
        offices.sort(key=lambda o: -o.mean_risk)
    cohort = _cohort()
    if run is None and cohort is None:
        raise ValueError("보여 드릴 이탈 예측 결과도 주문도 없습니다")
    return CustomerWorkbookInput("고객 세분화·이탈 위험·구매 패턴", today or date.today(), run.cutoff if run else None,
                                 segments, _migration(runs[1], run) if len(runs) == 2 else None,
                                 {k: run.backtest.get(k) for k in ("model", "recency", "rfm")} if run else {},
                                 offices, cohort, _categories(), _seasonality())
