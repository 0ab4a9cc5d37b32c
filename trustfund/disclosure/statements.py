"""The period statement (公示表): every figure of a disclosure, computed from the journal.

For each fund, over the period [start, end]::

    opening   = fund balance as of start − 1 day
    income    = −(sum of the fund's Income postings in the period)
    spent     =   sum of the fund's Expenses postings in the period
    other     = −(sum of the fund's Equity postings in the period)   (opening entries, transfers)
    closing   = opening + income − spent + other  = fund balance as of end

and the books are reconciled (账实相符) as of ``end`` by the identity that double entry
guarantees::

    Σ fund closing balances = bank + cash on hand + goods − prepaid fees − payables
                            (= Σ Assets balances + Σ Liabilities balances, signed)

All sums are SQL aggregates through ``trustfund.journal.service``; tests prove they equal
beancount's balances computed from the exported ledger file. The statement is a plain
JSON-able dict (money as strings with two decimals) so that it can be hashed, stored in a
snapshot and rendered as HTML, PDF, CSV and XLSX without touching the database again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate, Household
from trustfund.db.models.journal import JournalEntry, JournalPosting
from trustfund.disclosure.periods import Period
from trustfund.disclosure.sections import build_sections, expense_notes
from trustfund.errors import NotFoundError
from trustfund.fees import reports as fee_reports
from trustfund.journal import service
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
from trustfund.ledger.money import ZERO, to_money

#: Bumped when the shape of the statement changes (stored in every snapshot).
STATEMENT_VERSION = 1
#: Income accounts whose payers are listed by name (unless anonymous).
DONOR_SOURCES = ("Sponsorship", "InKind")
ANONYMOUS_VALUES = frozenset({"1", "true", "yes", "是"})
FUND_ORDER = {f.value: i for i, f in enumerate(Fund)}


def _natural(text: str) -> tuple[Any, ...]:
    """ "2" before "10": numbers compare as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def money(value: Decimal) -> str:
    return f"{to_money(value):.2f}"


def _fund_key(fund: str) -> tuple[int, str]:
    return (FUND_ORDER.get(fund, len(FUND_ORDER)), fund)


