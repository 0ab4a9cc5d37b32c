"""The demo's year of bank statement lines: imported, matched (automatically, the rest by the
steward) and every ended month reconciled and approved, with honest differences in transit;
the steward's cash counted at every month's end; the quarter's statement states the bank
balance it was reconciled to and the cash count it relied on; a rerun adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.db.models.reconciliation import BankMatch, BankStatementLine
from trustfund.demo import bank, estate, fees, grants, ledger, settlements
from trustfund.disclosure.periods import parse_period
from trustfund.disclosure.statements import build_statement
from trustfund.estates.service import today_in
from trustfund.journal.check import check_estate
from trustfund.reconciliation import cash_counts, months
from trustfund.settings import Settings


def test_the_demo_reconciles_every_ended_month(session: Session, settings: Settings) -> None:
    for step in (estate, ledger, fees, settlements, grants, bank):
        step.run(session, settings)
        session.commit()
    youhe = session.scalar(select(Estate).where(Estate.slug == "youhe"))
    assert youhe is not None
    listed = months.list_months(session, youhe)
    ended = [m for m in listed if months.parse_month(m["month"])[1] < today_in(youhe)]
    assert ended and all(m["status"] == "reconciled" for m in ended), listed
    assert all(m["difference"] == "0.00" for m in listed)
    # honest differences: a payout at a month's end on the statement three days later, and
    # the bank's interest, which the books do not hold
    views = [months.view(session, youhe, m["month"]) for m in ended]
    assert any(v["book_paid_not_on_statement"] != "0.00" for v in views)
    assert any(any(i["memo"].startswith("结息") for i in v["statement_items"]) for v in views)
    june = parse_period("2026Q2")
    section = next(
        s
        for s in build_statement(session, youhe, june)["sections"]
        if s["key"] == "bank_reconciliation"
    )
    assert section["status"] == "ok" and section["rows"][0]["as_of"] == "2026-06-30"
    # the steward's cash counted at every ended month's end, approved, agreeing with the books
    counted = cash_counts.list_counts(session, youhe)
    assert len(counted) == len(ended)
    assert all(c["status"] == "approved" and c["difference"] == "0.00" for c in counted)
    cash = next(
        s for s in build_statement(session, youhe, june)["sections"] if s["key"] == "cash_count"
    )
    assert cash["rows"][0]["counted_on"] == "2026-06-30", cash
    assert "业委会委员" in cash["note"] and "与账面一致" in cash["note"]
    assert check_estate(session, youhe.id).ok  # the journal is untouched

    counts = (
        session.scalar(select(func.count(BankStatementLine.id))),
        session.scalar(select(func.count(BankMatch.id))),
    )
    assert "already imported" in bank.run(session, settings)
    session.commit()
    assert counts == (
        session.scalar(select(func.count(BankStatementLine.id))),
        session.scalar(select(func.count(BankMatch.id))),
    )


def test_the_demo_raises_no_alert(session: Session, settings: Settings) -> None:
    """Every alert rule stays silent on the demo's normal data (each fires in
    ``tests/integration/oversight`` on a planted case)."""
    from trustfund.demo import disclosure
    from trustfund.oversight import service as oversight

    for step in (estate, ledger, fees, settlements, grants, bank, disclosure):
        step.run(session, settings)
        session.commit()
    youhe = session.scalar(select(Estate).where(Estate.slug == "youhe"))
    assert youhe is not None
    found = oversight.find_alerts(session, youhe)
    assert found == [], [a.title for a in found]
