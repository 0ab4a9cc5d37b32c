"""Beancount text of the journal: the canonical rendering of an entry (the hash input) and
the fixed file header. Pure and deterministic: the same entry always renders to the same bytes.

An entry renders as (two-space indent, no alignment, metadata in a fixed order)::

    2026-01-05 * "payee" "narration" ^tf-12
      hash: "<sha256 hex>"
      seq: "12"
      prev: "<sha256 hex of entry 11>"
      kind: "fee_payment"
      reverses: "7"              (reversals only)
      household: "H-7K2Q9D"      (the draft's own metadata, sorted by key)
      Assets:Bank:Committee 200.00 CNY
      Income:Fees:Electricity -50.00 CNY

Without a payee the header line has just the narration. Every string is escaped (``\\`` →
``\\\\``, ``"`` → ``\\"``, newline → ``\\n``, tab, CR, form feed likewise), so no input can
end a string or start a new line, hence cannot add a directive.

Account openings are chained entries too (``open`` directives with the same ``hash``,
``seq``, ``prev`` and ``kind`` metadata), so every line after the header is covered.

The **canonical text** of an entry is its text without the ``hash:`` line (the second line);
``hash = sha256(prev + canonical text)`` over UTF-8, ``prev`` being the previous entry's hash
(64 zeros before the first entry).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import CNY, money_text, to_money
from trustfund.messages import Invalid, Message

GENESIS = "0" * 64
LINK_PREFIX = "tf-"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f"}
_ESCAPE_RE = re.compile(r'[\\"\n\t\r\f]')
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def quote(value: str) -> str:
    """``value`` as a beancount string literal that cannot break out of its quotes."""
    if _UNSAFE.search(value):
        raise Invalid(Message("ledger.control_characters"))
    return '"' + _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], value) + '"'


@dataclass(frozen=True)
class RenderedEntry:
    text: str  # the stored and exported text, hash line included
    canonical: str  # the hash input (text without the hash line)
    hash: str


def canonical_text(
    *,
    seq: int,
    prev: str,
    on: date,
    narration: str,
    legs: Iterable[Leg],
    payee: str | None,
    kind: str,
    meta: Mapping[str, str],
    reverses_seq: int | None = None,
) -> str:
    """The canonical text (no hash line) of one entry; see the module docstring."""
    head = f"{on.isoformat()} *"
    if payee is not None:
        head += f" {quote(payee)}"
    head += f" {quote(narration)} ^{LINK_PREFIX}{seq}\n"
    lines = [head, f'  seq: "{seq}"\n', f"  prev: {quote(prev)}\n", f"  kind: {quote(kind)}\n"]
    if reverses_seq is not None:
        lines.append(f'  reverses: "{reverses_seq}"\n')
    for key in sorted(meta):
        lines.append(f"  {key}: {quote(meta[key])}\n")
    for leg in legs:
        lines.append(f"  {leg.account} {format_amount(to_money(leg.amount))} {CNY}\n")
    return "".join(lines)


def draft_canonical(
    draft: EntryDraft,
    *,
    seq: int,
    prev: str,
    legs: Iterable[Leg],
    reverses_seq: int | None = None,
) -> str:
    """``canonical_text`` of a draft (with its normalised ``legs``) as entry ``seq``."""
    return canonical_text(
        seq=seq,
        prev=prev,
        on=draft.date,
        narration=draft.narration,
        legs=legs,
        payee=draft.payee,
        kind=draft.kind,
        meta=draft.meta,
        reverses_seq=reverses_seq,
    )


def format_amount(amount: Decimal) -> str:
    return money_text(amount)


def with_hash(canonical: str, entry_hash: str) -> str:
    """Insert the ``hash:`` line after the header line of ``canonical``."""
    head, rest = canonical.split("\n", 1)
    return f'{head}\n  hash: "{entry_hash}"\n{rest}'


def without_hash(text: str) -> tuple[str, str | None]:
    """(canonical text, hash) from an entry's text; hash ``None`` if the line is missing."""
    head, _, rest = text.partition("\n")
    second, _, tail = rest.partition("\n")
    match = re.fullmatch(r'  hash: "([0-9a-f]{64})"', second)
    if match is None:
        return text, None
    return f"{head}\n{tail}", match.group(1)


def header(title: str) -> str:
    """The fixed file header. Never a ``plugin``, ``include`` or ``option "pythonpath"``."""
    return (
        "; trustfund ledger: generated from the database, do not edit.\n"
        "; Check it: bean-check FILE; verify its hash chain: trustfund ledger verify FILE\n"
        f'option "title" {quote(title)}\n'
        f'option "operating_currency" "{CNY}"\n'
    )


def open_canonical(
    *, seq: int, prev: str, on: date, account: str, name: str, fund: str | None
) -> str:
    """The canonical text of an account opening, chained like any entry::

    2026-01-01 open Assets:Bank:Committee CNY
      seq: "1"
      prev: "0000…"
      kind: "open"
      name: "业委会银行账户"
    """
    lines = [
        f"{on.isoformat()} open {account} {CNY}\n",
        f'  seq: "{seq}"\n',
        f"  prev: {quote(prev)}\n",
        '  kind: "open"\n',
        f"  name: {quote(name)}\n",
    ]
    if fund is not None:
        lines.append(f"  fund: {quote(fund)}\n")
    return "".join(lines)