def fund_names(session: Session, estate_id: int) -> dict[str, str]:
    """Chinese names of the estate's funds; a project fund is named by its accounts."""
    names: dict[str, str] = {}
    for account in service.chart(session, estate_id):
        if account.fund is None or account.fund in names:
            continue
        if account.fund in FUND_NAMES_ZH:
            names[account.fund] = FUND_NAMES_ZH[account.fund]
        else:
            label = account.name.split("·", 1)[-1] if "·" in account.name else account.fund
            names[account.fund] = f"自治项目·{label}"
    return names


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
    income = {f: -v for f, v in _by_fund(period_acc, "Income").items()}
    spent = dict(_by_fund(period_acc, "Expenses"))
    other = {f: -v for f, v in _by_fund(period_acc, "Equity").items()}
    funds = sorted(set(names) | set(opening) | set(income) | set(spent) | set(other), key=_fund_key)
    rows = []
    for fund in funds:
        o, i, s, x = (d.get(fund, ZERO) for d in (opening, income, spent, other))
        rows.append(
            {
                "fund": fund,
                "name": names.get(fund, fund),
                "opening": money(o),
                "income": money(i),
                "expenditure": money(s),
                "other": money(x),
                "closing": money(o + i - s + x),
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
        "bank": money(assets.get(BANK, ZERO)),
        "cash": money(assets.get(CASH, ZERO)),
        "other_assets": {a: money(v) for a, v in sorted(other_assets.items())},
        "prepaid_fees": money(-liabilities.get(PREPAID_FEES, ZERO)),
        "payables": money(-liabilities.get(PAYABLE, ZERO)),
        "other_liabilities": {a: money(v) for a, v in sorted(other_liabilities.items())},
        "assets_less_liabilities": money(net),
        "funds_total": money(funds_total),
        "difference": money(funds_total - net),
        "balanced": funds_total == net,
    }


def _fen(column: Any) -> Any:
    """A money column as whole fen (an exact integer on both backends)."""
    return cast(func.round(column * 100), Integer)


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _daily_account_sums(
    session: Session, estate_id: int, start: date, end: date
) -> list[tuple[date, str, Decimal]]:
    """``(date, account, sum of postings)`` per day and account in [start, end]: one indexed
    ``GROUP BY`` from which the period's account sums and the chart's series both follow."""
    rows = session.execute(
        select(JournalPosting.date, JournalPosting.account, func.sum(_fen(JournalPosting.amount)))
        .where(
            JournalPosting.estate_id == estate_id,
            JournalPosting.date >= start,
            JournalPosting.date <= end,
        )
        .group_by(JournalPosting.date, JournalPosting.account)
    )
    return [(day, str(account), _yuan(int(value))) for day, account, value in rows]


def _fen_text(fen: int) -> str:
    """Whole fen as ``"-12.30"`` (fast: no Decimal per line)."""
    sign, fen = ("-", -fen) if fen < 0 else ("", fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


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
    daily: list[tuple[date, str, Decimal]],
    period: Period,
    opening: dict[str, Decimal],
    funds: list[str],
) -> list[dict[str, Any]]:
    """Fund balances at the period's opening and at each month end (for the chart)."""
    changes = sorted(
        (day, fund, amount)
        for day, account, amount in daily
        if (fund := fund_of(account)) is not None
    )
    balances = {f: opening.get(f, ZERO) for f in funds}
    series = [
        {
            "date": (period.start - timedelta(days=1)).isoformat(),
            "balances": {f: money(v) for f, v in balances.items()},
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
                "balances": {f: money(balances.get(f, ZERO)) for f in funds},
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

    def pick(stats: dict[str, Any]) -> dict[str, Any]:
        # Arrears appear only as counts (partial, unpaid); never per household.
        return {k: stats.get(k) for k in keys}

    registered = session.scalar(
        select(func.count(Household.id)).where(Household.estate_id == estate.id)
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
            for b in sorted(report["by_building"], key=lambda b: _natural(str(b["building"])))
        ],
        "by_component": [
            {k: c[k] for k in ("fund", "name", "charged", "paid", "amount_rate")}
            for c in report["by_component"]
        ],
    }


def _income(
    session: Session,
    estate_id: int,
    period: Period,
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
            fees.append({"fund": fund, "name": names.get(fund, fund), "amount": money(-amount)})
        else:
            source = account.rsplit(":", 1)[-1]
            other.append(
                {
                    "source": source,
                    "name": AUTONOMY_SOURCES.get(source, source),
                    "fund": fund,
                    "fund_name": names.get(fund, fund),
                    "amount": money(-amount),
                }
            )
    fees.sort(key=lambda r: _fund_key(r["fund"]))
    donor_accounts = [
        a for a in period_acc if a.startswith("Income:") and a.rsplit(":", 1)[-1] in DONOR_SOURCES
    ]
    donors = []
    if donor_accounts:
        rows = session.execute(
            select(
                JournalEntry.seq,
                JournalEntry.date,
                JournalEntry.payee,
                JournalEntry.narration,
                JournalEntry.meta,
                JournalPosting.account,
                JournalPosting.fund,
                JournalPosting.amount,
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
        for seq, day, payee, narration, meta, account, d_fund, amount in rows:
            extra = json.loads(meta or "{}")
            anonymous = str(extra.get("anonymous", "")).lower() in ANONYMOUS_VALUES
            donor = extra.get("donor") or payee
            donors.append(
                {
                    "seq": seq,
                    "date": day.isoformat(),
                    "donor": "匿名" if anonymous or not donor else donor,
                    "kind": AUTONOMY_SOURCES.get(account.rsplit(":", 1)[-1], ""),
                    "item": narration,
                    "fund": d_fund or "",
                    "fund_name": names.get(d_fund or "", d_fund or ""),
                    "amount": money(-to_money(amount)),
                }
            )
    total_fees = sum((Decimal(r["amount"]) for r in fees), ZERO)
    total_other = sum((Decimal(r["amount"]) for r in other), ZERO)
    return {
        "fees": fees,
        "fees_total": money(total_fees),
        "other": other,
        "other_total": money(total_other),
        "donors": donors,
        "total": money(total_fees + total_other),
    }


def _expenditure(
    session: Session,
    estate: Estate,
    period: Period,
    names: dict[str, str],
    account_names: dict[str, str],
) -> dict[str, Any]:
    notes = expense_notes(session, estate, period)
    rows = session.execute(
        select(
            JournalEntry.seq,
            JournalEntry.date,
            JournalEntry.payee,
            JournalEntry.narration,
            JournalEntry.meta,
            JournalPosting.account,
            JournalPosting.fund,
            _fen(JournalPosting.amount),
        )
        .join(JournalEntry, JournalEntry.id == JournalPosting.entry_id)
        .where(
            JournalPosting.estate_id == estate.id,
            JournalPosting.account.like("Expenses:%"),
            JournalPosting.date >= period.start,
            JournalPosting.date <= period.end,
        )
        .order_by(JournalEntry.date, JournalEntry.seq, JournalPosting.position)
    )
    lines = []
    total = 0
    by_fund: dict[str, int] = defaultdict(int)
    fund_label = dict(names)
    for seq, day, payee, narration, meta, account, fund, amount in rows:
        extra = json.loads(meta) if meta and meta != "{}" else {}
        note = notes.get(seq)
        voucher = (note.voucher if note else None) or extra.get("voucher") or ""
        roles = list(note.approver_roles) if note and note.approver_roles else []
        if not roles and extra.get("approved-by"):
            roles = [r for r in str(extra["approved-by"]).split(",") if r]
        total += amount
        by_fund[fund or ""] += amount
        lines.append(
            {
                "seq": seq,
                "date": day.isoformat(),
                "item": narration,
                "category": account_names.get(account, account),
                "payee": payee or "",
                "fund": fund or "",
                "fund_name": fund_label.get(fund or "", fund or ""),
                "amount": _fen_text(amount),
                "voucher": voucher,
                "approver_roles": roles,
                "flag": (note.reference_price_flag if note else None) or "",
            }
        )
    return {
        "lines": lines,
        "count": len(lines),
        "total": _fen_text(total),
        "by_fund": [
            {"fund": f, "name": names.get(f, f), "amount": _fen_text(v)}
            for f, v in sorted(by_fund.items(), key=lambda kv: _fund_key(kv[0]))
        ],
    }


def build_statement(session: Session, estate: Estate, period: Period) -> dict[str, Any]:
    """The statement of ``estate`` for ``period`` from live figures (reads only)."""
    opening_acc = service.account_balances(session, estate.id, end=period.start - timedelta(days=1))
    daily = _daily_account_sums(session, estate.id, period.start, period.end)
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for _day, account, amount in daily:
        sums[account] += amount
    period_acc = {a: v for a, v in sorted(sums.items()) if v != ZERO}
    closing_acc = {
        a: v
        for a in sorted(set(opening_acc) | set(period_acc))
        if (v := opening_acc.get(a, ZERO) + period_acc.get(a, ZERO)) != ZERO
    }
    chart = service.chart(session, estate.id)
    account_names = {a.account: a.name for a in chart}
    names = fund_names(session, estate.id)
    funds = _fund_rows(opening_acc, period_acc, names)
    funds_total = {
        k: money(sum((Decimal(r[k]) for r in funds), ZERO))
        for k in ("opening", "income", "expenditure", "other", "closing")
    }
    opening_funds = {r["fund"]: Decimal(r["opening"]) for r in funds}
    entries_in_period = session.execute(
        select(func.count(JournalEntry.id), func.max(JournalEntry.seq)).where(
            JournalEntry.estate_id == estate.id,
            JournalEntry.date >= period.start,
            JournalEntry.date <= period.end,
        )
    ).one()
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
        "fund_series": _fund_series(daily, period, opening_funds, [r["fund"] for r in funds]),
        "reconciliation": _reconciliation(closing_acc, Decimal(funds_total["closing"])),
        "collection": _collection(session, estate, period),
        "income": _income(session, estate.id, period, period_acc, names),
        "expenditure": _expenditure(session, estate, period, names, account_names),
        "sections": build_sections(session, estate, period),
        "ledger": {
            "entries_in_period": int(entries_in_period[0] or 0),
            "last_seq_in_period": entries_in_period[1],
        },
    }


def canonical_json(statement: dict[str, Any]) -> bytes:
    """The statement as canonical JSON bytes (sorted keys, no spaces, UTF-8)."""
    return json.dumps(statement, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def figures_hash(statement: dict[str, Any]) -> str:
    """sha256 of the canonical statement: what an approval is bound to."""
    return hashlib.sha256(canonical_json(statement)).hexdigest()


def statement_for(session: Session, estate_slug: str, period: Period) -> dict[str, Any]:
    """Raises ``NotFoundError``."""
    estate = session.scalar(select(Estate).where(Estate.slug == estate_slug))
    if estate is None:
        raise NotFoundError(f"No estate {estate_slug!r}.")
    return build_statement(session, estate, period)
