"""The period statement (公示表): every figure of a disclosure, computed from the journal.

For each fund, over the period [start, end]::

    opening   = fund balance as of start − 1 day
                − (sum of its Equity:Opening postings in the period)  (the books' opening
                  entry counts as opening when the period holds the opening date)
    income    = −(sum of the fund's Income postings in the period)
    spent     =   sum of the fund's Expenses postings in the period
    other     = −(sum of the fund's other Equity postings in the period)   (transfers)
    closing   = opening + income − spent + other  = fund balance as of end

and the books are reconciled (账实相符) as of ``end`` by the identity that double entry
guarantees::

    Σ fund closing balances = bank + cash on hand + goods − prepaid fees − payables
                            (= Σ Assets balances + Σ Liabilities balances, signed)

All sums are SQL aggregates over the journal's daily totals (``journal_daily_totals``: the
postings summed per account and day, kept by the posting service); tests prove they equal
beancount's balances computed from the exported ledger file. The statement is a plain
JSON-able dict (money as strings with two decimals) so that it can be hashed, stored in a
snapshot and rendered as HTML, PDF, CSV and XLSX without touching the database again.
"""

from __future__ import annotations

import gc
import hashlib
import json
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import String, cast, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from trustfund.db.base import in_fen
from trustfund.db.models.estates import Estate, Household
from trustfund.db.models.journal import (
    JournalDailyTotal,
    JournalEntry,
    JournalPosting,
    LedgerAccount,
    LedgerHead,
)
from trustfund.disclosure import names as public_names
from trustfund.disclosure.periods import Period
from trustfund.disclosure.sections import ExpenseNote, build_sections, expense_notes
from trustfund.errors import NotFoundError
from trustfund.estates.order import natural_key
from trustfund.fees import reports as fee_reports
from trustfund.journal import reading
from trustfund.ledger.accounts import (
    AUTONOMY_SOURCES,
    BANK,
    CASH,
    FUND_NAMES_ZH,
    PAYABLE,
    PREPAID_FEES,
    Fund,
    fund_of,
)
from trustfund.ledger.money import ZERO, fen_text, from_fen, money_text
from trustfund.messages import Message

#: Bumped when the shape of the statement changes (stored in every snapshot).
STATEMENT_VERSION = 1
#: Income accounts whose payers are listed by name (unless anonymous).
DONOR_SOURCES = ("Sponsorship", "InKind")
ANONYMOUS_VALUES = frozenset({"1", "true", "yes", "是"})
FUND_ORDER = {f.value: i for i, f in enumerate(Fund)}


def _fund_key(fund: str) -> tuple[int, str]:
    return (FUND_ORDER.get(fund, len(FUND_ORDER)), fund)


def fund_names(
    session: Session, estate_id: int, chart: list[LedgerAccount] | None = None
) -> dict[str, str]:
    """Chinese names of the estate's funds; a project fund is named by its accounts: the
    title after the item (``项目支出·<title>`` as books opened before December 2026 name
    them, ``项目支出·自治项目·<title>`` as ``account_label`` names them since)."""
    names: dict[str, str] = {}
    for account in chart if chart is not None else reading.chart(session, estate_id):
        if account.fund is None or account.fund in names:
            continue
        if account.fund in FUND_NAMES_ZH:
            names[account.fund] = FUND_NAMES_ZH[account.fund]
        else:
            label = account.name.split("·", 1)[-1] if "·" in account.name else account.fund
            label = label.removeprefix(PROJECT_PREFIX)
            names[account.fund] = f"{PROJECT_PREFIX}{label}"
    return names


PROJECT_PREFIX = "自治项目·"


#: Where opening balances are posted: in a period that holds the books' opening date they
#: count as the fund's opening, not as income or "other".
OPENING_ROOT = "Equity:Opening"


