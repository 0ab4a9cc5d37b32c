"""Money: ``Decimal`` CNY to the fen. Built from strings, quantized on the way in, formatted
only at the edges. Pure; imports nothing of ours.

The one place money is read and written as text:

- in: ``parse_money`` (a person's or a client's string, strictly), ``to_money`` (a string or
  Decimal from our own code);
- whole fen (a database ``SUM`` of ``round(amount * 100)``): ``from_fen``, and ``fen_text``
  straight to the JSON form;
- out: ``money_text`` for JSON and files (``Money``, ``"1234.50"``), ``format_money`` for
  people (``"1,234.50"``, ``"—"`` for nothing).

Domain services read a field of a command's input with ``trustfund.fields.money`` (this
parser, its reason put on the field as a ``FieldError``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, NewType, cast

from msgspec import Meta

from trustfund.messages import Invalid, Message

CNY = "CNY"
ZERO = Decimal("0.00")
FEN = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")
"""The largest amount a ``NUMERIC(14,2)`` column holds."""

_NUMBER = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_COMMAS = (",", "，", "、")
_WIDE = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def parse_decimal(
    text: str, *, places: int, negative: bool = False, limit: Decimal = MAX_MONEY
) -> Decimal:
    """The one strict reading of a number typed by a person: ASCII digits, a leading ``-``
    only when ``negative`` allows it, at most one ``.`` followed by at most ``places``
    digits, and at most ``limit`` in size. The result has exactly ``places`` decimals.

    ``Decimal()`` alone is far too kind for input: it takes ``"1_000"``, ``"１００"``,
    ``"٣"``, ``"1e3"``, ``"NaN"``, ``"Infinity"`` and surrounding spaces; a comma would be
    either a decimal comma (``"1,5"``) or a thousands separator (``"1,500"``) — we cannot
    know which, so it is refused. Forms and spreadsheet imports that accept full-width
    input call ``fold_wide`` first, explicitly.

    Raises ``Invalid`` (a ``ValueError``) whose message is the reason, fit to show next to
    the field: ``parse_decimal("1,5", places=2)`` → ``use a dot for decimals; no thousands
    separators`` (code ``number.comma``).
    """
    if not isinstance(text, str) or isinstance(text, bool):
        raise Invalid(Message("number.not_text"))
    if text == "":
        raise Invalid(Message("number.empty"))
    if any(c in text for c in _COMMAS):
        raise Invalid(Message("number.comma"))
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise Invalid(_why_not_a_number(text, places))
    sign, whole, fraction = match.groups()
    if sign and not negative:
        raise Invalid(Message("number.negative"))
    if fraction is not None and len(fraction) > places:
        raise Invalid(
            Message("number.too_many_places", places=places)
            if places
            else Message("number.not_whole")
        )
    if len(whole.lstrip("0")) > len(str(int(limit))):
        raise Invalid(Message("number.too_large", limit=limit))
    value = Decimal(text).quantize(Decimal(1).scaleb(-places))
    if abs(value) > limit:
        raise Invalid(Message("number.too_large", limit=limit))
    return value + Decimal(0).scaleb(-places)  # normalises -0.00 to 0.00


def _why_not_a_number(text: str, places: int) -> Message:
    if text != text.strip():
        return Message("number.spaces")
    if any(c.isdigit() and c not in "0123456789" for c in text):
        return Message("number.wide_digits")
    if text.startswith("+"):
        return Message("number.plus")
    return Message("number.invalid", places=places)


def parse_money(text: str, *, negative: bool = False) -> Decimal:
    """``text`` as money to the fen, strictly (see ``parse_decimal``); bounded by what
    ``NUMERIC(14,2)`` holds. ``parse_money("200.5")`` → ``Decimal("200.50")``;
    ``parse_money("-1.00")`` raises unless ``negative``; ``"1,50"``, ``"1_000"``,
    ``"１００"``, ``"1e3"``, ``"NaN"`` and ``"0.001"`` raise ``ValueError``."""
    return parse_decimal(text, places=2, negative=negative)


def fold_wide(text: str) -> str:
    """What a Chinese input method types for a number, made ASCII: surrounding spaces (also
    the ideographic space) removed and full-width digits, dot and minus (``"１００．５"``)
    folded to ``"100.5"``. Nothing else changes, so other digits and separators still reach
    ``parse_decimal`` and are refused there. Only forms and spreadsheet imports call this;
    the JSON API takes ASCII only."""
    return text.strip().translate(_WIDE)


def cell_number(value: object) -> str:
    """A spreadsheet cell meant as a number, as text for ``parse_decimal``: numbers through
    their shortest decimal form (``199.5`` → ``"199.5"``, never the binary float), text
    through ``fold_wide``, an empty cell as ``""``."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return fold_wide(str(value))


