"""Contacts: the people a wave invites. Personal fields are stored encrypted, looked up by keyed hash.

Read and write the personal fields only through ``survey_app.privacy.contacts``, which encrypts,
hashes, masks and logs access; the columns here never hold plaintext.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin
from .org import OrgUnit


class RetentionAction:
    """What happens to a contact when its purpose ends."""

    PURGE = "purge"  # the row is deleted
    ANONYMISE = "anonymise"  # identifiers are erased; segment attributes stay for analysis


class Contact(CreatedAtMixin, Base):
    """A customer who may be invited; segment attributes drive sampling and analysis."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    attributes: Mapped[dict] = mapped_column(default=dict)
    consent: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[datetime | None]
    purge_after: Mapped[datetime | None]
    purge_action: Mapped[str] = mapped_column(String(20), default=RetentionAction.PURGE, server_default="purge")
    anonymised_at: Mapped[datetime | None]
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    source: Mapped[str | None] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)

    org_unit: Mapped[OrgUnit | None] = relationship()
