"""Entry drafts: what a caller wants posted, before it has a sequence number or a hash.
Pure; ``check_draft`` returns problems as data (field, reason), the service raises them."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from trustfund.ledger.accounts import check_account, fund_of
from trustfund.ledger.money import ZERO, to_money
from trustfund.messages import Message, Reason, reason_of


@dataclass(frozen=True)
class Leg:
    account: str
    amount: Decimal  # positive = debit, negative = credit (beancount sign convention)


@dataclass(frozen=True)
class EntryDraft:
    date: date  # the estate's local date
    narration: str  # Chinese allowed; escaped when rendered
    legs: tuple[Leg, ...]
    payee: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)  # {"household": "H-7K2Q9D"}
    kind: str = "general"  # "fee_payment", "refund", "deposit", "payout", "reversal", ...


#: Metadata keys the ledger writes itself; a draft may not set them.
RESERVED_META = frozenset({"hash", "seq", "prev", "kind", "reverses", "filename", "lineno"})
#: A metadata key as beancount's lexer reads one (``[a-z][a-zA-Z0-9_-]+`` before the colon),
#: at most 40 characters. Always ``fullmatch``: ``match`` with ``$`` lets "ab\n" through.
META_KEY = re.compile(r"[a-z][a-zA-Z0-9_-]{1,39}")
KIND = re.compile(r"[a-z][a-z_]{0,19}")
MAX_TEXT = 500
#: At most this many metadata items per entry (the ledger's own come on top).
MAX_META = 20
#: Control characters other than tab, newline, carriage return and form feed (which the
#: renderer escapes) cannot be written safely into beancount text; C1 controls (``\x85``
#: is a line break to many tools) and unpaired surrogates (not text: they cannot be encoded
#: as UTF-8) are refused too.
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: Metadata values hold no control character at all (they are codes and short labels).
_META_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
MAX_LEGS = 200


def text_problem(value: str) -> Message | None:
    """Why ``value`` cannot be written into the ledger as a narration, payee or name."""
    if len(value) > MAX_TEXT:
        return Message("input.too_long", limit=MAX_TEXT)
    if _BAD_CONTROL.search(value):
        return Message("ledger.control_character")
    return None


def meta_problems(meta: Mapping[str, str]) -> list[tuple[str, Reason]]:
    """Everything wrong with a draft's metadata: at most ``MAX_META`` items, each key as
    beancount reads one and not one the ledger writes itself, each value a string of at
    most ``MAX_TEXT`` characters with no control character."""
    if len(meta) > MAX_META:
        return [("meta", Message("ledger.meta_too_many", limit=MAX_META))]
    problems: list[tuple[str, Reason]] = []
    for key, value in meta.items():
        if not isinstance(key, str) or not META_KEY.fullmatch(key):
            shown = repr(key)[1:-1] if isinstance(key, str) else repr(key)
            problems.append((f"meta.{shown}", Message("ledger.meta_key_invalid")))
        elif key in RESERVED_META:
            problems.append((f"meta.{key}", Message("ledger.meta_key_reserved")))
        elif not isinstance(value, str):
            problems.append((f"meta.{key}", Message("ledger.meta_value_not_text")))
        elif len(value) > MAX_TEXT:
            problems.append((f"meta.{key}", Message("input.too_long", limit=MAX_TEXT)))
        elif _META_CONTROL.search(value):
            problems.append((f"meta.{key}", Message("ledger.control_character")))
    return problems


def check_draft(draft: EntryDraft) -> list[tuple[str, Reason]]:
    """Everything wrong with ``draft`` on its own (no database): ``[(field, reason), ...]``.

    Checks amounts (to the fen, non-zero), balance (to the fen), account names and their
    funds, texts (length, control characters), metadata keys and the kind."""
    problems: list[tuple[str, Reason]] = []
    if not draft.narration.strip():
        problems.append(("narration", Message("input.empty")))
    for name, value in (("narration", draft.narration), ("payee", draft.payee)):
        if value is not None and (why := text_problem(value)):
            problems.append((name, why))
    if not KIND.fullmatch(draft.kind):
        problems.append(("kind", Message("ledger.kind_invalid")))
    problems += meta_problems(draft.meta)
    if len(draft.legs) < 2:
        problems.append(("legs", Message("journal.two_legs")))
    if len(draft.legs) > MAX_LEGS:
        problems.append(("legs", Message("ledger.too_many_legs", max_legs=MAX_LEGS)))
    total = ZERO
    for i, leg in enumerate(draft.legs):
        if why := check_account(leg.account):
            problems.append((f"legs[{i}].account", why))
        try:
            amount = to_money(leg.amount)
        except ValueError as exc:
            problems.append((f"legs[{i}].amount", reason_of(exc)))
            continue
        if amount == ZERO:
            problems.append((f"legs[{i}].amount", Message("ledger.zero_amount")))
        if abs(amount) >= Decimal("1000000000000"):
            problems.append((f"legs[{i}].amount", Message("ledger.amount_too_large")))
        total += amount
    if not problems and total != ZERO:
        problems.append(("legs", Message("ledger.unbalanced", total=total)))
    return problems


def normalised_legs(draft: EntryDraft) -> tuple[Leg, ...]:
    return tuple(Leg(leg.account, to_money(leg.amount)) for leg in draft.legs)


def fund_deltas(legs: tuple[Leg, ...]) -> dict[str, Decimal]:
    """How much each fund's balance changes by these legs (+ = the fund grows)."""
    deltas: dict[str, Decimal] = {}
    for leg in legs:
        fund = fund_of(leg.account)
        if fund is not None:
            deltas[fund] = deltas.get(fund, ZERO) - to_money(leg.amount)
    return deltas


def fingerprint(draft: EntryDraft, reverses_seq: int | None = None) -> str:
    """sha256 of the draft's content: the same idempotency key must come with the same one."""
    content = {
        "date": draft.date.isoformat(),
        "narration": draft.narration,
        "payee": draft.payee,
        "kind": draft.kind,
        "meta": sorted(draft.meta.items()),
        "legs": [[leg.account, str(to_money(leg.amount))] for leg in draft.legs],
        "reverses": reverses_seq,
    }
    raw = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()
