"""Declarative base and the column types every model shares."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Enum, Integer, MetaData, Numeric, cast, func
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: Money columns: NUMERIC(14,2), always ``Decimal`` in Python (SQLite stores it as text-backed
#: numeric; SQLAlchemy converts back to Decimal on read).
Money = Numeric(14, 2, asdecimal=True)
#: Quantities of goods, hours or work (3 decimals: 2.5 m², 0.125 t).
Quantity = Numeric(12, 3, asdecimal=True)


def str_enum(cls: type[enum.StrEnum], length: int) -> Enum:
    """A string enum stored as its values in a ``VARCHAR(length)`` (no native enum type, so
    adding a member needs no migration of the type)."""
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


def in_fen(column: Any) -> ColumnElement[int]:
    """A money column as whole fen, an exact integer on both backends (``SUM`` it, then
    ``ledger.money.from_fen`` or ``fen_text``)."""
    return cast(func.round(column * 100), Integer)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


ZERO = Decimal("0.00")
