"""Estates, their sites and buildings, and households with their occupancy history."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from trustfund.db.base import Base, UTCDateTime, str_enum, utcnow
from trustfund.ledger import privacy


class Occupancy(enum.StrEnum):
    OCCUPIED = "occupied"
    VACANT = "vacant"


class Estate(Base):
    """小区 / 零星住宅: the unit that keeps one ledger and one disclosure."""

    __tablename__ = "estates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    community: Mapped[str] = mapped_column(String(100), default="", index=True)
    street_office: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sites: Mapped[list[Site]] = relationship(back_populates="estate", order_by="Site.code")


class Site(Base):
    """One site of an estate (the reference estate has 14)."""

    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("estate_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))

    estate: Mapped[Estate] = relationship(back_populates="sites")
    buildings: Mapped[list[Building]] = relationship(back_populates="site")


class Building(Base):
    """幢. ``number`` is what residents call it ("3幢" → "3"); unique within the estate."""

    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("estate_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))

    site: Mapped[Site] = relationship(back_populates="buildings")


class Household(Base):
    """户: the fee-paying unit. The ledger names it only by ``code`` (opaque, random);
    ``owner_name`` and ``phone`` are personal data that only staff may see.

    ``name_key`` and ``phone_key`` are what the journal's personal-data check looks for in an
    entry's texts (``trustfund.ledger.privacy``): set whenever ``owner_name`` or ``phone`` is
    assigned (``_keep_keys``), ``None`` when the name or number is too short to compare."""

    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("estate_id", "code"),
        UniqueConstraint("building_id", "entrance", "room"),
        CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name="area_positive"),
        # the personal-data check reads only these columns of the estate's households
        Index("ix_households_privacy_keys", "estate_id", "name_key", "phone_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    entrance: Mapped[str] = mapped_column(String(10))
    room: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(20))
    owner_name: Mapped[str | None] = mapped_column(String(50), default=None)
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    name_key: Mapped[str | None] = mapped_column(String(privacy.MAX_KEY), default=None)
    phone_key: Mapped[str | None] = mapped_column(String(30), default=None)
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Merged into another household or split into new ones from this day: no longer a
    #: fee-paying unit (not charged for a fee year starting on or after it), still listed
    #: with its history and charges; its code and address are never reused.
    closed_on: Mapped[date | None] = mapped_column(Date, default=None)
    #: Made by a split on this day: charged from the first fee year starting on or after it
    #: (the household it came from was charged for the year of the split).
    formed_on: Mapped[date | None] = mapped_column(Date, default=None)

    building: Mapped[Building] = relationship()
    occupancies: Mapped[list[HouseholdOccupancy]] = relationship(
        back_populates="household", order_by="HouseholdOccupancy.effective_from"
    )

    @validates("owner_name", "phone")
    def _keep_keys(self, field: str, value: str | None) -> str | None:
        """Every write of a name or phone through the ORM (constructor, import, PATCH, moves,
        merges, splits) updates its key with it."""
        if field == "owner_name":
            self.name_key = privacy.name_key(value)
        else:
            self.phone_key = privacy.phone_key(value)
        return value


class HouseholdOccupancy(Base):
    """Occupancy from ``effective_from`` until the next row's date (空户 pays the vacancy fee).

    Append-only history: a change adds a row with a later ``effective_from``; rows are never
    updated, so fees charged for a past date can always be explained. ``recorded_at`` says
    when the change was entered (it may be later than the date it takes effect)."""

    __tablename__ = "household_occupancies"
    __table_args__ = (UniqueConstraint("household_id", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    status: Mapped[Occupancy] = mapped_column(str_enum(Occupancy, 10))
    effective_from: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    household: Mapped[Household] = relationship(back_populates="occupancies")


class HouseholdChange(Base):
    """One change to a household after it was added: who (``changed_by``, ``None`` for the
    installation's operator at the command line), through what (``via``: api, page, cli or
    import), when, and the field's value before and after — one row per field changed.

    Append-only like the occupancy history: rows are added, never updated or deleted, so a
    steward cannot quietly change who owes what and erase the trace. Owner names and phones
    in ``old_value``/``new_value`` are personal data, shown to staff only."""

    __tablename__ = "household_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str | None] = mapped_column(String(200), default=None)
    new_value: Mapped[str | None] = mapped_column(String(200), default=None)
    effective_from: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(String(200), default="")
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    via: Mapped[str] = mapped_column(String(10))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
