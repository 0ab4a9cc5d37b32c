"""Statement sections that other packages fill: the extension point of the statement.

A *section provider* is a function ``(session, estate, period) -> SectionData | None``
registered under a key with :func:`register_section`. The statement lists every known
section in order; a section whose provider is missing or returns ``None`` (no data yet) is
shown as "暂无" — never with invented figures.

Expense annotations enrich the expenditure lines that come from the ledger: a function
``(session, estate, period) -> {entry seq: ExpenseNote}`` registered with
:func:`register_expense_annotator` adds voucher numbers and approvers' roles it knows about
(settlements knows them for payouts).

Providers live in the package that owns the data (its ``disclosure_sections`` module, the
only place a domain package touches ``disclosure``); ``trustfund.wiring`` lists them with
their keys, titles and order, and they are installed the first time sections are built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.disclosure.periods import Period


@dataclass(frozen=True)
class SectionData:
    """A table: ``columns`` are ``(key, Chinese header)``; each row maps keys to display
    strings (money already as ``"1234.50"``). ``note`` is shown under the table."""

    columns: tuple[tuple[str, str], ...]
    rows: list[dict[str, str]]
    note: str = ""
    totals: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExpenseNote:
    """What the owner of an expense knows about its line. ``approver_roles`` are roles in
    Chinese, never names; ``approver_ids`` (aligned with them, when known) let the statement
    name committee members if the committee decided so (``disclosure.names``); ``payee``,
    when given, replaces the entry's payee (settlements gives the contractor's registered
    name)."""

    voucher: str | None = None
    approver_roles: tuple[str, ...] = ()
    approver_ids: tuple[int, ...] = ()
    reference_price_flag: str | None = None
    payee: str | None = None


SectionProvider = Callable[[Session, Estate, Period], SectionData | None]
ExpenseAnnotator = Callable[[Session, Estate, Period], dict[int, ExpenseNote]]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    order: int


#: The sections the issue asks for, provided by packages being built in parallel.
KNOWN_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("reference_price_flags", "结算超出政府参考价的明细及原因", 10),
    SectionSpec("autonomy_projects", "自治基金项目：预算与实际支出", 20),
    SectionSpec("goods_received", "物品入库及实物捐赠", 30),
)

_specs: dict[str, SectionSpec] = {s.key: s for s in KNOWN_SECTIONS}
_providers: dict[str, SectionProvider] = {}
_annotators: list[ExpenseAnnotator] = []
_loaded = False


def register_section(
    key: str, title: str | None = None, order: int = 100
) -> Callable[[SectionProvider], SectionProvider]:
    """Decorator: register ``fn`` as the provider of section ``key`` (replacing any)."""

    def decorate(fn: SectionProvider) -> SectionProvider:
        spec = _specs.get(key)
        if spec is None:
            if title is None:
                raise ValueError(f"new section {key!r} needs a title")
            _specs[key] = SectionSpec(key, title, order)
        elif title is not None:
            _specs[key] = SectionSpec(key, title, spec.order)
        _providers[key] = fn
        return fn

    return decorate


def provider_of(key: str) -> SectionProvider | None:
    """The provider registered for ``key`` (tests put it back after replacing it)."""
    _load_providers()
    return _providers.get(key)


def unregister_section(key: str) -> None:
    """Remove a provider (tests); a known section falls back to "暂无"."""
    _providers.pop(key, None)
    if key not in {s.key for s in KNOWN_SECTIONS}:
        _specs.pop(key, None)


def register_expense_annotator(fn: ExpenseAnnotator) -> ExpenseAnnotator:
    if fn not in _annotators:
        _annotators.append(fn)
    return fn


def unregister_expense_annotator(fn: ExpenseAnnotator) -> None:
    if fn in _annotators:
        _annotators.remove(fn)


def _load_providers() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from trustfund import wiring

    for spec, provider in wiring.statement_sections():
        if spec.key not in _providers:  # a test may have put its own in first
            register_section(spec.key, spec.title, spec.order)(provider)
    for annotate in wiring.expense_annotators():
        register_expense_annotator(annotate)


def build_sections(session: Session, estate: Estate, period: Period) -> list[dict[str, Any]]:
    """Every section in order, as JSON-able dicts: ``status`` is ``"ok"`` or ``"none"``."""
    _load_providers()
    out: list[dict[str, Any]] = []
    for spec in sorted(_specs.values(), key=lambda s: (s.order, s.key)):
        provider = _providers.get(spec.key)
        data = provider(session, estate, period) if provider else None
        if data is None:
            out.append(
                {
                    "key": spec.key,
                    "title": spec.title,
                    "status": "none",
                    "columns": [],
                    "rows": [],
                    "note": "暂无",
                    "totals": {},
                }
            )
            continue
        out.append(
            {
                "key": spec.key,
                "title": spec.title,
                "status": "ok" if data.rows else "none",
                "columns": [list(c) for c in data.columns],
                "rows": [dict(r) for r in data.rows],
                "note": data.note or ("" if data.rows else "暂无"),
                "totals": dict(data.totals),
            }
        )
    return out


def expense_notes(session: Session, estate: Estate, period: Period) -> dict[int, ExpenseNote]:
    _load_providers()
    notes: dict[int, ExpenseNote] = {}
    for annotate in _annotators:
        notes.update(annotate(session, estate, period))
    return notes
