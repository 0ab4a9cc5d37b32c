"""Small helpers shared by the settlement services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.errors import FieldError, NotFoundError, ValidationError
from trustfund.ledger.entries import text_problem
from trustfund.ledger.money import to_money


def get_estate(session: Session, estate_id: int) -> Estate:
    estate = session.get(Estate, estate_id)
    if estate is None:
        raise NotFoundError(f"No estate {estate_id}.")
    return estate


def local_today(estate: Estate) -> dt.date:
    return dt.datetime.now(ZoneInfo(estate.timezone)).date()


def raise_if(errors: list[FieldError], detail: str = "Invalid input.") -> None:
    if errors:
        summary = "; ".join(f"{e.field}: {e.reason}" for e in errors[:5])
        raise ValidationError(f"{detail} {summary}", errors=errors)


def money(value: Any, field: str, errors: list[FieldError], *, positive: bool = False) -> Decimal:
    """``value`` as money (a string or Decimal, never a float); appends a FieldError and
    returns 0.00 when it is not."""
    try:
        if isinstance(value, float):
            raise ValueError("pass amounts as strings")
        amount = to_money(value if isinstance(value, Decimal) else str(value).strip())
    except (ValueError, ArithmeticError):
        errors.append(
            FieldError(field, f"not an amount in yuan with at most 2 decimals: {value!r}")
        )
        return Decimal("0.00")
    if amount < 0 or (positive and amount == 0):
        errors.append(FieldError(field, "must be positive" if positive else "must not be negative"))
    return amount


PRICE = Decimal("0.0001")


def unit_price(
    value: Any, field: str, errors: list[FieldError], *, positive: bool = False
) -> Decimal:
    """A unit price in yuan with at most 4 decimals (``"0.538"`` → ``Decimal("0.5380")``)."""
    try:
        if isinstance(value, float):
            raise InvalidOperation
        price = Decimal(str(value).strip().replace(",", ""))
        if not price.is_finite() or price.quantize(PRICE) != price:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, f"a price in yuan with at most 4 decimals: {value!r}"))
        return Decimal("0.0000")
    if price < 0 or (positive and price == 0):
        errors.append(FieldError(field, "must be positive" if positive else "must not be negative"))
    if price >= Decimal("10000000000"):
        errors.append(FieldError(field, "too large"))
    return price.quantize(PRICE)


def price_text(value: Decimal) -> str:
    """``Decimal("35.0000")`` → ``"35.00"``; ``Decimal("0.5380")`` → ``"0.538"``."""
    two = value.quantize(Decimal("0.01"))
    return str(two) if two == value else format(value.normalize(), "f")


QTY = Decimal("0.001")


def quantity(value: Any, field: str, errors: list[FieldError]) -> Decimal:
    """A positive quantity with at most 3 decimals."""
    try:
        if isinstance(value, float):
            raise InvalidOperation
        qty = Decimal(str(value).strip())
        if not qty.is_finite() or qty.quantize(QTY) != qty:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, f"a number with at most 3 decimals: {value!r}"))
        return Decimal("1.000")
    if qty <= 0:
        errors.append(FieldError(field, "must be positive"))
    if qty >= Decimal("1000000000"):
        errors.append(FieldError(field, "too large"))
    return qty.quantize(QTY)


def text(
    value: str | None, field: str, errors: list[FieldError], *, limit: int, required: bool = True
) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        errors.append(FieldError(field, "must not be empty"))
    elif len(cleaned) > limit:
        errors.append(FieldError(field, f"longer than {limit} characters"))
    elif why := text_problem(cleaned):
        errors.append(FieldError(field, why))
    return cleaned


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_amount(value: Any) -> str:
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    return cell_text(value)


def cell_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(cell_text(value).replace("/", "-").replace(".", "-"))