def to_money(value: str | int | Decimal) -> Decimal:
    """``value`` as a Decimal with exactly two places.

    Strings are read by ``parse_money`` (strictly; a leading ``-`` allowed). Raises
    ``ValueError`` for floats (never money), NaN/infinity and amounts with more than two
    decimals (``"1.005"`` is a mistake, not a rounding job).
    """
    if isinstance(value, (bool, float)):
        raise Invalid(Message("number.float"))
    if isinstance(value, str):
        return parse_money(value, negative=True)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    else:
        raise Invalid(Message("number.not_an_amount", value=repr(value)))
    if not amount.is_finite():
        raise Invalid(Message("number.not_finite", value=repr(value)))
    quantized = amount.quantize(FEN)
    if quantized != amount:
        raise Invalid(Message("number.more_than_two_places", value=repr(value)))
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


MONEY_TEXT = Meta(
    pattern=r"^-?[0-9]+\.[0-9]{2}$",
    description="CNY as a string with exactly two decimals and no separators",
    examples=["1234.50", "-0.50"],
)
"""What money as text looks like, for the API's schema (``trustfund.api.schema``)."""

if TYPE_CHECKING:
    Money = NewType("Money", str)
else:  # the same str; the schema generator reads MONEY_TEXT (it unwraps a NewType)
    Money = Annotated[str, MONEY_TEXT]
"""Money as JSON and exports carry it: a string with exactly two decimals and no separators
(``"1234.50"``, ``"-0.50"``). Made only by ``money_text``, so a typed view cannot put a
Decimal, a float or a display string (``"1,234.50"``) where a client expects money."""


def money_text(value: Decimal) -> Money:
    """``Decimal("1234.5")`` → ``"1234.50"``: money as JSON carries it (see ``Money``); a
    negative zero (``-Decimal("0.00")``) reads ``"0.00"``."""
    text = f"{value:.2f}"
    return cast("Money", "0.00" if text == "-0.00" else text)


def from_fen(fen: int | None) -> Decimal:
    """Whole fen as money: ``-1230`` → ``Decimal("-12.30")``; ``None`` (an empty ``SUM``)
    → ``0.00``."""
    return (Decimal(int(fen or 0)) / 100).quantize(FEN)


def fen_text(fen: int) -> Money:
    """Whole fen straight to the JSON form, ``-1230`` → ``"-12.30"`` (``money_text`` of
    ``from_fen``, without a Decimal per line: statements print thousands of them)."""
    sign, fen = ("-", -fen) if fen < 0 else ("", fen)
    return cast("Money", f"{sign}{fen // 100}.{fen % 100:02d}")


def format_money(value: object) -> str:
    """Money for people: ``Decimal("1234.5")`` or ``"1234.5"`` → ``"1,234.50"``; ``None`` or
    ``""`` (no amount) → ``"—"``; text that is not a number (and NaN, infinity) is shown as
    given. JSON and files use ``money_text`` (``"1234.50"``). The one display formatter:
    staff pages (the ``yuan`` filter), statements and receipts all call it."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value)).quantize(FEN)
    except InvalidOperation:
        return str(value)
    return f"{amount:,.2f}"
