"""Writes of the retention package: store a churn run, start an action with its holdout, mark a call.

Each checks, then changes, flushes, audits and returns; none commits (the request boundary or the
scheduled job commits once).
"""
from __future__ import annotations

import secrets
from datetime import date

import numpy as np
from sqlalchemy import exists, insert, select

from analysis.customers.churn import ChurnDefinition
from analysis.customers.uplift import Uplift, assign_holdout, retention_uplift

from ..audit import current_actor, record
from ..customers.consent import may_contact
from ..database import db
from ..models import (
    ChurnAction,
    ChurnActionKind,
    ChurnActionMember,
    ChurnRun,
    ChurnScore,
    Customer,
    Order,
    utcnow,
)
from .cases_link import create_callback_cases
from .features import start_of
from .scoring import run_churn
from .waves import PURPOSE, ActionWaveError, send_action_wave, wave_survey

MAX_ACTION_SIZE = 5_000


class RetentionError(ValueError):
    """A retention request that cannot be carried out; the message is for the user (Korean)."""


def store_churn_run(score_at: date | None = None, method: str = "logistic",
                    definition: ChurnDefinition | None = None) -> ChurnRun:
    """Backtest, refit and score; keep the figures always and the scores only from a model that beat both
    the recency rule and the RFM score."""
    definition = definition or ChurnDefinition()
    run = ChurnRun(method=method, horizon_days=definition.horizon_days, status="failed", backtest={},
                   warnings={"lines": []})
    db.session.add(run)
    try:
        result = run_churn(score_at, definition, method)
    except ValueError as exc:
        run.message = str(exc)
        db.session.flush()
        record("churn.run", "churn_run", run.id, {"status": run.status})
        return run
    bt = result.backtest
    run.cutoff = result.scored.cutoff
    run.backtest = {"model": bt.model.as_dict(), "recency": bt.recency.as_dict(), "rfm": bt.rfm.as_dict(),
                    "train_cutoffs": [str(c) for c in bt.train_cutoffs], "test_cutoff": str(bt.test_cutoff),
                    "coefficients": result.model.coefficients()}
    run.warnings = {"lines": list(dict.fromkeys(result.warnings))}
    run.status = "ok" if bt.beats_baselines else "refused"
    if run.status == "refused":
        run.message = "모형의 검증 AUC가 최근성 기준이나 RFM 점수보다 높지 않아 점수를 보여 드리지 않습니다."
    db.session.flush()
    if run.status == "ok":
        _store_scores(run, result)
    record("churn.run", "churn_run", run.id, {"status": run.status, "auc": round(bt.model.roc_auc, 4)})
    return run


def _store_scores(run: ChurnRun, result) -> None:
    table = result.scored
    rows = [{"run_id": run.id, "customer_id": int(cid), "org_unit_id": unit, "risk": float(risk),
             "segment": str(segment), "reasons": {"items": why}}
            for cid, unit, risk, segment, why in zip(table.customer_ids, table.org_unit_ids, result.risk,
                                                    table.segments, result.reasons, strict=True)]
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(ChurnScore.__table__), rows[start:start + 10_000])
    run.scored = len(rows)
    db.session.flush()


