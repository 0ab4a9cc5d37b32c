"""PostgreSQL: many writers on one estate keep the sequence gapless and the chain intact."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.integration.journal.conftest import fee_payment
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import IdempotencyRecord, JournalEntry
from trustfund.db.session import make_session_factory
from trustfund.journal import service
from trustfund.journal.check import check_estate
from trustfund.journal.idempotency import run_idempotent

WRITERS = 16
PER_WRITER = 12  # the full 16 × 200 runs in bench/ledger_concurrency.py


@pytest.mark.postgres_only
def test_concurrent_writers_keep_the_chain_gapless(
    session: Session, estate: Estate, engine: Engine
) -> None:
    factory = make_session_factory(engine)
    engine.pool.resize(WRITERS + 2) if hasattr(engine.pool, "resize") else None
    barrier = threading.Barrier(WRITERS)
    accepted: list[str] = []
    lock = threading.Lock()

    def writer(w: int) -> None:
        barrier.wait()
        for i in range(PER_WRITER):
            key = f"w{w}-{i}"
            with factory() as s:
                service.post_entry(
                    s, estate.id, fee_payment(date(2026, 2, 1 + i % 28)), idempotency_key=key
                )
                s.commit()
            with lock:
                accepted.append(key)

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))
    session.rollback()
    keys = session.scalars(
        select(JournalEntry.idempotency_key).where(JournalEntry.kind == "fee_payment")
    ).all()
    assert sorted(keys) == sorted(accepted) and len(keys) == WRITERS * PER_WRITER
    seqs = session.scalars(
        select(JournalEntry.seq)
        .where(JournalEntry.estate_id == estate.id)
        .order_by(JournalEntry.seq)
    ).all()
    assert seqs == list(range(1, len(seqs) + 1))
    report = check_estate(session, estate.id)
    assert report.ok, report.problems


@pytest.mark.postgres_only
def test_fifty_concurrent_replays_store_one_entry(
    session: Session, estate: Estate, engine: Engine
) -> None:
    factory = make_session_factory(engine.execution_options())
    barrier = threading.Barrier(50)

    def replay(_: int) -> int:
        barrier.wait()
        with factory() as s:
            entry = service.post_entry(
                s, estate.id, fee_payment(date(2026, 2, 1)), idempotency_key="same"
            )
            s.commit()
            return entry.seq

    def request(_: int) -> str:
        barrier.wait()
        with factory() as s:
            result, _replayed = run_idempotent(
                s,
                scope="test",
                key="same-request",
                fingerprint={"a": 1},
                action=lambda: {
                    "seq": service.post_entry(
                        s, estate.id, fee_payment(date(2026, 2, 2)), idempotency_key="via-request"
                    ).seq
                },
            )
            s.commit()
            return str(result["seq"])

    with ThreadPoolExecutor(50) as pool:
        seqs = set(pool.map(replay, range(50)))
    assert len(seqs) == 1
    with ThreadPoolExecutor(50) as pool:
        results = set(pool.map(request, range(50)))
    assert len(results) == 1
    session.rollback()
    count = session.scalar(
        select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "fee_payment")
    )
    assert count == 2
    assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1


def test_run_idempotent_replays_and_conflicts(session: Session, estate: Estate) -> None:
    calls: list[int] = []

    def action() -> dict[str, object]:
        calls.append(1)
        return {"amount": "200.00"}

    first = run_idempotent(session, scope="fees.pay", key="k1", fingerprint={"x": 1}, action=action)
    session.commit()
    again = run_idempotent(session, scope="fees.pay", key="k1", fingerprint={"x": 1}, action=action)
    assert first == ({"amount": "200.00"}, False) and again == ({"amount": "200.00"}, True)
    assert len(calls) == 1
    from trustfund.errors import IdempotencyConflictError

    with pytest.raises(IdempotencyConflictError):
        run_idempotent(session, scope="fees.pay", key="k1", fingerprint={"x": 2}, action=action)
    assert (
        run_idempotent(session, scope="fees.pay", key=None, fingerprint={}, action=action)[1]
        is False
    )
