"""The customer page's timeline rows as text, each message translated once per page (not once per row).

A page of 50 rows would otherwise look up a translation a few hundred times, which costs more than the
queries behind it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from .labels import CHANNEL_LABELS, NPS_GROUP_LABELS, ORDER_STATUS_LABELS, RESPONSE_STATUS_LABELS
from .page import Event


@dataclass(frozen=True)
class Row:
    """One timeline row ready to show: when, what kind (with its state), a summary and a note."""

    at: datetime
    kind: str
    label: str
    summary: str
    note: str = ""


class _Texts:
    """Translated labels and format strings, looked up once."""

    def __init__(self) -> None:
        self.kinds = {"interaction": _("상담"), "order": _("주문"), "survey": _("설문")}
        self.channels = {k: str(v) for k, v in CHANNEL_LABELS.items()}
        self.statuses = {k: str(v) for k, v in ORDER_STATUS_LABELS.items()}
        self.responses = {k: str(v) for k, v in RESPONSE_STATUS_LABELS.items()}
        self.nps_groups = {k: str(v) for k, v in NPS_GROUP_LABELS.items()}
        self.agent, self.topic, self.outcome = _("상담원 %(agent)s"), _("유형 %(topic)s"), _("결과 %(outcome)s")
        self.won, self.quantity = _("%(amount)s원"), _("%(n)s개")
        self.delivered, self.returned = _("배송 %(day)s"), _("반품 %(day)s")
        self.index, self.nps, self.mean = _("종합 지수"), _("추천 의향 %(score)s점 (%(group)s)"), _("문항 평균 %(score)s점")


def _interaction(i, t: _Texts) -> tuple[str, str, str]:
    parts = [i.org_unit.name if i.org_unit else "", t.agent % {"agent": i.agent} if i.agent else "",
             t.topic % {"topic": i.topic_code} if i.topic_code else "",
             t.outcome % {"outcome": i.outcome} if i.outcome else ""]
    note = (i.note or "")[:200]
    return t.channels.get(i.channel, i.channel), " · ".join(p for p in parts if p), note


def _order(o, t: _Texts) -> tuple[str, str, str]:
    parts = [o.external_id, " ".join(p for p in (o.category, o.product) if p), t.won % {"amount": f"{o.amount:,}"},
             t.quantity % {"n": o.quantity},
             t.delivered % {"day": o.delivered_on.isoformat()} if o.delivered_on else "",
             t.returned % {"day": o.returned_on.isoformat()} if o.returned_on else ""]
    return t.statuses.get(o.status, o.status), " · ".join(p for p in parts if p), ""


def _survey(s, t: _Texts, lang: str) -> tuple[str, str, str]:
    parts = [f"{s.wave_name} ({s.wave_code})"]
    scores = s.scores
    if scores is not None:
        if scores.index is not None:
            parts.append(f"{scores.index_name.get(lang) if scores.index_name else t.index} {scores.index:.1f}")
        if scores.nps is not None:
            parts.append(t.nps % {"score": f"{scores.nps:g}", "group": t.nps_groups.get(scores.nps_group, "")})
        if scores.item_mean is not None:
            parts.append(t.mean % {"score": f"{scores.item_mean:.1f}"})
    return t.responses.get(s.status, s.status), " · ".join(parts), ""


def timeline_rows(events: list[Event], lang: str) -> list[Row]:
    """The events as rows of text in the page's language."""
    texts, rows = _Texts(), []
    for event in events:
        if event.kind == "interaction":
            state, summary, note = _interaction(event.item, texts)
        elif event.kind == "order":
            state, summary, note = _order(event.item, texts)
        else:
            state, summary, note = _survey(event.item, texts, lang)
        rows.append(Row(event.at, event.kind, f"{texts.kinds[event.kind]} · {state}", summary, note))
    return rows
