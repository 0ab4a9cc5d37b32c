"""Everything that touches the beancount library: entries as beancount data, whole-file
loading and validation, and balances computed by beancount (the independent check of the
SQL sums). Ledger problems come back as data, never raised."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from beancount import loader
from beancount.core import amount as bc_amount
from beancount.core import data, interpolate, realization
from beancount.parser import parser

from trustfund.ledger.accounts import fund_of
from trustfund.ledger.entries import EntryDraft, normalised_legs
from trustfund.ledger.money import CNY, ZERO, to_money
from trustfund.ledger.text import LINK_PREFIX


def to_transaction(
    draft: EntryDraft, *, seq: int = 0, extra_meta: Mapping[str, str] | None = None
) -> data.Transaction:
    """The draft as a beancount ``Transaction`` (what ``text.canonical_text`` writes out)."""
    meta = data.new_metadata("<trustfund>", seq, {**draft.meta, **(extra_meta or {})})
    postings = [
        data.Posting(leg.account, bc_amount.Amount(leg.amount, CNY), None, None, None, None)
        for leg in normalised_legs(draft)
    ]
    return data.Transaction(
        meta,
        draft.date,
        "*",
        draft.payee,
        draft.narration,
        frozenset(),
        frozenset({f"{LINK_PREFIX}{seq}"}),
        postings,
    )


def residual(txn: data.Transaction) -> Decimal:
    """What the postings of ``txn`` fail to balance by, computed by beancount (0 = balanced).
    Beancount's own tolerance is not used: we require balance to the fen exactly."""
    inventory = interpolate.compute_residual(txn.postings)  # type: ignore[no-untyped-call]
    return Decimal(inventory.get_currency_units(CNY).number or 0)


def parse_entries(text: str) -> tuple[list[data.Directive], list[Any]]:
    """Parse (no booking, no plugins, no validation): for round-trip tests of the renderer."""
    entries, errors, _options = parser.parse_string(text)
    return entries, errors


@dataclass
class LoadedLedger:
    entries: list[data.Directive]
    errors: list[Any]
    options: dict[str, Any]

    @property
    def transactions(self) -> list[data.Transaction]:
        return [e for e in self.entries if isinstance(e, data.Transaction)]


def load(text: str) -> LoadedLedger:
    """Load ``text`` the way ``bean-check`` does: parse, book, run the default plugins and
    validate. Errors are returned, never raised."""
    os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    entries, errors, options = loader.load_string(text)
    return LoadedLedger(list(entries), list(errors), dict(options))


def account_balances(
    ledger: LoadedLedger, *, start: date | None = None, end: date | None = None
) -> dict[str, Decimal]:
    """Per-account CNY sums of the postings dated in [start, end] (both inclusive),
    computed by beancount's realization; accounts that sum to zero are left out."""
    selected = [
        e
        for e in ledger.entries
        if isinstance(e, data.Transaction)
        and (start is None or e.date >= start)
        and (end is None or e.date <= end)
    ]
    root = realization.realize(selected)  # type: ignore[no-untyped-call]
    result: dict[str, Decimal] = {}
    for real_account in realization.iter_children(root):  # type: ignore[no-untyped-call]
        units = real_account.balance.get_currency_units(CNY).number
        if units:
            result[real_account.account] = to_money(Decimal(units))
    return result


def fund_balances(balances: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Fund balances from account balances: -(sum of the fund's account balances)."""
    funds: dict[str, Decimal] = {}
    for account, amount in balances.items():
        fund = fund_of(account)
        if fund is not None:
            funds[fund] = funds.get(fund, ZERO) - amount
    return {k: v for k, v in funds.items() if v != ZERO}


def error_messages(errors: list[Any]) -> list[str]:
    out = []
    for error in errors:
        source = getattr(error, "source", None) or {}
        where = f"{source.get('filename', '?')}:{source.get('lineno', '?')}"
        out.append(f"{where}: {getattr(error, 'message', error)}")
    return out
