"""PostgreSQL: W concurrent writers × N postings on one estate, through ``post_entry``.

    python bench/ledger_concurrency.py postgresql+psycopg://postgres@127.0.0.1/postgres [W] [N]

Checks afterwards: no gap or duplicate in seq, every accepted request stored exactly once,
the chain verifies (database rows and exported file) and beancount agrees with SQL.
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trustfund.db.migrate import upgrade
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry
from trustfund.db.session import make_engine, make_session_factory
from trustfund.journal import service
from trustfund.journal.check import check_estate
from trustfund.ledger.accounts import BANK, Fund, fee_income_account
from trustfund.ledger.entries import EntryDraft, Leg


def main() -> None:
    server = sys.argv[1]
    writers = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    per_writer = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    name = f"tf_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, pool_size=writers + 2)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as s:
        estate = Estate(slug="conc", name="并发小区", address="", community="", street_office="")
        s.add(estate)
        s.flush()
        service.open_books(s, estate.id, on=date(2026, 1, 1))
        s.commit()
        estate_id = estate.id
    accepted: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)
    legs = (
        Leg(BANK, Decimal("200.00")),
        Leg(fee_income_account(Fund.ELECTRICITY), Decimal("-50.00")),
        Leg(fee_income_account(Fund.MAINTENANCE), Decimal("-90.00")),
        Leg(fee_income_account(Fund.GARBAGE), Decimal("-60.00")),
    )

    def writer(w: int) -> None:
        barrier.wait()
        for i in range(per_writer):
            key = f"w{w}-{i}"
            draft = EntryDraft(
                date=date(2026, 2, 1),
                narration=f"缴费 {key}",
                legs=legs,
                meta={"household": f"H-{w:02d}{i:03d}"},
                kind="fee_payment",
            )
            with factory() as s:
                service.post_entry(s, estate_id, draft, idempotency_key=key)
                s.commit()
            with lock:
                accepted.append(key)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(writer, range(writers)))
    elapsed = time.perf_counter() - t0
    with factory() as s:
        rows = s.execute(
            select(JournalEntry.seq, JournalEntry.idempotency_key)
            .where(JournalEntry.estate_id == estate_id)
            .order_by(JournalEntry.seq)
        ).all()
        seqs = [r[0] for r in rows]
        keys = sorted(r[1] for r in rows if r[1].startswith("w"))
        gapless = seqs == list(range(1, len(seqs) + 1))
        once = keys == sorted(accepted) and len(keys) == writers * per_writer
        report = check_estate(s, estate_id)
    total = writers * per_writer
    print(
        f"{writers} writers × {per_writer} postings = {total} in {elapsed:.1f} s "
        f"({total / elapsed:.0f} entries/s)"
    )
    print(
        f"seq gapless and unique: {gapless}; every accepted request stored once: {once}; "
        f"chain + beancount check: {'ok' if report.ok else report.problems[:3]}; "
        f"head {report.head_hash[:16]}…"
    )
    engine.dispose()
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
