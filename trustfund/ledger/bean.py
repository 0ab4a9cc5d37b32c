"""Everything that touches the beancount library: entries as beancount data, whole-file
loading and validation, and balances computed by beancount (the independent check of the
SQL sums). Ledger problems come back as data, never raised."""

from __future__ import annotations

import collections
import copy
import importlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from beancount import loader
from beancount.core import amount as bc_amount
from beancount.core import data, display_context, interpolate, realization
from beancount.ops import balance, pad, validation
from beancount.parser import booking, grammar, lexer, parser
from beancount.parser import options as bc_options

from trustfund.ledger.accounts import fund_of
from trustfund.ledger.entries import EntryDraft, normalised_legs
from trustfund.ledger.money import CNY, ZERO, to_money
from trustfund.ledger.text import GENESIS, LINK_PREFIX, draft_canonical, open_canonical
from trustfund.messages import Message, reason_of


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


_SOURCE_META = ("filename", "lineno")


def _own_meta(meta: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (meta or {}).items() if k not in _SOURCE_META}


#: beancount's C parser (no type stubs)
_parser: Any = importlib.import_module("beancount.parser._parser")
#: beancount's default options, copied once; ``_QuickBuilder`` copies only their lists, sets
#: and dicts per parse (the parser appends to lists, sets keys of dicts and replaces every
#: other value, never changing one in place).
_OPTIONS = copy.deepcopy(bc_options.OPTIONS_DEFAULTS)
_MUTABLE_OPTIONS = tuple(k for k, v in _OPTIONS.items() if isinstance(v, (list, set, dict)))
_ACCOUNT_PATTERN = grammar.valid_account_regexp(_OPTIONS)  # type: ignore[no-untyped-call]


class _QuickBuilder(grammar.Builder):  # type: ignore[misc]
    """beancount's ``Builder``, started from the prepared defaults above: the library's
    ``__init__`` deep-copies all default options and compiles the account pattern on every
    parse — more than half the time of parsing one entry, which every journal entry pays
    (``entry_round_trip_problems``). The same attributes as ``Builder()`` (``_BUILDER``
    falls back to the library's own when a beancount upgrade adds one); parsing is the
    library's, unchanged."""

    def __init__(self) -> None:  # replaces Builder.__init__, attribute for attribute
        lexer.LexBuilder.__init__(self)
        self.tags: list[str] = []
        self.meta: collections.defaultdict[str, list[Any]] = collections.defaultdict(list)
        self.entries: list[data.Directive] = []
        self.options = dict(_OPTIONS)
        for key in _MUTABLE_OPTIONS:
            self.options[key] = self.options[key].copy()
        self.accounts: dict[str, str] = {}
        self.account_regexp = _ACCOUNT_PATTERN
        self.dcontext = display_context.DisplayContext()
        self.display_context_update = self.dcontext.update


_BUILDER: type[Any] = (
    _QuickBuilder
    if vars(_QuickBuilder()).keys() == vars(grammar.Builder()).keys()  # type: ignore[no-untyped-call]
    else grammar.Builder
)


def parse_text(text: str) -> tuple[list[data.Directive], list[Any], dict[str, Any]]:
    """``beancount.parser.parser.parse_string(text)``, with a quicker start (``_QuickBuilder``):
    the same entries, errors and options."""
    builder = _BUILDER()
    _parser.Parser(builder).parse(io.BytesIO(text.encode("utf-8")), filename="<string>", lineno=1)
    entries, errors, options = builder.finalize()
    return entries, errors, options


def _parse_one(text: str) -> tuple[data.Directive | None, Message | None]:
    """The one directive ``text`` holds, or why it does not hold exactly one (parse errors,
    a ``plugin``, ``include`` or ``option`` line, several directives). Parsing runs no code."""
    entries, errors, options = parse_text(text)
    if errors:
        why = getattr(errors[0], "message", errors[0])
        return None, Message("ledger.text_does_not_parse", why=why)
    if options_set(options):
        return None, Message("ledger.text_sets_option")
    if len(entries) != 1:
        return None, Message("ledger.text_not_one_directive", count=len(entries))
    return entries[0], None


_DEFAULT_OPTIONS = parser.parse_string("")[2]
#: Derived by the parser from the entries themselves, not set by any directive.
_DERIVED_OPTIONS = frozenset({"dcontext", "commodities"})


def options_set(options: Mapping[str, Any]) -> list[str]:
    """The options a parsed text set (``plugin`` and ``include`` directives included): every
    option that differs from beancount's default, in beancount's order."""
    return [
        key
        for key, value in options.items()
        if key not in _DERIVED_OPTIONS and value != _DEFAULT_OPTIONS.get(key)
    ]


NOT_READ_BACK = Message("ledger.not_read_back")


