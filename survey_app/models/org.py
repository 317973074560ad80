"""The organisation: a tree of units (본부 → 지방우정청 → 우체국/센터 → 팀) and the staff in it."""
from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin


class OrgLevel(enum.StrEnum):
    """Where a unit sits in the postal organisation."""

    HEADQUARTERS = "headquarters"  # 우정사업본부
    REGIONAL = "regional"  # 지방우정청
    OFFICE = "office"  # 우체국
    CENTER = "center"  # 우편고객센터 등 센터
    TEAM = "team"  # 팀·과·창구


class OrgUnit(CreatedAtMixin, Base):
    """A unit of the organisation with a stable code (e.g. ``R-SEOUL``, ``P-110000``)."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[OrgLevel] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"), index=True)
    region_code: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent")
    staff: Mapped[list[StaffMember]] = relationship(back_populates="org_unit")

    def ancestors(self) -> list[OrgUnit]:
        """Units above this one, nearest first."""
        chain, unit = [], self.parent
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code} {self.name}>"


class StaffMember(CreatedAtMixin, Base):
    """A person working in a unit: the subject of courtesy evaluations, not a login."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"), index=True)
    position: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)

    org_unit: Mapped[OrgUnit] = relationship(back_populates="staff")
