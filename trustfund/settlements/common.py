"""Small helpers shared by the settlement services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.errors import FieldError, NotFoundError
from trustfund.ledger.entries import text_problem
from trustfund.ledger.money import MAX_MONEY, parse_decimal, to_money
from trustfund.messages import Message, reason_of


def get_estate(session: Session, estate_id: int) -> Estate:
    estate = session.get(Estate, estate_id)
    if estate is None:
        raise NotFoundError(Message("estates.no_estate_id", estate_id=estate_id))
    return estate


def local_today(estate: Estate) -> dt.date:
    return dt.datetime.now(ZoneInfo(estate.timezone)).date()


def money(
    value: Any,
    field: str,
    errors: list[FieldError],
    *,
    positive: bool = False,
    limit: Decimal = MAX_MONEY,
) -> Decimal:
    """``value`` as money (a string read strictly by ``ledger.money.parse_money``, or a
    Decimal; never a float); appends a FieldError with the parser's reason and returns 0.00
    when it is not."""
    try:
        amount = to_money(value)
    except (ValueError, ArithmeticError) as exc:
        errors.append(FieldError(field, reason_of(exc)))
        return Decimal("0.00")
    if amount < 0 or (positive and amount == 0):
        errors.append(
            FieldError(
                field, Message("input.not_positive") if positive else Message("number.negative")
            )
        )
    elif amount > limit:
        errors.append(FieldError(field, Message("number.too_large", limit=limit)))
    return amount


def number(
    value: Any, field: str, errors: list[FieldError], *, places: int, limit: Decimal
) -> Decimal | None:
    """``value`` (a string, a JSON integer or a Decimal) read strictly by
    ``ledger.money.parse_decimal`` with ``places`` decimals, not negative, at most ``limit``;
    ``None`` with a FieldError appended when it is not."""
    try:
        if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
            value = format(value, "f") if isinstance(value, Decimal) else str(value)
        return parse_decimal(value, places=places, limit=limit)
    except ValueError as exc:
        errors.append(FieldError(field, reason_of(exc)))
        return None


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


def text(
    value: str | None, field: str, errors: list[FieldError], *, limit: int, required: bool = True
) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        errors.append(FieldError(field, Message("input.empty")))
    elif len(cleaned) > limit:
        errors.append(FieldError(field, Message("input.too_long", limit=limit)))
    elif why := text_problem(cleaned):
        errors.append(FieldError(field, why))
    return cleaned


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