def _by_fund(balances: dict[str, Decimal], root: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for account, amount in balances.items():
        if account.startswith(root + ":") and (fund := fund_of(account)) is not None:
            out[fund] += amount
    return out


def _fund_rows(
    opening_acc: dict[str, Decimal], period_acc: dict[str, Decimal], names: dict[str, str]
) -> list[dict[str, Any]]:
    opening = {f: -v for f, v in service_fund_sums(opening_acc).items()}
    # The books' opening entry (期初余额) is opening even when it falls inside the period.
    for fund, amount in _by_fund(period_acc, OPENING_ROOT).items():
        opening[fund] = opening.get(fund, ZERO) - amount
    income = {f: -v for f, v in _by_fund(period_acc, "Income").items()}
    spent = dict(_by_fund(period_acc, "Expenses"))
    other = {
        f: -v
        for f, v in _by_fund(
            {a: v for a, v in period_acc.items() if not a.startswith(OPENING_ROOT + ":")},
            "Equity",
        ).items()
    }
    funds = sorted(set(names) | set(opening) | set(income) | set(spent) | set(other), key=_fund_key)
    rows = []
    for fund in funds:
        o, i, s, x = (d.get(fund, ZERO) for d in (opening, income, spent, other))
        rows.append(
            {
                "fund": fund,
                "name": names.get(fund, fund),
                "opening": money_text(o),
                "income": money_text(i),
                "expenditure": money_text(s),
                "other": money_text(x),
                "closing": money_text(o + i - s + x),
            }
        )
    return rows


def service_fund_sums(balances: dict[str, Decimal]) -> dict[str, Decimal]:
    """Sum of postings per fund (all fund roots) from account balances."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for account, amount in balances.items():
        if (fund := fund_of(account)) is not None:
            out[fund] += amount
    return out


def _reconciliation(closing_acc: dict[str, Decimal], funds_total: Decimal) -> dict[str, Any]:
    assets = {a: v for a, v in closing_acc.items() if a.startswith("Assets:")}
    liabilities = {a: v for a, v in closing_acc.items() if a.startswith("Liabilities:")}
    net = sum(assets.values(), ZERO) + sum(liabilities.values(), ZERO)
    other_assets = {a: v for a, v in assets.items() if a not in (BANK, CASH)}
    other_liabilities = {a: -v for a, v in liabilities.items() if a not in (PREPAID_FEES, PAYABLE)}
    return {
        "identity": "各基金期末余额合计 = 银行存款 + 管家现金 + 实物资产 − 预收服务费 − 应付款",
        "bank": money_text(assets.get(BANK, ZERO)),
        "cash": money_text(assets.get(CASH, ZERO)),
        "other_assets": {a: money_text(v) for a, v in sorted(other_assets.items())},
        "prepaid_fees": money_text(-liabilities.get(PREPAID_FEES, ZERO)),
        "payables": money_text(-liabilities.get(PAYABLE, ZERO)),
        "other_liabilities": {a: money_text(v) for a, v in sorted(other_liabilities.items())},
        "assets_less_liabilities": money_text(net),
        "funds_total": money_text(funds_total),
        "difference": money_text(funds_total - net),
        "balanced": funds_total == net,
    }


def _date_text(session: Session, column: Any) -> Any:
    """A date column as ``YYYY-MM-DD`` text straight from the database (no date object and
    no parsing per row: the statement only prints dates)."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(column, String)  # SQLite stores dates as ISO text
    return type_coerce(func.to_char(column, "YYYY-MM-DD"), String)


def _daily_account_sums(
    session: Session, estate_id: int, start: date, end: date
) -> list[tuple[date, str, int]]:
    """``(date, account, sum in fen)`` per day and account in [start, end], from which the
    period's account sums and the chart's series both follow: the daily totals' primary key
    range (about 2,000 rows for a year of 100,000 entries; grouping the 360,000 postings
    took 100–150 ms)."""
    rows = session.connection().execute(
        select(JournalDailyTotal.date, JournalDailyTotal.account, JournalDailyTotal.fen).where(
            JournalDailyTotal.estate_id == estate_id,
            JournalDailyTotal.date >= start,
            JournalDailyTotal.date <= end,
            JournalDailyTotal.fen != 0,
        )
    )
    return [(day, str(account), int(value)) for day, account, value in rows.all()]


def _balances_before(session: Session, estate_id: int, start: date) -> dict[str, Decimal]:
    """Each account's balance at the end of the day before ``start`` (accounts at zero left
    out), from the daily totals."""
    rows = session.connection().execute(
        select(JournalDailyTotal.account, func.sum(JournalDailyTotal.fen))
        .where(JournalDailyTotal.estate_id == estate_id, JournalDailyTotal.date < start)
        .group_by(JournalDailyTotal.account)
    )
    return {str(a): from_fen(int(v)) for a, v in sorted(rows.all()) if v}


def _month_ends(start: date, end: date) -> list[date]:
    points = []
    year, month = start.year, start.month
    while True:
        nxt = date(year + month // 12, month % 12 + 1, 1)
        last = nxt - timedelta(days=1)
        if last >= end:
            break
        points.append(last)
        year, month = nxt.year, nxt.month
    return [*points, end]


def _fund_series(
    daily: list[tuple[date, str, int]],
    period: Period,
    opening: dict[str, Decimal],
    funds: list[str],
) -> list[dict[str, Any]]:
    """Fund balances at the period's opening and at each month end (for the chart)."""
    changes = sorted(
        (day, fund, from_fen(fen))
        for day, account, fen in daily
        if (fund := fund_of(account)) is not None and not account.startswith(OPENING_ROOT + ":")
    )
    balances = {f: opening.get(f, ZERO) for f in funds}
    series = [
        {
            "date": (period.start - timedelta(days=1)).isoformat(),
            "balances": {f: money_text(v) for f, v in balances.items()},
        }
    ]
    i = 0
    for point in _month_ends(period.start, period.end):
        while i < len(changes) and changes[i][0] <= point:
            _, fund, amount = changes[i]
            balances[fund] = balances.get(fund, ZERO) - amount
            i += 1
        series.append(
            {
                "date": point.isoformat(),
                "balances": {f: money_text(balances.get(f, ZERO)) for f in funds},
            }
        )
    return series


def _collection(session: Session, estate: Estate, period: Period) -> dict[str, Any] | None:
    fee_year = period.end.year
    if fee_year not in fee_reports.fee_years(session, estate.id):
        return None
    report = fee_reports.collection_report(session, estate.id, fee_year, as_of=period.end)
    keys = (
        "households",
        "paid_in_full",
        "partial",
        "unpaid",
        "charged",
        "paid",
        "household_rate",
        "amount_rate",
    )

    def pick(stats: Mapping[str, Any]) -> dict[str, Any]:
        # Arrears appear only as counts (partial, unpaid); never per household.
        return {k: stats.get(k) for k in keys}

    registered = session.scalar(  # not those closed by a merge or split by the period's end
        select(func.count(Household.id)).where(
            Household.estate_id == estate.id,
            or_(Household.closed_on.is_(None), Household.closed_on > period.end),
        )
    )
    return {
        "fee_year": fee_year,
        "as_of": report["as_of"],
        "registered_households": int(registered or 0),
        "overall": pick(report["overall"]),
        "occupied": pick(report["by_occupancy"]["occupied"])
        if "occupied" in report["by_occupancy"]
        else None,
        "vacant": pick(report["by_occupancy"]["vacant"])
        if "vacant" in report["by_occupancy"]
        else None,
        "by_building": [
            {"building": b["building"], **pick(b)}
            for b in sorted(report["by_building"], key=lambda b: natural_key(b["building"]))
        ],
        "by_component": [
            {k: c[k] for k in ("fund", "name", "charged", "paid", "amount_rate")}
            for c in report["by_component"]
        ],
    }


def _donor_rows(
    session: Session, estate_id: int, period: Period, donor_accounts: list[str]
) -> list[tuple[Any, ...]]:
    if not donor_accounts:
        return []
    rows = session.connection().execute(
        select(
            JournalEntry.seq,
            _date_text(session, JournalEntry.date),
            JournalEntry.payee,
            JournalEntry.narration,
            JournalEntry.meta,
            JournalPosting.account,
            JournalPosting.fund,
            in_fen(JournalPosting.amount),
        )
        .join(JournalEntry, JournalEntry.id == JournalPosting.entry_id)
        .where(
            JournalPosting.estate_id == estate_id,
            JournalPosting.account.in_(donor_accounts),
            JournalPosting.date >= period.start,
            JournalPosting.date <= period.end,
        )
        .order_by(JournalEntry.date, JournalEntry.seq, JournalPosting.position)
    )
    return [tuple(r) for r in rows.all()]


def _income(
    figures: JournalFigures,
    period_acc: dict[str, Decimal],
    names: dict[str, str],
) -> dict[str, Any]:
    fees = []
    other = []
    for account, amount in sorted(period_acc.items()):
        if not account.startswith("Income:"):
            continue
        fund = fund_of(account) or ""
        if account.startswith("Income:Fees:"):
            fees.append(
                {"fund": fund, "name": names.get(fund, fund), "amount": money_text(-amount)}
            )
        else:
            source = account.rsplit(":", 1)[-1]
            other.append(
                {
                    "source": source,
                    "name": AUTONOMY_SOURCES.get(source, source),
                    "fund": fund,
                    "fund_name": names.get(fund, fund),
                    "amount": money_text(-amount),
                }
            )
    fees.sort(key=lambda r: _fund_key(r["fund"]))
    donors = []
    for seq, day, payee, narration, meta, account, d_fund, fen in figures.donor_rows:
        extra = json.loads(meta or "{}")
        anonymous = str(extra.get("anonymous", "")).lower() in ANONYMOUS_VALUES
        donor = extra.get("donor") or payee
        donors.append(
            {
                "seq": seq,
                "date": day,
                "donor": "匿名" if anonymous or not donor else donor,
                "kind": AUTONOMY_SOURCES.get(account.rsplit(":", 1)[-1], ""),
                "item": narration,
                "fund": d_fund or "",
                "fund_name": names.get(d_fund or "", d_fund or ""),
                "amount": fen_text(-fen),
            }
        )
    total_fees = sum((Decimal(r["amount"]) for r in fees), ZERO)
    total_other = sum((Decimal(r["amount"]) for r in other), ZERO)
    return {
        "fees": fees,
        "fees_total": money_text(total_fees),
        "other": other,
        "other_total": money_text(total_other),
        "donors": donors,
        "total": money_text(total_fees + total_other),
    }


#: One expense posting as the journal says it, ready to print: ``(seq, date, payee, narration,
#: metadata JSON or None, account, fund, amount in fen, amount as text "-12.30")``. The rows
#: are kept as the database returned them (tuple-like rows: no object per line).
ExpenseRow = tuple[int, str, str, str, str | None, str, str, int, str]


def _amount_text(session: Session, column: Any) -> Any:
    """A money column as text with two decimals (``"-12.30"``), written by the database:
    ``NUMERIC(14,2)`` as text on PostgreSQL; on SQLite, which keeps the amount as an integer
    or a binary float, ``printf('%.2f')`` — exact to the fen for any amount below 10^13."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(func.printf("%.2f", column), String)
    return cast(column, String)


def _expense_rows(
    session: Session, estate_id: int, period: Period, expense_accounts: list[str]
) -> list[ExpenseRow]:
    """The period's expense postings in entry order, ready to print: one Core select fetched
    at once, dates and amounts already as text, no object built per line.

    The accounts are named (``IN`` the chart's expense accounts) rather than matched with
    ``LIKE 'Expenses:%'``: neither SQLite nor PostgreSQL (outside the C collation) answers a
    ``LIKE`` from the ``(estate_id, account, date)`` index, so the ``LIKE`` read every posting
    of the period (340,000 in the benchmark) to keep 20,000; a range ``>= 'Expenses:' AND <
    'Expenses;'`` would depend on the collation's ordering of punctuation."""
    if not expense_accounts:
        return []
    rows = session.connection().execute(
        select(
            JournalEntry.seq,
            _date_text(session, JournalPosting.date),
            func.coalesce(JournalEntry.payee, ""),
            JournalEntry.narration,
            func.nullif(JournalEntry.meta, "{}"),
            JournalPosting.account,
            func.coalesce(JournalPosting.fund, ""),
            in_fen(JournalPosting.amount),
            _amount_text(session, JournalPosting.amount),
        )
        .join(JournalEntry, JournalEntry.id == JournalPosting.entry_id)
        .where(
            JournalPosting.estate_id == estate_id,
            JournalPosting.account.in_(expense_accounts),
            JournalPosting.date >= period.start,
            JournalPosting.date <= period.end,
        )
        # the entry's date (= its postings'): ordering by the posting's date would make
        # SQLite walk the (estate, date, …) index for the order instead of the account's
        .order_by(JournalEntry.date, JournalEntry.seq, JournalPosting.position)
    )
    return list(rows.all())


def _voucher_and_roles(meta: str | None) -> tuple[str, tuple[str, ...]]:
    """The voucher number and approvers' roles an entry's metadata names (JSON parsed only
    when it mentions them)."""
    if not meta or ('"voucher"' not in meta and '"approved-by"' not in meta):
        return "", ()
    extra = json.loads(meta)
    roles = tuple(r for r in str(extra.get("approved-by") or "").split(",") if r)
    return str(extra.get("voucher") or ""), roles


def _expenditure(
    figures: JournalFigures,
    notes: dict[int, ExpenseNote],
    names: dict[str, str],
    account_names: dict[str, str],
    approver_names: dict[int, list[str]],
) -> dict[str, Any]:
    """Expense lines with what their owners know (vouchers, approvers' roles, flags) on top
    of what the entries say; ``approver_names`` (by seq, aligned with the roles) only when
    the committee decided approvers appear by name (``disclosure.names``): then a line of
    an approved claim carries ``approver_names`` too."""
    lines: list[dict[str, Any]] = []
    append = lines.append
    total = 0
    by_fund: dict[str, int] = defaultdict(int)
    rows = figures.expense_rows
    category = {a: account_names.get(a, a) for a in {r[5] for r in rows}}
    fund_label = {f: names.get(f, f) for f in {r[6] for r in rows}}
    for seq, day, payee, narration, meta, account, fund, fen, amount in rows:
        voucher, roles = _voucher_and_roles(meta) if meta else ("", ())
        flag = ""
        note = notes.get(seq) if notes else None
        if note is not None:
            voucher = note.voucher or voucher
            roles = note.approver_roles or roles
            payee = note.payee or payee
            flag = note.reference_price_flag or ""
        total += fen
        by_fund[fund] += fen
        append(
            {
                "seq": seq,
                "date": day,
                "item": narration,
                "category": category[account],
                "payee": payee,
                "fund": fund,
                "fund_name": fund_label[fund],
                "amount": amount,
                "voucher": voucher,
                "approver_roles": list(roles),
                "flag": flag,
            }
        )
        if approver_names and seq in approver_names:
            lines[-1]["approver_names"] = approver_names[seq]
    return {
        "lines": lines,
        "count": len(lines),
        "total": fen_text(total),
        "by_fund": [
            {"fund": f, "name": names.get(f, f), "amount": fen_text(v)}
            for f, v in sorted(by_fund.items(), key=lambda kv: _fund_key(kv[0]))
        ],
    }


@dataclass(frozen=True)
class JournalFigures:
    """Everything a statement reads from the journal for one period. It is a function of the
    estate's entries alone, and the journal is append-only and hash-chained, so it can be
    kept under the ledger head ``(seq, hash)``: any new entry moves the head and misses."""

    opening: dict[str, Decimal]
    daily: list[tuple[date, str, int]]
    expense_rows: list[ExpenseRow]
    donor_rows: list[tuple[Any, ...]]
    entries_in_period: int
    last_seq_in_period: int | None

    @property
    def period_accounts(self) -> dict[str, Decimal]:
        sums: dict[str, int] = defaultdict(int)
        for _day, account, fen in self.daily:
            sums[account] += fen
        return {a: from_fen(v) for a, v in sorted(sums.items()) if v}


def _read_journal(session: Session, estate_id: int, period: Period) -> JournalFigures:
    daily = _daily_account_sums(session, estate_id, period.start, period.end)
    # Accounts from the chart, not from the day sums: an account whose postings cancel out
    # (an expense reversed on its own day) still has lines to list.
    accounts = sorted(
        session.scalars(select(LedgerAccount.account).where(LedgerAccount.estate_id == estate_id))
    )
    expense_accounts = [a for a in accounts if a.startswith("Expenses:")]
    donor_accounts = [
        a for a in accounts if a.startswith("Income:") and a.rsplit(":", 1)[-1] in DONOR_SOURCES
    ]
    # count(*), not count(id): PostgreSQL answers from the (estate, date, seq) index alone
    count, last = session.execute(
        select(func.count(), func.max(JournalEntry.seq)).where(
            JournalEntry.estate_id == estate_id,
            JournalEntry.date >= period.start,
            JournalEntry.date <= period.end,
        )
    ).one()
    return JournalFigures(
        opening=_balances_before(session, estate_id, period.start),
        daily=daily,
        expense_rows=_expense_rows(session, estate_id, period, expense_accounts),
        donor_rows=_donor_rows(session, estate_id, period, donor_accounts),
        entries_in_period=int(count or 0),
        last_seq_in_period=last,
    )


#: Journal figures by (estate id, start, end, head seq, head hash); a few periods are kept.
_figures_cache: OrderedDict[tuple[Any, ...], JournalFigures] = OrderedDict()
_figures_lock = threading.Lock()
FIGURES_CACHE_SIZE = 8


def clear_figures_cache() -> None:
    with _figures_lock:
        _figures_cache.clear()


def _head(session: Session, estate_id: int) -> tuple[int, str]:
    row = session.execute(
        select(LedgerHead.last_seq, LedgerHead.last_hash).where(LedgerHead.estate_id == estate_id)
    ).first()
    return (int(row[0]), str(row[1])) if row else (0, "")


def journal_figures(session: Session, estate_id: int, period: Period) -> JournalFigures:
    """The period's journal figures, from the cache when the ledger head has not moved.

    The head is read before and after the queries, and the result is kept only when both
    reads agree, so a writer committing in between (PostgreSQL, read committed) can never
    leave figures under a head they do not belong to. The key holds the head's hash: two
    databases (tests) with equal keys have equal journals."""
    before = _head(session, estate_id)
    key = (estate_id, period.start, period.end, *before)
    with _figures_lock:
        hit = _figures_cache.get(key)
        if hit is not None:
            _figures_cache.move_to_end(key)
            return hit
    figures = _read_journal(session, estate_id, period)
    if _head(session, estate_id) == before:
        with _figures_lock:
            _figures_cache[key] = figures
            while len(_figures_cache) > FIGURES_CACHE_SIZE:
                _figures_cache.popitem(last=False)
    return figures


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector out of a build. A year's statement allocates
    some 200,000 rows, tuples and dicts (none of them cyclic garbage); that many allocations
    trigger full collections which walk every object of the process — the cached figures of
    other periods included — and cost 70–150 ms of a 0.3–0.5 s cold build on the benchmark
    machine. Reference counting still frees everything; the collector runs again afterwards.
    Threads: only a caller that found the collector enabled re-enables it, so it is never
    left off, at worst on for the rest of a concurrent build."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_statement(session: Session, estate: Estate, period: Period) -> dict[str, Any]:
    """The statement of ``estate`` for ``period`` from live figures (reads only). The journal
    part comes from :func:`journal_figures`; the collection, the sections and the notes on
    expense lines (vouchers, approvers' roles) are read afresh every time, since they live
    outside the journal."""
    with collector_paused():
        return _build_statement(session, estate, period)


def _build_statement(session: Session, estate: Estate, period: Period) -> dict[str, Any]:
    chart = reading.chart(session, estate.id)
    account_names = {a.account: a.name for a in chart}
    figures = journal_figures(session, estate.id, period)
    opening_acc = figures.opening
    period_acc = figures.period_accounts
    closing_acc = {
        a: v
        for a in sorted(set(opening_acc) | set(period_acc))
        if (v := opening_acc.get(a, ZERO) + period_acc.get(a, ZERO)) != ZERO
    }
    names = fund_names(session, estate.id, chart)
    funds = _fund_rows(opening_acc, period_acc, names)
    funds_total = {
        k: money_text(sum((Decimal(r[k]) for r in funds), ZERO))
        for k in ("opening", "income", "expenditure", "other", "closing")
    }
    opening_funds = {r["fund"]: Decimal(r["opening"]) for r in funds}
    notes = expense_notes(session, estate, period)
    return {
        "statement_version": STATEMENT_VERSION,
        "estate": {
            "slug": estate.slug,
            "name": estate.name,
            "community": estate.community,
            "street_office": estate.street_office,
        },
        "period": period.as_dict(),
        "funds": funds,
        "funds_total": funds_total,
        "fund_series": _fund_series(
            figures.daily, period, opening_funds, [r["fund"] for r in funds]
        ),
        "reconciliation": _reconciliation(closing_acc, Decimal(funds_total["closing"])),
        "collection": _collection(session, estate, period),
        "income": _income(figures, period_acc, names),
        "expenditure": _expenditure(
            figures,
            notes,
            names,
            account_names,
            public_names.line_names(session, estate.id, notes),
        ),
        "sections": build_sections(session, estate, period),
        "ledger": {
            "entries_in_period": figures.entries_in_period,
            "last_seq_in_period": figures.last_seq_in_period,
        },
    }


#: msgspec (a dependency of Litestar) writes the same bytes as ``json.dumps(statement,
#: ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()`` for what a statement
#: holds (str keys; str, int, bool, None, lists and dicts — a test compares the two over
#: every code point) in a tenth of the time: 4.5 MB for 20,000 expense lines in 6–10 ms
#: instead of 55–90 ms.
_CANONICAL = msgspec.json.Encoder(order="sorted")


def canonical_json(statement: dict[str, Any]) -> bytes:
    """The statement as canonical JSON bytes (sorted keys, no spaces, UTF-8): byte for byte
    what ``json.dumps(…, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` gives,
    so published hashes can be recomputed with the standard library."""
    return _CANONICAL.encode(statement)


def figures_hash(statement: dict[str, Any]) -> str:
    """sha256 of the canonical statement: what an approval is bound to."""
    return hashlib.sha256(canonical_json(statement)).hexdigest()


def statement_for(session: Session, estate_slug: str, period: Period) -> dict[str, Any]:
    """Raises ``NotFoundError``."""
    estate = session.scalar(select(Estate).where(Estate.slug == estate_slug))
    if estate is None:
        raise NotFoundError(Message("estates.no_estate", slug=estate_slug))
    return build_statement(session, estate, period)
