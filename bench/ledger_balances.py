"""Period balances from SQL vs ``bean-query`` on the exported file, and export speed.

    python bench/ledger_balances.py [--entries 100000] [--postgres URL]

Builds a fresh database with one estate of N entries (generated directly as rows with the
same rendering and hash functions as ``post_entry``), then in the same run measures:
SQL period balances per account and per fund (median of 3), ``trustfund`` export speed,
``bean-query`` on the exported file for the same period, and checks the chain and that
SQL and beancount agree. Prints a Markdown table row for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, text, update
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trustfund.db.base import utcnow
from trustfund.db.migrate import upgrade
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import JournalEntry, JournalPosting, LedgerHead
from trustfund.db.session import make_engine, make_session_factory
from trustfund.journal import service
from trustfund.journal.mirror import export_text
from trustfund.ledger import bean
from trustfund.ledger.accounts import BANK, Fund, expense_account, fee_income_account, fund_of
from trustfund.ledger.chain import entry_hash, verify_text
from trustfund.ledger.entries import Leg, fingerprint
from trustfund.ledger.text import canonical_text, with_hash

BEAN_QUERY = Path(sys.executable).parent / "bean-query"
PERIOD = (date(2026, 4, 1), date(2026, 6, 30))
FEE = [(Fund.ELECTRICITY, "50.00"), (Fund.MAINTENANCE, "90.00"), (Fund.GARBAGE, "60.00")]


def generate(session_factory, estate_id: int, n: int) -> float:  # type: ignore[no-untyped-def]
    """Append n entries as rows (4 legs fee payments, 2 legs payouts), chained. Seconds."""
    t0 = time.perf_counter()
    with session_factory() as s:
        head = s.get(LedgerHead, estate_id)
        seq, prev = head.last_seq, head.last_hash
        next_id = (
            s.execute(text("SELECT coalesce(max(id), 0) FROM journal_entries")).scalar() or 0
        ) + 1
        entries, postings = [], []
        now = utcnow()
        for i in range(n):
            seq += 1
            on = date(2026, 1, 1) + timedelta(days=i * 365 // n)
            if i % 5 == 4:
                amount = Decimal("37.40")
                legs = (Leg(expense_account("maintenance", "Repairs"), amount), Leg(BANK, -amount))
                kind, narration, meta = "payout", "楼道维修", {}
            else:
                fee_legs = [Leg(fee_income_account(f), -Decimal(a)) for f, a in FEE]
                legs = (Leg(BANK, Decimal("200.00")), *fee_legs)
                kind, narration, meta = (
                    "fee_payment",
                    "综合服务费",
                    {"household": f"H-{i % 1143:05d}"},
                )
            canonical = canonical_text(
                seq=seq,
                prev=prev,
                on=on,
                narration=narration,
                legs=legs,
                payee=None,
                kind=kind,
                meta=meta,
            )
            digest = entry_hash(prev, canonical)
            entries.append(
                {
                    "id": next_id,
                    "estate_id": estate_id,
                    "seq": seq,
                    "date": on,
                    "kind": kind,
                    "payee": None,
                    "narration": narration,
                    "meta": "{}",
                    "text": with_hash(canonical, digest),
                    "hash": digest,
                    "prev_hash": prev,
                    "idempotency_key": f"bench-{seq}",
                    "fingerprint": "0" * 64,
                    "reverses_seq": None,
                    "created_at": now,
                    "actor_user_id": None,
                }
            )
            for pos, leg in enumerate(legs):
                postings.append(
                    {
                        "entry_id": next_id,
                        "estate_id": estate_id,
                        "date": on,
                        "position": pos,
                        "account": leg.account,
                        "fund": fund_of(leg.account),
                        "amount": leg.amount,
                    }
                )
            prev = digest
            next_id += 1
            if len(entries) >= 10_000:
                s.execute(insert(JournalEntry), entries)
                s.execute(insert(JournalPosting), postings)
                entries, postings = [], []
        if entries:
            s.execute(insert(JournalEntry), entries)
            s.execute(insert(JournalPosting), postings)
        s.execute(
            update(LedgerHead)
            .where(LedgerHead.estate_id == estate_id)
            .values(last_seq=seq, last_hash=prev)
        )
        s.commit()
    assert fingerprint  # same module family as post_entry; imported for readers
    return time.perf_counter() - t0


def median_time(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--postgres", default="", help="server URL to create a database on")
    args = parser.parse_args()
    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    tmp = Path(tempfile.mkdtemp(prefix="tf-bench-"))
    admin = None
    if args.postgres:
        name = f"tf_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as s:
        estate = Estate(slug="bench", name="基准小区", address="", community="", street_office="")
        s.add(estate)
        s.flush()
        service.open_books(
            s, estate.id, on=date(2026, 1, 1), opening_balances={"maintenance": Decimal("1000.00")}
        )
        s.commit()
        estate_id = estate.id
    gen = generate(factory, estate_id, args.entries)
    if engine.dialect.name == "postgresql":
        with engine.connect() as c:
            c.execute(text("ANALYZE"))
            c.commit()

    with factory() as s:

        def sql_period() -> None:
            service.account_balances(s, estate_id, start=PERIOD[0], end=PERIOD[1])
            service.fund_changes(s, estate_id, start=PERIOD[0], end=PERIOD[1])
            s.rollback()

        sql_t = median_time(sql_period)
        sql_accounts = service.account_balances(s, estate_id, start=PERIOD[0], end=PERIOD[1])
        s.rollback()
        holder: dict[str, str] = {}

        def export() -> None:
            holder["text"] = export_text(s, estate_id)
            s.rollback()

        export_t = median_time(export)
    ledger_text = holder["text"]
    path = tmp / "bench.beancount"
    path.write_text(ledger_text)
    n_entries = ledger_text.count("\n  seq: ")
    query = (
        f"SELECT account, sum(position) WHERE date >= {PERIOD[0]} AND date <= {PERIOD[1]} "
        "GROUP BY account ORDER BY account"
    )
    t0 = time.perf_counter()
    done = subprocess.run(
        [str(BEAN_QUERY), str(path), query], capture_output=True, text=True, check=True
    )
    bq_t = time.perf_counter() - t0
    t0 = time.perf_counter()
    chain = verify_text(ledger_text)
    verify_t = time.perf_counter() - t0
    loaded = bean.load(ledger_text)
    agree = bean.account_balances(loaded, start=PERIOD[0], end=PERIOD[1]) == sql_accounts
    print(f"bean-query output:\n{done.stdout}")
    print(
        f"machine: {platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cpus, Python {platform.python_version()}, {engine.dialect.name}"
    )
    print(
        f"entries in file: {n_entries} (incl. account openings), {len(ledger_text.encode()) / 1e6:.1f} MB"
    )
    print(f"generate {args.entries} entries: {gen:.1f} s")
    print(f"SQL period balances per account + per fund (median of 3): {sql_t * 1000:.1f} ms")
    print(f"bean-query same period: {bq_t:.2f} s  → SQL is {bq_t / sql_t:.0f}× faster")
    print(f"export: {export_t:.2f} s → {n_entries / export_t:,.0f} entries/s")
    print(f"verify chain from file: {verify_t:.2f} s ({'ok' if chain.ok else chain.problem})")
    print(f"beancount load errors: {len(loaded.errors)}; SQL == beancount for the period: {agree}")
    engine.dispose()
    if admin is not None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
