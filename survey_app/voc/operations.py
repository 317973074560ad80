"""Writes of analysed texts. They flush and never commit (the job or the request boundary commits once).

Any feature with free text stores its analyses here with its own source kind (a
:class:`~survey_app.models.TextSource` member): the answers job does, and so can call notes and VOC cases.
A text already analysed is left as it is (the unique key is kind + source id), so running twice adds
nothing twice, and two schedulers racing insert each text once.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from .. import audit
from ..database import db
from ..models import TextAnalysis, User, utcnow
from .analyser import analyse_texts, topic_names
from .vocabulary import pack_words

__all__ = ["SourceText", "store_analyses", "confirm_topic", "TopicError"]


class TopicError(ValueError):
    """A topic code that is not in the topic list, or a text that was never analysed."""


@dataclass(frozen=True)
class SourceText:
    """A text to analyse: its source id, the text, when it arrived, and its wave and org unit when known."""

    source_id: int
    text: str | None
    arrived_at: datetime
    wave_id: int | None = None
    org_unit_id: int | None = None
    source_code: str = ""  # the question code of an answer; empty for sources with one text per id


def store_analyses(kind: str, items: Sequence[SourceText]) -> int:
    """Analyse ``items`` of source ``kind`` and store one row each with its words as vocabulary ids (existing
    ones untouched); rows inserted."""
    if not items:
        return 0
    results = analyse_texts([item.text for item in items])
    word_ids = pack_words([r.tokens.split() for r in results])
    now = utcnow()
    rows = [dict(source_kind=str(kind), source_id=item.source_id, source_code=item.source_code, wave_id=item.wave_id, org_unit_id=item.org_unit_id,
                 arrived_at=item.arrived_at or now, topic=r.topic, topic_probability=r.topic_probability,
                 sentiment=r.sentiment, sentiment_probability=r.sentiment_probability, tokens=r.tokens,
                 word_ids=ids, quote=r.quote, model=r.model, analysed_at=now)
            for item, r, ids in zip(items, results, word_ids, strict=True)]
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(TextAnalysis)
    statement = insert.on_conflict_do_nothing(index_elements=["source_kind", "source_id", "source_code"]).returning(TextAnalysis.id)
    inserted = db.session.scalars(statement, rows).all()
    db.session.flush()
    return len(inserted)


def confirm_topic(kind: str, source_id: int, topic: str, user: User | None, *, source_code: str = "") -> TextAnalysis:
    """Staff confirm or correct the topic of an analysed text; the correction trains the next topic model."""
    if topic not in topic_names():
        raise TopicError(f"알 수 없는 주제입니다: {topic}")
    row = db.session.scalar(select(TextAnalysis).where(TextAnalysis.source_kind == str(kind),
                                                       TextAnalysis.source_id == source_id,
                                                       TextAnalysis.source_code == source_code))
    if row is None:
        raise TopicError("아직 분석되지 않은 글입니다.")
    previous = row.final_topic
    row.confirmed_topic, row.confirmed_at = topic, utcnow()
    row.confirmed_by_id = user.id if user is not None else None
    db.session.flush()
    audit.record("voc.topic_confirmed", "text_analysis", row.id,
                 {"kind": str(kind), "source_id": source_id, "source_code": source_code, "from": previous,
                  "to": topic})
    return row
