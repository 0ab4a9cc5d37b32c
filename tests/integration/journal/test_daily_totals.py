"""``journal_daily_totals`` (migration 0009) always equals the postings summed per account and
day: after single entries, reversals and batch imports, after the migration fills it from an
existing journal, and ``trustfund ledger check`` names any row that was tampered with."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tests.integration.journal.conftest import fee_payment, payout
from trustfund.db.migrate import alembic_config, upgrade
from trustfund.db.models.estates import Estate
from trustfund.journal import service
from trustfund.journal.check import check_estate, daily_totals_problems

BY_POSTINGS = text(
    "SELECT date, account, SUM(CAST(ROUND(amount * 100) AS BIGINT)) FROM journal_postings "
    "WHERE estate_id = :e GROUP BY date, account"
)
STORED = text("SELECT date, account, fen FROM journal_daily_totals WHERE estate_id = :e")


def _totals(session: Session, query: object, estate_id: int) -> dict[tuple[str, str], int]:
    rows = session.execute(query, {"e": estate_id})  # type: ignore[call-overload]
    return {(str(on), str(account)): int(fen) for on, account, fen in rows}


def _post_all_kinds(session: Session, estate: Estate) -> None:
    # single entries, two on one day
    for key, draft in (
        ("f1", fee_payment(date(2026, 2, 1))),
        ("f2", fee_payment(date(2026, 2, 1), "100.00")),
        ("p1", payout(date(2026, 2, 3), "maintenance", "88.80")),
    ):
        service.post_entry(session, estate.id, draft, idempotency_key=key)
    # a reversal on the entry's own day (the day's total of the account goes back to 0)
    spent = service.post_entry(
        session,
        estate.id,
        payout(date(2026, 2, 5), "electricity", "12.30", "Bills"),
        idempotency_key="p2",
    )
    service.reverse_entry(
        session, estate.id, spent.seq, on=date(2026, 2, 5), reason="重复", idempotency_key="r2"
    )
    # an import: one batch (one flush, one upsert) over several days, one of them seen before
    service.post_entries(
        session,
        estate.id,
        [(fee_payment(date(2026, 2, 1 + i % 3), "200.00"), f"imp-{i}") for i in range(7)],
    )
    # a batch that takes money out goes entry by entry
    service.post_entries(
        session,
        estate.id,
        [
            (fee_payment(date(2026, 3, 1)), "imp2-a"),
            (payout(date(2026, 3, 1), "garbage", "60.00", "Removal"), "imp2-b"),
        ],
    )
    # a replay posts nothing and adds nothing
    service.post_entry(session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="f1")
    session.commit()


def test_daily_totals_follow_postings_reversals_and_imports(
    session: Session, estate: Estate
) -> None:
    _post_all_kinds(session, estate)
    stored = _totals(session, STORED, estate.id)
    assert stored == _totals(session, BY_POSTINGS, estate.id)
    assert stored[("2026-02-05", "Expenses:Electricity:Bills")] == 0
    # f1 200.00 + f2 100.00 + imports 0, 3, 6 on 2026-02-01 at 200.00 each
    assert stored[("2026-02-01", "Assets:Bank:Committee")] == 90_000
    assert stored[("2026-02-01", "Income:Fees:Maintenance")] == -(9_000 + 4_500 + 3 * 9_000)
    assert daily_totals_problems(session, estate.id) == []
    assert check_estate(session, estate.id).ok


def test_ledger_check_names_a_tampered_daily_total(
    session: Session, estate: Estate, engine: Engine
) -> None:
    _post_all_kinds(session, estate)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE journal_daily_totals SET fen = fen + 1 "
                "WHERE account = 'Expenses:Maintenance:Repairs' AND date = '2026-02-03'"
            )
        )
        conn.execute(
            text(
                "DELETE FROM journal_daily_totals "
                "WHERE account = 'Income:Fees:Garbage' AND date = '2026-03-01'"
            )
        )
        conn.execute(
            text(
                "INSERT INTO journal_daily_totals (estate_id, date, account, fen) "
                "VALUES (:e, '2026-04-01', 'Assets:Cash:Steward', 500)"
            ),
            {"e": estate.id},
        )
    session.expire_all()
    report = check_estate(session, estate.id)
    assert not report.ok
    assert report.problems == [
        "daily total of Expenses:Maintenance:Repairs on 2026-02-03: postings 88.80, stored 88.81",
        "daily total of Income:Fees:Garbage on 2026-03-01: postings -60.00, stored none",
        "daily total of Assets:Cash:Steward on 2026-04-01: postings none, stored 5.00",
    ]


def test_migration_fills_daily_totals_from_an_existing_journal(
    session: Session, estate: Estate, engine: Engine
) -> None:
    _post_all_kinds(session, estate)
    expected = _totals(session, BY_POSTINGS, estate.id)
    session.close()
    command.downgrade(alembic_config(engine), "0008_journal_indexes")
    upgrade(engine)
    assert _totals(session, STORED, estate.id) == expected
    assert check_estate(session, estate.id).ok