def start_action(customer_ids: list[int], *, name: str, kind: str, org_unit_id: int | None, source: str,
                 holdout_share: float = 0.10, window_days: int = 90, run_id: int | None = None,
                 today: date | None = None, risks: dict[int, float] | None = None,
                 survey_id: int | None = None) -> ChurnAction:
    """Randomise the customers into treated and a holdout (recorded with its seed), then act on the treated:
    call-back cases, or a wave of survey ``survey_id`` (a message to those who agreed to marketing, a survey to
    those who did not refuse surveys) whose invitations go to the treated only."""
    if kind not in ChurnActionKind.ALL:
        raise RetentionError("조치 종류를 골라 주십시오.")
    try:
        survey = wave_survey(survey_id) if kind in ChurnActionKind.WAVES else None
    except ActionWaveError as exc:
        raise RetentionError(str(exc)) from exc
    if not 0.05 <= holdout_share <= 0.5:
        raise RetentionError("비교군 비율은 5%에서 50% 사이로 정해 주십시오.")
    if not 14 <= window_days <= 365:
        raise RetentionError("효과를 볼 기간은 14일에서 365일 사이로 정해 주십시오.")
    ids = list(dict.fromkeys(customer_ids))
    if kind in ChurnActionKind.WAVES:  # only those who consent to the purpose, before randomising
        customers = db.session.scalars(select(Customer).where(Customer.id.in_(ids))).all()
        allowed = {c.id for c in customers if may_contact(c, PURPOSE[kind])}
        ids = [i for i in ids if i in allowed]
    if len(ids) > MAX_ACTION_SIZE:
        raise RetentionError(f"한 번에 {MAX_ACTION_SIZE:,}명까지 조치할 수 있습니다.")
    control_size = round(holdout_share * len(ids))
    if len(ids) < 2 or control_size < 1:
        raise RetentionError("비교군을 둘 수 있을 만큼 고객이 많지 않습니다. 대상을 늘리거나 비교군 비율을 높여 주십시오.")
    seed = secrets.randbelow(2**31)
    holdout = assign_holdout(len(ids), holdout_share, seed=seed)
    action = ChurnAction(name=name, kind=kind, source=source, org_unit_id=org_unit_id, run_id=run_id,
                         created_by_id=current_actor()[0], holdout_share=holdout_share, seed=seed,
                         starts_on=today or date.today(), window_days=window_days)
    db.session.add(action)
    db.session.flush()
    risks = risks or {}
    db.session.execute(insert(ChurnActionMember.__table__), [
        {"action_id": action.id, "customer_id": cid, "arm": "control" if held else "treated", "risk": risks.get(cid)}
        for cid, held in zip(ids, holdout.tolist(), strict=True)])
    treated = [cid for cid, held in zip(ids, holdout.tolist(), strict=True) if not held]
    if kind == ChurnActionKind.CALLBACK:
        _open_callbacks(action, treated)
    else:
        try:
            send_action_wave(action, survey)
        except ActionWaveError as exc:  # the request boundary rolls back the action with it
            raise RetentionError(str(exc)) from exc
    record("churn.action_start", "churn_action", action.id,
           {"kind": kind, "treated": len(treated), "control": len(ids) - len(treated), "seed": seed,
            "holdout_share": holdout_share, "wave": action.wave_id})
    return action


def _open_callbacks(action: ChurnAction, treated: list[int]) -> None:
    case_ids = create_callback_cases(treated, title=f"이탈 방지 해피콜: {action.name}",
                                     note="이탈 위험 고객 목록에서 만든 안부·재구매 안내 전화")
    members = {m.customer_id: m for m in db.session.scalars(
        select(ChurnActionMember).where(ChurnActionMember.action_id == action.id, ChurnActionMember.arm == "treated"))}
    for cid, case_id in zip(treated, case_ids, strict=True):
        members[cid].case_id = case_id
    db.session.flush()


def mark_called(member: ChurnActionMember) -> None:
    """Record that a treated customer was called."""
    if member.arm != "treated":
        raise RetentionError("비교군 고객에게는 연락하지 않습니다.")
    if member.called_at is None:
        member.called_at = utcnow()
        db.session.flush()
        record("churn.action_called", "churn_action", member.action_id, {"member": member.id})


def action_outcome(action: ChurnAction, today: date | None = None) -> Uplift | None:
    """Retained share treated vs control once the window has passed (None before).

    Retained = placed an order within the window. Calls do not count: the call-back itself is an
    interaction, and counting it would credit the action with its own phone calls.
    """
    if not action.is_measurable_on(today or date.today()):
        return None
    ordered = exists().where(Order.customer_id == ChurnActionMember.customer_id,
                             Order.ordered_at >= start_of(action.starts_on),
                             Order.ordered_at < start_of(action.ends_on))
    rows = db.session.execute(select(ChurnActionMember.arm, ordered)
                              .where(ChurnActionMember.action_id == action.id)).all()
    treated = np.array([1 if kept else 0 for arm, kept in rows if arm == "treated"])
    control = np.array([1 if kept else 0 for arm, kept in rows if arm == "control"])
    return retention_uplift(treated, control)
