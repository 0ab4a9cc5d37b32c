"""Demo step (before the disclosures): a year of the committee account's bank statement for
youhe (游河小区), imported, matched and reconciled month by month.

The statement is what the bank would have printed for the books' bank movements: every
transfer, WeChat/Alipay payment, cash deposit, payout, refund and grant on its day — a
receipt entered twice and voided never reached the bank — with a few honest differences:

- a payout made in the last two days of a month is on the statement three days later (a book
  item in transit at that month's end);
- the bank credits interest on 21 March, June and September (结息), which the books do not
  hold: a statement item not in the books, listed every month since.

The file (the 收入/支出 layout of ``docs/samples/bank-statement-split.csv``) is imported by the
steward like any other; what matches uniquely is matched automatically, the rest the steward
confirms; each ended month is prepared by the steward and approved by ``committee1``, so the
published disclosures state the bank balance they were reconciled to.

At each ended month's end the steward also counts the cash on hand by denomination (现金盘点:
the fewest notes and coins making the books' cash, so every count agrees with the books) and
``committee1`` approves the count, so the disclosures state the cash count they relied on.

Safe to run twice: skipped when the estate has statement lines.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.auth.identity import load_principal
from trustfund.db.models.estates import Estate
from trustfund.db.models.reconciliation import BankStatementLine
from trustfund.demo.common import approve, user_id
from trustfund.estates.service import today_in
from trustfund.journal.head import books_opened_on
from trustfund.journal.solvency import money_balance
from trustfund.ledger.accounts import BANK
from trustfund.ledger.money import ZERO, money_text
from trustfund.reconciliation import cash_counts, matching, months, statements
from trustfund.settings import Settings

INTEREST = {date(2026, 3, 21): "18.62", date(2026, 6, 21): "21.37", date(2026, 9, 21): "24.05"}
HEADER = ["交易日期", "摘要", "收入金额", "支出金额", "余额", "对方户名", "附言", "流水号"]


def _bank_day(move: matching.Movement) -> date:
    month_end = (move.date.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(1)
    if move.amount < 0 and move.kind == "payout" and (month_end - move.date).days < 2:
        return move.date + timedelta(days=3)
    return move.date


def statement_file(session: Session, estate: Estate, until: date) -> tuple[bytes, dict[str, int]]:
    """The statement as CSV bytes, and ``{serial: entry seq}`` of the lines that are one
    movement each."""
    moves = matching.movements(session, estate.id)
    pairs = matching.cancelled_pairs(moves)
    items: list[tuple[date, int, Decimal, str, str, int | None]] = []
    for m in moves:
        if m.seq in pairs:
            continue
        day = _bank_day(m)
        if day <= until:
            items.append((day, m.seq, m.amount, m.payee, m.narration, m.seq))
    for day, interest in INTEREST.items():
        if day <= until:
            items.append((day, 0, Decimal(interest), "", "结息", None))
    items.sort(key=lambda i: (i[0], i[1]))
    balance = money_balance(session, estate.id, BANK) - sum((m.amount for m in moves), ZERO)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    seqs: dict[str, int] = {}
    per_day: dict[date, int] = {}
    for day, _, amount, payee, narration, seq in items:
        per_day[day] = per_day.get(day, 0) + 1
        serial = f"{day:%Y%m%d}{per_day[day]:05d}"
        balance += amount
        writer.writerow(
            [
                day.isoformat(),
                "结息" if seq is None else "转账",
                money_text(amount) if amount > 0 else "",
                money_text(-amount) if amount < 0 else "",
                money_text(balance),
                payee,
                narration,
                serial,
            ]
        )
        if seq is not None:
            seqs[serial] = seq
    return out.getvalue().encode(), seqs


def run(session: Session, settings: Settings) -> str:
    estate = session.scalar(select(Estate).where(Estate.slug == "youhe"))
    if estate is None or books_opened_on(session, estate.id) is None:
        return "no estate youhe with open books: skipped"
    if session.scalar(
        select(func.count(BankStatementLine.id)).where(BankStatementLine.estate_id == estate.id)
    ):
        return "bank statement of youhe already imported"
    steward, approver = user_id(session, "steward"), user_id(session, "committee1")
    until = today_in(estate) - timedelta(days=1)
    data, seqs = statement_file(session, estate, until)
    outcome = statements.import_statement(
        session, estate, data, "youhe-2026.csv", through=until, actor_user_id=steward
    )
    auto = matching.auto_match(session, estate.id)
    confirmed = 0
    for line in matching.free_state(session, estate.id).lines:
        if line.serial in seqs:
            matching.confirm(
                session, estate.id, line.id, [seqs[line.serial]], note="", actor_user_id=steward
            )
            confirmed += 1
    principal = load_principal(session, approver)
    assert principal is not None
    reconciled = []
    for item in reversed(months.list_months(session, estate)):
        if months.parse_month(item["month"])[1] > until:
            continue  # the current month has not ended
        record = months.submit_month(session, estate, item["month"], actor_user_id=steward)
        request = approvals.current_request(session, months.SUBJECT_KIND, record.id)
        assert request is not None
        approve(session, request.id, principal, months.compute(session, estate.id, item["month"]))
        reconciled.append(item["month"])
        end = months.parse_month(item["month"])[1]
        count = cash_counts.submit_count(
            session,
            estate,
            counted_on=end,
            counts=cash_counts.pieces_of(cash_counts.book_cash(session, estate.id, end)),
            note="",
            actor_user_id=steward,
        )
        request = approvals.current_request(session, cash_counts.SUBJECT_KIND, count.id)
        assert request is not None
        approve(session, request.id, principal, cash_counts.content_of(session, count))
    return (
        f"bank statement of youhe: {outcome.new_lines} lines through {until}, {auto} matched "
        f"automatically, {confirmed} confirmed by the steward; reconciled, and cash counted, "
        f"{reconciled[0] if reconciled else '-'} – {reconciled[-1] if reconciled else '-'}"
    )
