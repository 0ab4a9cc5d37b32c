"""Oversight tables (issue 18.4): per-estate alert thresholds and the acknowledgements of
alerts. Alerts themselves are computed from the books whenever asked (``trustfund.oversight``);
only who acknowledged which one, when and why is stored — never updated or deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustfund.db.base import Base, UTCDateTime, utcnow


class AlertSettings(Base):
    """An estate's thresholds, ``{name: value}`` as JSON over the defaults."""

    __tablename__ = "alert_settings"

    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), primary_key=True)
    settings: Mapped[str] = mapped_column(Text, default="{}")
    updated_by: Mapped[int | None] = mapped_column(Integer, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlertAcknowledgement(Base):
    """One alert (by its stable ``alert_key``) acknowledged with a note."""

    __tablename__ = "alert_acknowledgements"
    __table_args__ = (UniqueConstraint("estate_id", "alert_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    alert_key: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(500))
    acknowledged_by: Mapped[int] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
