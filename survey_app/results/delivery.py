"""Scheduled report delivery: which subscriptions are due, claiming each (subscription, period) once, sending.

- weekly: the ISO week's report is due on the subscription's weekday or the first run after it that week;
- monthly: the month's report is due on its day (1–28) or the first run after it that month;
- at close: once per wave that closed (at its close time, by the distribution tick) after the
  subscription was made.

Weekly and monthly reports are of the survey's latest wave (the running one, else the most recently
closed), or of the subscription's fixed wave. Before sending, a :class:`ReportDelivery` row unique per
(subscription, period) is claimed and committed, so a restarted scheduler or a standby that takes over
never sends a period twice; a failed delivery is claimed again on the next run and retried. A claim left
``sending`` by a process that died is retried after :data:`STALE_CLAIM`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..database import db
from ..distribution.channels import SendError, email_channel
from ..models import Cadence, DeliveryStatus, ReportDelivery, ReportSubscription, Wave, WaveState, utcnow
from .report_mail import DeliveryProblem, build_report_mail, check_recipients, creator_units, make_workbook
from .workbook import local_zone

STALE_CLAIM = timedelta(hours=1)


def period_due(subscription: ReportSubscription, local_now: datetime) -> str | None:
    """The weekly or monthly period whose report is due at ``local_now`` (local time), or None yet."""
    if subscription.cadence == Cadence.WEEKLY and local_now.weekday() >= (subscription.weekday or 0):
        year, week, _day = local_now.isocalendar()
        return f"{year}-W{week:02d}"
    if subscription.cadence == Cadence.MONTHLY and local_now.day >= (subscription.day_of_month or 1):
        return f"{local_now.year}-{local_now.month:02d}"
    return None


def latest_wave(survey_id: int) -> Wave | None:
    """The survey's running wave (the latest opened), else its most recently closed one."""
    running = case((Wave.state == WaveState.OPEN, 0), else_=1)
    return db.session.scalar(select(Wave).where(Wave.survey_id == survey_id,
                                                Wave.state.in_([WaveState.OPEN, WaveState.CLOSED]))
                             .order_by(running, Wave.closes_at.desc().nulls_last(), Wave.opens_at.desc().nulls_last(),
                                       Wave.id.desc()).limit(1))


def closed_waves(subscription: ReportSubscription) -> list[Wave]:
    """Waves of the subscription that closed after it was made (its fixed wave, or any of the survey's)."""
    query = select(Wave).where(Wave.state == WaveState.CLOSED, Wave.closes_at.is_not(None),
                               Wave.closes_at >= subscription.created_at)
    if subscription.wave_id is not None:
        query = query.where(Wave.id == subscription.wave_id)
    return list(db.session.scalars(query.where(Wave.survey_id == subscription.survey_id).order_by(Wave.closes_at)))


def due_reports(subscription: ReportSubscription, now: datetime) -> list[tuple[str, Wave]]:
    """(period, wave) pairs the subscription owes at ``now``."""
    if subscription.cadence == Cadence.CLOSE:
        return [(f"wave-{wave.id}", wave) for wave in closed_waves(subscription)]

    period = period_due(subscription, now.astimezone(local_zone()))
    wave = subscription.wave or latest_wave(subscription.survey_id)
    return [(period, wave)] if period and wave is not None else []


