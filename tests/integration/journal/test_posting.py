"""The posting service on SQLite and PostgreSQL: checks, idempotency, reversals, locks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.journal.conftest import fee_payment, payout
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry, JournalPosting
from trustfund.errors import (
    ConflictError,
    IdempotencyConflictError,
    InsufficientFundsError,
    PeriodLockedError,
    ValidationError,
)
from trustfund.estates.service import today_in
from trustfund.journal import service
from trustfund.ledger.accounts import BANK, CASH
from trustfund.ledger.entries import EntryDraft, Leg


def count(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(JournalEntry)) or 0,
        session.scalar(select(func.count()).select_from(JournalPosting)) or 0,
    )


def test_open_books_is_idempotent_and_posts_opening_balances(
    session: Session, estate: Estate
) -> None:
    before = count(session)
    service.open_books(
        session,
        estate.id,
        on=date(2026, 1, 1),
        opening_balances={
            "electricity": Decimal("3120.50"),
            "maintenance": Decimal("12480.00"),
            "garbage": Decimal("2310.00"),
            "autonomy": Decimal("5000.00"),
        },
    )
    assert count(session) == before
    assert service.fund_balances(session, estate.id) == {
        "autonomy": Decimal("5000.00"),
        "electricity": Decimal("3120.50"),
        "garbage": Decimal("2310.00"),
        "maintenance": Decimal("12480.00"),
    }
    assert service.account_balances(session, estate.id)[BANK] == Decimal("22910.50")
    with pytest.raises(IdempotencyConflictError):
        service.open_books(
            session, estate.id, on=date(2026, 1, 1), opening_balances={"garbage": Decimal("1")}
        )


def test_post_assigns_gapless_seq_and_chains_hashes(session: Session, estate: Estate) -> None:
    first = service.post_entry(
        session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="a"
    )
    second = service.post_entry(
        session, estate.id, fee_payment(date(2026, 2, 2)), idempotency_key="b"
    )
    session.commit()
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert first.text.startswith('2026-02-01 * "2026年度综合服务费" ^tf-')
    assert (first.postings[0].account, first.postings[0].amount) == (BANK, Decimal("200.00"))


def test_idempotent_replay_and_conflict(session: Session, estate: Estate) -> None:
    entry = service.post_entry(
        session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="k"
    )
    session.commit()
    before = count(session)
    again = service.post_entry(
        session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="k"
    )
    assert again.id == entry.id and count(session) == before
    with pytest.raises(IdempotencyConflictError):
        service.post_entry(
            session, estate.id, fee_payment(date(2026, 2, 1), "100.00"), idempotency_key="k"
        )


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (
            EntryDraft(
                date(2026, 2, 1), "x", (Leg(BANK, Decimal("1.00")), Leg(CASH, Decimal("-0.99")))
            ),
            "legs",
        ),
        (
            EntryDraft(
                date(2026, 2, 1),
                "x",
                (Leg(BANK, Decimal("1.00")), Leg("Assets:Evil", Decimal("-1.00"))),
            ),
            "legs[1].account",
        ),
        (
            EntryDraft(
                date(2025, 12, 31), "x", (Leg(BANK, Decimal("1.00")), Leg(CASH, Decimal("-1.00")))
            ),
            "legs[0].account",
        ),
        (
            EntryDraft(
                date(2026, 2, 1),
                "张伟明交费",
                (Leg(BANK, Decimal("1.00")), Leg(CASH, Decimal("-1.00"))),
            ),
            "narration",
        ),
        (
            EntryDraft(
                date(2026, 2, 1),
                "x",
                (Leg(BANK, Decimal("1.00")), Leg(CASH, Decimal("-1.00"))),
                payee="电话 138 0013 8000",
            ),
            "payee",
        ),
        (
            EntryDraft(
                date(2026, 2, 1),
                "x",
                (Leg(BANK, Decimal("1.00")), Leg(CASH, Decimal("-1.00"))),
                meta={"contact": "02162345678"},
            ),
            "meta.contact",
        ),
        (
            EntryDraft(
                date(2026, 2, 1),
                "x",
                (Leg(BANK, Decimal("1.00")), Leg(CASH, Decimal("-1.00"))),
                meta={"hash": "x"},
            ),
            "meta.hash",
        ),
        (
            EntryDraft(
                date(2026, 2, 1), "x\x00", (Leg(BANK, Decimal("1.00")), Leg(CASH, Decimal("-1.00")))
            ),
            "narration",
        ),
    ],
)
def test_bad_entries_are_refused_naming_the_field_and_nothing_is_written(
    session: Session, estate: Estate, draft: EntryDraft, field: str
) -> None:
    before = count(session)
    with pytest.raises(ValidationError) as info:
        service.post_entry(session, estate.id, draft, idempotency_key="bad")
    assert field in [e.field for e in info.value.errors]
    session.rollback()
    assert count(session) == before


def test_no_fund_may_go_below_zero(session: Session, estate: Estate) -> None:
    service.post_entry(
        session,
        estate.id,
        payout(date(2026, 3, 1), "electricity", "3120.50", "Bills"),
        idempotency_key="p1",
    )
    with pytest.raises(InsufficientFundsError) as info:
        service.post_entry(
            session,
            estate.id,
            payout(date(2026, 3, 2), "electricity", "0.01", "Bills"),
            idempotency_key="p2",
        )
    assert info.value.extra["fund"] == "electricity"
    assert info.value.extra["shortfall"] == "0.01"
    assert "electricity" in info.value.detail and "0.01" in info.value.detail
    # a backdated payout must not overdraw the fund on its own date either
    service.post_entry(session, estate.id, fee_payment(date(2026, 6, 1)), idempotency_key="f")
    with pytest.raises(InsufficientFundsError):
        service.post_entry(
            session,
            estate.id,
            payout(date(2026, 4, 1), "electricity", "10.00", "Bills"),
            idempotency_key="p3",
        )


def test_period_lock_refuses_dates_inside_it(session: Session, estate: Estate) -> None:
    service.lock_period(
        session,
        estate.id,
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        reason="2026年第一季度公示",
    )
    session.commit()
    with pytest.raises(PeriodLockedError) as info:
        service.post_entry(session, estate.id, fee_payment(date(2026, 3, 31)), idempotency_key="l")
    assert "2026-01-01 – 2026-03-31" in info.value.detail
    session.rollback()
    entry = service.post_entry(
        session, estate.id, fee_payment(date(2026, 4, 1)), idempotency_key="l2"
    )
    assert entry.date == date(2026, 4, 1)
    with pytest.raises(ValidationError):
        service.lock_period(
            session, estate.id, start=date(2026, 5, 2), end=date(2026, 5, 1), reason="x"
        )


def test_period_lock_refuses_a_period_not_ended(session: Session, estate: Estate) -> None:
    """The building block itself refuses to lock today or the future, whoever calls it."""
    today = today_in(estate)
    for start, end in (
        (today, today),
        (today - timedelta(days=40), today),
        (date(2027, 1, 1), date(2099, 12, 31)),
    ):
        with pytest.raises(ValidationError) as info:
            service.lock_period(session, estate.id, start=start, end=end, reason="冻结")
        assert info.value.errors[0].field == "end" and "has not passed yet" in info.value.detail
    session.rollback()
    assert service.period_locks(session, estate.id) == []
    yesterday = today - timedelta(days=1)
    service.lock_period(session, estate.id, start=yesterday, end=yesterday, reason="已结束")
    session.commit()
    entry = service.post_entry(session, estate.id, fee_payment(today), idempotency_key="today")
    assert entry.date == today


def test_reversals(session: Session, estate: Estate) -> None:
    entry = service.post_entry(
        session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="e"
    )
    reversal = service.reverse_entry(
        session, estate.id, entry.seq, on=date(2026, 2, 5), reason="录入错误", idempotency_key="r"
    )
    session.commit()
    assert reversal.reverses_seq == entry.seq and reversal.kind == "reversal"
    assert [p.amount for p in reversal.postings] == [-p.amount for p in entry.postings]
    assert f'reverses: "{entry.seq}"' in reversal.text
    replay = service.reverse_entry(
        session, estate.id, entry.seq, on=date(2026, 2, 5), reason="录入错误", idempotency_key="r"
    )
    assert replay.id == reversal.id
    with pytest.raises(ConflictError, match="already reversed"):
        service.reverse_entry(
            session, estate.id, entry.seq, on=date(2026, 2, 6), reason="again", idempotency_key="r2"
        )
    with pytest.raises(ConflictError, match="itself a reversal"):
        service.reverse_entry(
            session,
            estate.id,
            reversal.seq,
            on=date(2026, 2, 6),
            reason="undo",
            idempotency_key="r3",
        )
    assert service.account_balances(session, estate.id, start=date(2026, 2, 1)) == {}


def test_period_sums_and_as_of(session: Session, estate: Estate) -> None:
    service.post_entry(session, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="1")
    service.post_entry(session, estate.id, fee_payment(date(2026, 3, 1)), idempotency_key="2")
    service.post_entry(
        session, estate.id, payout(date(2026, 3, 2), "maintenance", "30.10"), idempotency_key="3"
    )
    feb = service.account_balances(
        session, estate.id, start=date(2026, 2, 1), end=date(2026, 2, 28)
    )
    assert feb == {
        BANK: Decimal("200.00"),
        "Income:Fees:Electricity": Decimal("-50.00"),
        "Income:Fees:Garbage": Decimal("-60.00"),
        "Income:Fees:Maintenance": Decimal("-90.00"),
    }
    assert service.fund_balances(session, estate.id, as_of=date(2026, 2, 28))[
        "maintenance"
    ] == Decimal("12570.00")
    assert service.fund_balances(session, estate.id)["maintenance"] == Decimal("12629.90")
    assert service.fund_changes(session, estate.id, start=date(2026, 3, 1))[
        "maintenance"
    ] == Decimal("59.90")
