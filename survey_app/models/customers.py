"""Customer records (고객 데이터베이스): one customer across calls, 우체국쇼핑 orders and surveys.

Identifiers are sealed like contacts' (AES-GCM, keyed hashes for look-ups); read and write them only
through ``survey_app.customers.identity``. Consent is recorded per purpose as a history of events, with
the current state kept on the customer for fast checks.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, utcnow
from .org import OrgUnit


class CustomerKind:
    """개인 or 법인."""

    PERSON = "person"
    BUSINESS = "business"
    ALL = (PERSON, BUSINESS)


class ConsentPurpose:
    """What a customer agreed to (or withdrew): each purpose is separate under 개인정보 보호법 제22조."""

    SURVEY = "survey"  # 설문 조사
    MARKETING = "marketing"  # 마케팅·재구매 안내 (retention messages)
    ANALYSIS = "analysis"  # 분석 활용
    ALL = (SURVEY, MARKETING, ANALYSIS)


class InteractionChannel:
    """Where a counselling contact happened."""

    CALL = "call"
    COUNTER = "counter"
    ONLINE = "online"
    BOARD = "board"
    SMS = "sms"
    KIOSK = "kiosk"
    ALL = (CALL, COUNTER, ONLINE, BOARD, SMS, KIOSK)


class OrderStatus:
    """주문/배송/반품/교환/취소."""

    ORDERED = "ordered"
    DELIVERED = "delivered"
    RETURNED = "returned"
    EXCHANGED = "exchanged"
    CANCELLED = "cancelled"
    ALL = (ORDERED, DELIVERED, RETURNED, EXCHANGED, CANCELLED)


class Customer(CreatedAtMixin, Base):
    """One person or business known to the center's source systems."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=CustomerKind.PERSON)
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    address_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_year: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(String(1))
    region: Mapped[str | None] = mapped_column(String(64))
    customer_type: Mapped[str | None] = mapped_column(String(64))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    consent_survey: Mapped[bool | None]
    consent_marketing: Mapped[bool | None]
    consent_analysis: Mapped[bool | None]
    joined_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    is_stub: Mapped[bool] = mapped_column(default=False)  # made by an order/interaction import for an unknown id
    anonymised_at: Mapped[datetime | None]
    source: Mapped[str | None] = mapped_column(String(200))

    org_unit: Mapped[OrgUnit | None] = relationship()

    def consent_for(self, purpose: str) -> bool | None:
        """The current consent for a purpose (None: never asked)."""
        return getattr(self, f"consent_{purpose}")


class CustomerConsent(Base):
    """One grant or withdrawal of consent for one purpose: when, how, and what was said."""

    __tablename__ = "customer_consents"
    __table_args__ = (Index("ix_customer_consents_customer", "customer_id", "purpose", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[str] = mapped_column(String(32))  # import / api / staff / unsubscribe / web
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Interaction(Base):
    """One counselling contact (상담 이력): a call, a counter visit, a board post, an SMS chat, kiosk help."""

    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_customer_time", "customer_id", "occurred_at"),
                      Index("ix_interactions_occurred_at", "occurred_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    agent: Mapped[str | None] = mapped_column(String(64))
    topic_code: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer | None] = relationship()
    org_unit: Mapped[OrgUnit | None] = relationship()


class Order(Base):
    """One 우체국쇼핑 order line as the shop reports it."""

    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_customer_time", "customer_id", "ordered_at"),
                      Index("ix_orders_ordered_at", "ordered_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    ordered_at: Mapped[datetime]
    category: Mapped[str | None] = mapped_column(String(64))
    product: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)  # won
    quantity: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.ORDERED)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)

    customer: Mapped[Customer] = relationship()


class ErasedRecord(Base):
    """A source-system id whose person was erased, kept only as a keyed hash, so that re-importing an old
    file or a push from the source system does not bring the person back (a suppression list)."""

    __tablename__ = "erased_records"
    __table_args__ = (UniqueConstraint("kind", "key_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # customers / orders / interactions
    key_hash: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)
