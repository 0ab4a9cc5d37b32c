"""Pure fee arithmetic: components, the vacancy discount, allocations and refunds.

Every split uses the ledger's one shared rule, :func:`trustfund.ledger.money.split_exact`
(largest remainder, leftover fen to the largest remainders, ties to the earliest part), so
parts always sum exactly to the whole and every fund total stays exact to the fen.

Fee year: the calendar year (``fee_year_start(2026) == date(2026, 1, 1)``). Keeping the rule
in these two functions is what would make another start month a one-line change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from trustfund.ledger.money import split_exact, to_money
from trustfund.messages import Invalid, Message

HUNDRED = Decimal(100)
FEN = Decimal("0.01")


#: The payment methods: the API's values (``PaymentMethod``) and the Chinese words stewards
#: write in spreadsheets and forms, which mean the same value. Pages show ``METHOD_LABELS``.
METHOD_LABELS: dict[str, str] = {
    "cash": "现金",
    "wechat": "微信支付",
    "alipay": "支付宝",
    "bank_transfer": "银行转账",
}
METHOD_ALIASES: dict[str, str] = {
    **{value: value for value in METHOD_LABELS},
    **{label: value for value, label in METHOD_LABELS.items()},
    "微信": "wechat",
    "转账": "bank_transfer",
}
METHODS_ACCEPTED = (
    "cash, wechat, alipay or bank_transfer (现金, 微信/微信支付, 支付宝, 银行转账/转账)"
)


def parse_method(value: str | None) -> str:
    """The API value of a payment method written as its value or a Chinese alias.

    Raises ``Invalid`` (a ``ValueError``) naming the accepted values."""
    text = (value or "").strip()
    method = METHOD_ALIASES.get(text.lower()) or METHOD_ALIASES.get(text)
    if method is None:
        if text:
            raise Invalid(Message("fees.not_a_method", text=text, accepted=METHODS_ACCEPTED))
        raise Invalid(Message("fees.method_required", accepted=METHODS_ACCEPTED))
    return method


def fee_year_start(fee_year: int) -> date:
    """The first day of ``fee_year`` (calendar year)."""
    return date(fee_year, 1, 1)


def fee_year_end(fee_year: int) -> date:
    return date(fee_year, 12, 31)


def fee_year_of(day: date) -> int:
    """The fee year ``day`` falls in."""
    return day.year


@dataclass(frozen=True)
class Component:
    """One part of a fee schedule, paying into ``fund``. ``vacant_amount`` is used only by
    the per-component vacancy rule."""

    fund: str
    name: str
    amount: Decimal
    vacant_amount: Decimal | None = None


def vacant_amounts(
    components: Sequence[Component], rule: str, percent: Decimal | None
) -> list[Decimal]:
    """What a vacant household pays per component.

    ``rule == "percent"``: the vacant fee is ``percent`` % of the full fee, rounded half-up
    to the fen; the discount (full − vacant) is split over the components in proportion to
    their amounts with ``split_exact``. ``rule == "amounts"``: each component's
    ``vacant_amount``.

    >>> cs = [Component("electricity", "公共电费", Decimal("50.00")),
    ...       Component("maintenance", "公共设施维护", Decimal("90.00")),
    ...       Component("garbage", "生活垃圾清运费", Decimal("60.00"))]
    >>> [str(a) for a in vacant_amounts(cs, "percent", Decimal("33"))]
    ['16.50', '29.70', '19.80']
    """
    if rule == "amounts":
        out = []
        for c in components:
            if c.vacant_amount is None:
                raise ValueError(f"component {c.fund} has no vacant amount")
            out.append(c.vacant_amount)
        return out
    if percent is None:
        raise ValueError("percent rule needs a percentage")
    full = sum((c.amount for c in components), Decimal("0.00"))
    vacant_total = (full * percent / HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)
    discount = full - vacant_total
    parts = split_exact(discount, [c.amount for c in components])
    return [c.amount - p for c, p in zip(components, parts, strict=True)]


def charge_lines(
    components: Sequence[Component], *, vacant: bool, rule: str, percent: Decimal | None
) -> dict[str, Decimal]:
    """Per-fund amounts a household is charged (full fee, or the vacancy fee)."""
    amounts = (
        vacant_amounts(components, rule, percent) if vacant else [c.amount for c in components]
    )
    return {c.fund: a for c, a in zip(components, amounts, strict=True)}


def allocate(amount: Decimal, outstanding: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Split a payment (or refund) of ``amount`` over funds in proportion to what is
    outstanding (or was paid) per fund. No part ever exceeds its fund's outstanding amount,
    and paying the whole outstanding amount pays every fund exactly.

    Raises ``ValueError`` if ``amount`` is not positive or exceeds the total.
    """
    total = sum(outstanding.values(), Decimal("0.00"))
    if amount <= 0:
        raise ValueError("amount must be positive")
    if amount > total:
        raise ValueError(f"amount {amount} exceeds {total}")
    funds = list(outstanding)
    parts = split_exact(amount, [outstanding[f] for f in funds])
    return {f: p for f, p in zip(funds, parts, strict=True) if p != 0}


def schedule_content_hash(
    fee_year: int, components: Sequence[Component], rule: str, percent: Decimal | None
) -> str:
    """sha256 of the schedule's content; an approval is bound to it."""
    doc = {
        "fee_year": fee_year,
        "components": [
            [
                c.fund,
                c.name,
                str(to_money(c.amount)),
                None if c.vacant_amount is None else str(c.vacant_amount),
            ]
            for c in components
        ],
        "vacancy_rule": rule,
        "vacancy_percent": None if percent is None else str(percent),
    }
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def format_receipt_no(year: int, number: int) -> str:
    """``2026-000001``."""
    return f"{year}-{number:06d}"


def mask_household(building: str, entrance: str, room: str) -> str:
    """A household address residents can recognise but strangers cannot pin down:
    the building, the entrance hidden, the room's last digit only (``3幢-*-**2``)."""
    last = room[-1:] if room else "*"
    return f"{building}幢-*-{'*' * max(len(room) - 1, 1)}{last}"