def claim(subscription: ReportSubscription, period: str, wave: Wave, now: datetime) -> ReportDelivery | None:
    """The delivery row for (subscription, period), claimed for this run; None when sent or claimed elsewhere."""
    found = db.session.scalar(select(ReportDelivery).where(ReportDelivery.subscription_id == subscription.id,
                                                           ReportDelivery.period == period))
    if found is None:
        delivery = ReportDelivery(subscription_id=subscription.id, period=period, wave_id=wave.id, claimed_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(delivery)
        except IntegrityError:  # another scheduler claimed it a moment ago
            return None
        return delivery
    retry = (ReportDelivery.status == DeliveryStatus.FAILED) | (
        (ReportDelivery.status == DeliveryStatus.SENDING) & (ReportDelivery.claimed_at < now - STALE_CLAIM))
    taken = db.session.execute(
        update(ReportDelivery).where(ReportDelivery.id == found.id, retry)
        .values(status=DeliveryStatus.SENDING, claimed_at=now, attempts=ReportDelivery.attempts + 1, wave_id=wave.id)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:
        return None
    db.session.refresh(found)
    return found


def _finish(subscription: ReportSubscription, delivery: ReportDelivery, error: str | None, now: datetime) -> None:
    delivery.status = DeliveryStatus.FAILED if error else DeliveryStatus.SENT
    delivery.error, delivery.sent_at = error, None if error else now
    subscription.last_status, subscription.last_attempt_at, subscription.last_error = delivery.status, now, error
    if not error:
        subscription.last_sent_at = now
    audit.record("results.report_delivery", "report_subscription", subscription.id,
                 {"period": delivery.period, "wave_id": delivery.wave_id, "status": delivery.status,
                  "recipients": len(subscription.recipients), "attempt": delivery.attempts, "error": error})


def send_report(subscription: ReportSubscription, delivery: ReportDelivery, wave: Wave, channel) -> str | None:
    """Make and send the workbook of one claimed delivery; returns the error text, or None when sent."""
    try:
        check_recipients(list(subscription.recipients))
        units = creator_units(subscription)
        workbook, headline = make_workbook(wave, units)
        mail = build_report_mail(current_app.config["MAIL_FROM"], list(subscription.recipients),
                                 f"report-{delivery.id}", wave, delivery.period, workbook, headline, units is not None)
        channel.send_mail(mail, list(subscription.recipients))
    except (DeliveryProblem, SendError) as exc:
        return str(exc)
    return None


def deliver(subscription: ReportSubscription, period: str, wave: Wave, channel, now: datetime,
            commit: Callable[[], None]) -> str | None:
    """Claim, send and record one report; returns a line for the log, or None when nothing was due."""
    delivery = claim(subscription, period, wave, now)
    if delivery is None:
        return None
    commit()  # the claim is visible to every other scheduler before anything is sent
    error = send_report(subscription, delivery, wave, channel)
    _finish(subscription, delivery, error, now)
    commit()
    outcome = f"실패 (failed): {error}" if error else "보냄 (sent)"
    return f"구독 {subscription.id} {period} {wave.code}: {outcome}"


def run_deliveries(now: datetime | None = None, *, only_close: bool = False) -> list[str]:
    """One pass over every active subscription, sending what is due; commits after each claim and send."""
    now, lines = now or utcnow(), []
    query = select(ReportSubscription).where(ReportSubscription.active.is_(True)).order_by(ReportSubscription.id)
    if only_close:
        query = query.where(ReportSubscription.cadence == Cadence.CLOSE)
    channel = email_channel(current_app)
    try:
        for subscription in db.session.scalars(query).all():
            for period, wave in due_reports(subscription, now):
                line = deliver(subscription, period, wave, channel, now, db.session.commit)
                if line:
                    lines.append(line)
    finally:
        channel.close()
    return lines


def send_test(subscription: ReportSubscription, now: datetime | None = None) -> str | None:
    """Send the subscription's report now, outside its schedule (the page's "send now"); returns the error."""
    now = now or utcnow()
    wave = subscription.wave or latest_wave(subscription.survey_id)
    if wave is None:
        return "아직 진행 중이거나 마감된 차수가 없어 보낼 보고서가 없습니다."
    channel = email_channel(current_app)
    try:
        line = deliver(subscription, f"test-{now:%Y%m%dT%H%M%S.%f}", wave, channel, now, db.session.flush)
    finally:
        channel.close()
    return None if line and subscription.last_status == DeliveryStatus.SENT else subscription.last_error
