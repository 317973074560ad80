"""Free text analysed once on arrival (topic, sentiment, content words), so reports never re-tokenise.

One row per analysed text, named by its source: ``answer`` (an open-ended survey answer: ``source_id`` is
the response, ``source_code`` the question code, as answers are keyed), and — for the customer records and VOC cases being built — ``call_note`` and
``case``. A new kind of text needs no schema change: add a :class:`TextSource` member and store rows
with :func:`survey_app.voc.operations.store_analyses`.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class TextSource(enum.StrEnum):
    """Where an analysed text comes from."""

    ANSWER = "answer"  # an open-ended answer of a survey response (response id + question code)
    CALL_NOTE = "call_note"  # a contact-center call note (customer records)
    CASE = "case"  # a VOC case description


class TextAnalysis(Base):
    """The stored analysis of one text: topic and sentiment with probabilities, content words, a masked quote.

    ``tokens`` holds the content words separated by spaces (배달 늦다 택배) and ``word_ids`` the same words
    as :class:`TextWord` ids packed as little-endian int32 (None for a row stored before migration 0021 and
    not filled in yet), so reports read ids, not strings; ``quote`` the text with
    telephone numbers, e-mail addresses, account numbers and people's names hidden, shortened, for
    example quotes. ``confirmed_topic`` is a topic staff confirmed or corrected; it trains the next model.
    """

    __tablename__ = "text_analyses"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_id", "source_code"),
        Index("ix_text_analyses_wave_topic", "wave_id", "topic"),
        Index("ix_text_analyses_kind_arrived", "source_kind", "arrived_at"),
        Index("ix_text_analyses_confirmed_at", "confirmed_at"),  # the few confirmed rows, read before each batch
        # covers a wave's stamp (number, highest id, latest analysis and confirmation) without reading the rows
        Index("ix_text_analyses_wave_stamp", "wave_id", "source_kind", "id", "analysed_at", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int]
    source_code: Mapped[str] = mapped_column(String(64), default="")
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    arrived_at: Mapped[datetime]
    topic: Mapped[str] = mapped_column(String(40))
    topic_probability: Mapped[float] = mapped_column(Float)
    sentiment: Mapped[str] = mapped_column(String(10))
    sentiment_probability: Mapped[float] = mapped_column(Float)
    tokens: Mapped[str] = mapped_column(Text, default="")
    word_ids: Mapped[bytes | None] = mapped_column(LargeBinary)  # the tokens as ids of text_words, int32 LE
    quote: Mapped[str] = mapped_column(Text, default="")
    model: Mapped[str] = mapped_column(String(40))
    analysed_at: Mapped[datetime]
    confirmed_topic: Mapped[str | None] = mapped_column(String(40))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None]

    @property
    def words(self) -> list[str]:
        """The stored content words."""
        return self.tokens.split()

    @property
    def final_topic(self) -> str:
        """The topic staff confirmed, else the predicted one."""
        return self.confirmed_topic or self.topic


class TextWord(Base):
    """A content word of the analysed texts (the vocabulary): ``text_analyses.word_ids`` refer to its id.

    ``digest`` (SHA-1 of the word) is the unique key, so a word of any length can be looked up and two
    jobs adding the same new word at once store it once.
    """

    __tablename__ = "text_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(40), unique=True)
    word: Mapped[str] = mapped_column(Text)