def entry_round_trip_problems(
    draft: EntryDraft, *, reverses_seq: int | None = None
) -> list[tuple[str, Message]]:
    """The last line of defence before an entry is stored: render ``draft`` exactly as the
    posting service will (``text.canonical_text``), parse it back with beancount's parser
    and compare every field with the draft. ``[]`` when it reads back as the same entry;
    else ``[(field, reason)]`` naming the first field that does not. Call it after
    ``check_draft`` found nothing (it needs valid amounts). Pure; runs no plugin."""
    legs = normalised_legs(draft)
    try:
        text = draft_canonical(draft, seq=1, prev=GENESIS, legs=legs, reverses_seq=reverses_seq)
    except ValueError as exc:
        return [("entry", Message("ledger.not_writable", exc=reason_of(exc)))]
    parsed, why = _parse_one(text)
    if why is not None:
        return [("entry", why)]
    if not isinstance(parsed, data.Transaction):
        return [("entry", Message("ledger.text_reads_as", kind=type(parsed).__name__))]
    meta = {"seq": "1", "prev": GENESIS, "kind": draft.kind, **dict(draft.meta)}
    if reverses_seq is not None:
        meta["reverses"] = str(reverses_seq)
    got_meta = _own_meta(parsed.meta)
    checks: list[tuple[str, bool]] = [
        ("date", parsed.date == draft.date and parsed.flag == "*"),
        ("payee", parsed.payee == draft.payee),
        ("narration", parsed.narration == draft.narration),
        *(
            (f"meta.{key}", got_meta.get(key) == value)
            for key, value in meta.items()
            if key not in ("seq", "prev", "kind", "reverses")
        ),
        ("meta", got_meta == meta),
        ("entry", parsed.tags == frozenset() and parsed.links == {f"{LINK_PREFIX}1"}),
        (
            "legs",
            [
                (p.account, p.units, p.cost, p.price, p.flag, _own_meta(p.meta))
                for p in parsed.postings
            ]
            == [
                (leg.account, bc_amount.Amount(leg.amount, CNY), None, None, None, {})
                for leg in legs
            ],
        ),
    ]
    return [(name, NOT_READ_BACK) for name, same in checks if not same][:1]


def open_round_trip_problem(account: str, name: str, fund: str | None, on: date) -> Message | None:
    """Why the ``open`` directive of ``account`` would not read back as rendered by
    ``text.open_canonical`` (``None`` when it does): the same check as
    ``entry_round_trip_problems`` for account openings."""
    try:
        text = open_canonical(seq=1, prev=GENESIS, on=on, account=account, name=name, fund=fund)
    except ValueError as exc:
        return Message("ledger.not_writable", exc=reason_of(exc))
    parsed, why = _parse_one(text)
    if why is not None:
        return why
    meta = {"seq": "1", "prev": GENESIS, "kind": "open", "name": name}
    if fund is not None:
        meta["fund"] = fund
    same = (
        isinstance(parsed, data.Open)
        and parsed.date == on
        and parsed.account == account
        and parsed.currencies == [CNY]
        and parsed.booking is None
        and _own_meta(parsed.meta) == meta
    )
    return None if same else NOT_READ_BACK


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


#: The options a trustfund ledger file may set (its fixed header): nothing else.
FILE_OPTIONS = frozenset({"title", "operating_currency"})


def refused_directives(text: str) -> list[str]:
    """What ``text`` would make beancount do beyond reading entries — ``plugin`` (imports
    and runs a Python module), ``include`` (reads other files) and any ``option`` other
    than the header's title and currency (``insert_pythonpath``, ``documents`` …): the
    option names, empty when there is none. Parsing runs no code."""
    return [key for key in options_set(parser.parse_string(text)[2]) if key not in FILE_OPTIONS]


def load(text: str) -> LoadedLedger:
    """Load ``text`` the way ``bean-check`` does — parse, book, the built-in ``pad`` and
    ``balance`` transformations, validate — but never run code named by the text: a text
    with a ``plugin``, ``include`` or foreign ``option`` line is not loaded at all (one
    error saying so). ``beancount.loader`` would import any plugin module the text names.
    Errors are returned, never raised."""
    entries, errors, options = parser.parse_string(text)
    refused = [key for key in options_set(options) if key not in FILE_OPTIONS]
    if refused:
        message = (
            "not loaded: the text sets " + ", ".join(refused) + " (a trustfund ledger never "
            "holds plugin, include or option lines other than title and operating_currency)"
        )
        return LoadedLedger(
            [], [loader.LoadError(data.new_metadata("<trustfund>", 0), message, None)], options
        )
    entries.sort(key=data.entry_sortkey)
    entries, booking_errors = booking.book(entries, options)  # type: ignore[no-untyped-call]
    errors = [*errors, *booking_errors]
    for transform in (pad.pad, balance.check):
        entries, transform_errors = transform(entries, options)  # type: ignore[no-untyped-call]
        errors += transform_errors
    errors += validation.validate(entries, options)  # type: ignore[no-untyped-call]
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
