"""A wave's funnel: targeted → skipped (opt-out, no-resurvey, invalid) → invited → sent / failed → opened →
started → completed, and people who unsubscribed after their invitation, by channel and by one segment
attribute, counted in SQL."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, select

from ..database import db
from ..models import (
    AudienceSkip,
    Contact,
    Invitation,
    OutboxMessage,
    OutboxStatus,
    Response,
    ResponseStatus,
    SkipReason,
)

STAGES = ("targeted", "opt_out", "no_resurvey", "invalid", "invited", "sent", "failed", "opened", "started", "completed",
          "unsubscribed")
#: ``targeted`` = skipped (by reason) + ``invited``; ``unsubscribed``: invited people who opted out afterwards.
STAGE_LABELS = {"targeted": _l("선정 대상"), "opt_out": _l("제외: 수신거부"), "no_resurvey": _l("제외: 재조사 제한"),
                "invalid": _l("제외: 연락처 부적합"), "invited": _l("초대"), "sent": _l("발송"), "failed": _l("발송 실패"),
                "opened": _l("열람"), "started": _l("응답 시작"), "completed": _l("응답 완료"),
                "unsubscribed": _l("안내 후 수신거부")}


@dataclass
class FunnelRow:
    """Counts for one (channel, segment) group."""

    channel: str
    segment: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))

    @property
    def response_rate(self) -> float | None:
        """Completed responses per message sent (None before anything was sent)."""
        sent = self.counts["sent"]
        return self.counts["completed"] / sent if sent else None


@dataclass
class Funnel:
    """The funnel rows of a wave and their total."""

    rows: list[FunnelRow]
    total: FunnelRow


def _segment(column, key: str | None, channel):
    """The segment attribute as text; without a key the channel stands in (and is blanked afterwards)."""
    return column[key].as_string() if key else channel


def _invitation_counts(wave_id: int, key: str | None):
    failed = exists().where(OutboxMessage.invitation_id == Invitation.id,
                            OutboxMessage.status.in_([OutboxStatus.FAILED, OutboxStatus.BOUNCED]))
    segment = _segment(Invitation.hidden, key, Invitation.channel)
    query = (select(Invitation.channel, segment, func.count(Invitation.id), func.count(Invitation.sent_at),
                    func.sum(case((Invitation.sent_at.is_(None) & failed, 1), else_=0)),
                    func.count(Invitation.opened_at), func.count(Response.id),
                    func.sum(case((Response.status == ResponseStatus.COMPLETE, 1), else_=0)),
                    func.count(Contact.opted_out_at))
             .outerjoin(Response, Response.invitation_id == Invitation.id)
             .outerjoin(Contact, Contact.id == Invitation.contact_id)
             .where(Invitation.wave_id == wave_id).group_by(Invitation.channel, segment))
    return db.session.execute(query).all()


def _skip_counts(wave_id: int, key: str | None):
    segment = _segment(AudienceSkip.segment, key, AudienceSkip.channel)
    query = (select(AudienceSkip.channel, segment, AudienceSkip.reason, func.count(AudienceSkip.id))
             .where(AudienceSkip.wave_id == wave_id).group_by(AudienceSkip.channel, segment, AudienceSkip.reason))
    return db.session.execute(query).all()


def wave_funnel(wave_id: int, segment_key: str | None = None) -> Funnel:
    """The wave's funnel by channel, and by ``segment_key`` (e.g. ``region``) when given."""
    rows: dict[tuple[str, str], FunnelRow] = {}

    def row(channel, segment) -> FunnelRow:
        key = (channel or "-", (segment or "-") if segment_key else "")
        return rows.setdefault(key, FunnelRow(*key))

    for channel, segment, invited, *stages in _invitation_counts(wave_id, segment_key):
        counts = row(channel, segment).counts
        counts["targeted"] += invited
        counts["invited"] += invited
        for name, value in zip(("sent", "failed", "opened", "started", "completed", "unsubscribed"), stages, strict=True):
            counts[name] += int(value or 0)
    for channel, segment, reason, number in _skip_counts(wave_id, segment_key):
        counts = row(channel, segment).counts
        counts["targeted"] += number
        if reason in {r.value for r in SkipReason}:
            counts[reason] += number
    return Funnel(sorted(rows.values(), key=lambda r: (r.channel, r.segment)), _total(rows.values()))


def _total(rows) -> FunnelRow:
    total = FunnelRow("전체", "")
    sums: dict[str, int] = defaultdict(int)
    for r in rows:
        for stage, value in r.counts.items():
            sums[stage] += value
    total.counts.update(sums)
    return total


def outbox_counts(wave_id: int) -> dict[str, int]:
    """Outbox messages of the wave by status (pending, sending, sent, failed, bounced, cancelled)."""
    query = (select(OutboxMessage.status, func.count(OutboxMessage.id))
             .where(OutboxMessage.wave_id == wave_id).group_by(OutboxMessage.status))
    counts = dict.fromkeys([s.value for s in OutboxStatus], 0)
    counts.update({status: n for status, n in db.session.execute(query).all()})
    return counts
