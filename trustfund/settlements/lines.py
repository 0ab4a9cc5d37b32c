"""Claim lines, pure: amounts and the comparison with the reference price.

A line's amount is ``quantity × unit price`` quantized to the fen with ROUND_HALF_UP
(2.5 m² × 33.33 = 83.325 → 83.33). A line with a reference item is compared with that item's
price in force on the work date: when its unit price is higher, it is *above reference* by
``amount − quantity × reference price`` (each side quantized the same way) and needs a
written reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from trustfund.ledger.money import FEN, ZERO


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """``Decimal("2.5")`` × ``Decimal("33.33")`` → ``Decimal("83.33")`` (half up)."""
    return (quantity * unit_price).quantize(FEN, rounding=ROUND_HALF_UP) + ZERO


@dataclass(frozen=True)
class Priced:
    amount: Decimal
    reference_price: Decimal | None
    over_reference: Decimal | None  # None when not above the reference price


def price_line(quantity: Decimal, unit_price: Decimal, reference_price: Decimal | None) -> Priced:
    amount = line_amount(quantity, unit_price)
    if reference_price is None or unit_price <= reference_price:
        return Priced(amount, reference_price, None)
    return Priced(amount, reference_price, amount - line_amount(quantity, reference_price))
