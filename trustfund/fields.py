"""Reading one field of a command's input, for every domain service: each reader returns the
value and, when it is not acceptable, appends a ``FieldError`` (a catalog code and the
parser's reason) to the caller's list, which raises one ``ValidationError`` naming every
bad field. Parsing itself lives in ``ledger.money`` (``to_money``, ``parse_decimal``); these
are the thin wrappers that put its reason on a field.

``fees.common.parse_money``, ``settlements.common`` and ``grants.common`` name these."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from trustfund.errors import FieldError
from trustfund.ledger.entries import text_problem
from trustfund.ledger.money import MAX_MONEY, ZERO, parse_decimal, to_money
from trustfund.messages import Message, reason_of


def _read_money(value: Any, field: str, errors: list[FieldError]) -> Decimal | None:
    try:
        return to_money(value)
    except (ValueError, ArithmeticError) as exc:
        errors.append(FieldError(field, reason_of(exc)))
        return None


def amount(value: str | None, field: str, errors: list[FieldError]) -> Decimal | None:
    """``value`` as money read strictly (``ledger.money.to_money``; a sign is left to the
    caller's check), or ``None`` with a FieldError giving the reason appended (``None``
    itself: ``input.required``)."""
    if value is None:
        errors.append(FieldError(field, Message("input.required")))
        return None
    return _read_money(value, field, errors)


def money(
    value: Any,
    field: str,
    errors: list[FieldError],
    *,
    positive: bool = False,
    limit: Decimal = MAX_MONEY,
) -> Decimal:
    """``value`` as money (a string read strictly by ``ledger.money.parse_money``, or a
    Decimal; never a float), not negative (more than zero when ``positive``) and at most
    ``limit``; appends a FieldError with the reason and returns 0.00 when it is not a number."""
    read = _read_money(value, field, errors)
    if read is None:
        return ZERO
    if read < 0 or (positive and read == 0):
        errors.append(
            FieldError(
                field, Message("input.not_positive") if positive else Message("number.negative")
            )
        )
    elif read > limit:
        errors.append(FieldError(field, Message("number.too_large", limit=limit)))
    return read


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


def text(
    value: str | None, field: str, errors: list[FieldError], *, limit: int, required: bool = True
) -> str:
    """``value`` stripped: required unless told, at most ``limit`` characters, and fit for
    the ledger (``ledger.entries.text_problem``)."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        errors.append(FieldError(field, Message("input.empty")))
    elif len(cleaned) > limit:
        errors.append(FieldError(field, Message("input.too_long", limit=limit)))
    elif why := text_problem(cleaned):
        errors.append(FieldError(field, why))
    return cleaned
