"""Money: ``Decimal`` CNY to the fen. Built from strings, quantized on the way in, formatted
only at the edges. Pure; imports nothing of ours."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal, InvalidOperation

CNY = "CNY"
ZERO = Decimal("0.00")
FEN = Decimal("0.01")


def to_money(value: str | int | Decimal) -> Decimal:
    """``value`` as a Decimal with exactly two places.

    Raises ``ValueError`` for floats (never money), NaN/infinity, unparsable strings and
    amounts with more than two decimals (``"1.005"`` is a mistake, not a rounding job).
    """
    if isinstance(value, (bool, float)):
        raise ValueError("money must not be a float or bool; pass a string or Decimal")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip().replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {value!r}") from exc
    else:
        raise ValueError(f"not an amount: {value!r}")
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    quantized = amount.quantize(FEN)
    if quantized != amount:
        raise ValueError(f"more than two decimals: {value!r}")
    return quantized + ZERO  # normalises -0.00 to 0.00


def split_exact(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Parts of ``total`` proportional to ``weights``, each to the fen, summing exactly to it.

    Largest remainder: every part is first rounded towards zero; the leftover fen go one each
    to the parts with the largest remainders, ties to the earliest part.
    ``split_exact(Decimal("100.00"), [1, 1, 1])`` → ``[33.34, 33.33, 33.33]``.
    """
    total = to_money(total)
    if not weights:
        raise ValueError("no weights to split by")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        raise ValueError("weights sum to zero")
    sign = -1 if total < 0 else 1
    total_fen = int(abs(total) * 100)
    exact = [Decimal(total_fen) * w / weight_sum for w in weights]
    floors = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    leftover = total_fen - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return [to_money(Decimal(sign * f) / 100) for f in floors]


def format_money(value: Decimal) -> str:
    """``Decimal("1234.5")`` → ``"1,234.50"`` (display only; JSON uses plain ``"1234.50"``)."""
    return f"{value.quantize(FEN):,.2f}"
