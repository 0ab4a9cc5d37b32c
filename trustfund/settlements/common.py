"""Small helpers shared by the settlement services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.errors import FieldError, NotFoundError
from trustfund.fields import number
from trustfund.messages import Message


def get_estate(session: Session, estate_id: int) -> Estate:
    estate = session.get(Estate, estate_id)
    if estate is None:
        raise NotFoundError(Message("estates.no_estate_id", estate_id=estate_id))
    return estate


PRICE = Decimal("0.0001")
MAX_PRICE = Decimal("9999999999.9999")


def unit_price(
    value: Any, field: str, errors: list[FieldError], *, positive: bool = False
) -> Decimal:
    """A unit price in yuan with at most 4 decimals (``"0.538"`` → ``Decimal("0.5380")``)."""
    price = number(value, field, errors, places=4, limit=MAX_PRICE)
    if price is None:
        return Decimal("0.0000")
    if positive and price == 0:
        errors.append(FieldError(field, Message("input.not_positive")))
    return price


def qty_text(value: Decimal) -> str:
    """``Decimal("2.500")`` → ``"2.5"``; ``Decimal("4.000")`` → ``"4"``."""
    return format(value.normalize(), "f")


def price_text(value: Decimal) -> str:
    """``Decimal("35.0000")`` → ``"35.00"``; ``Decimal("0.5380")`` → ``"0.538"``."""
    two = value.quantize(Decimal("0.01"))
    return str(two) if two == value else format(value.normalize(), "f")


QTY = Decimal("0.001")
MAX_QTY = Decimal("999999999.999")


def quantity(value: Any, field: str, errors: list[FieldError]) -> Decimal:
    """A positive quantity with at most 3 decimals."""
    qty = number(value, field, errors, places=3, limit=MAX_QTY)
    if qty is None:
        return Decimal("1.000")
    if qty == 0:
        errors.append(FieldError(field, Message("input.not_positive")))
    return qty


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(cell_text(value).replace("/", "-").replace(".", "-"))
