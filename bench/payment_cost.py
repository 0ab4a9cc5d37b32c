"""What one lone payment costs in the process (issue 19): SQL statements, CPU time and wall
time of ``fees.payments.record_payment`` called in turn, in process, each payment its own
transaction (a batch of one, what a lone HTTP request runs behind the group commit), on an
estate seeded by ``bench/fees_payments.seed``. CPU is ``time.process_time`` of this
process: on SQLite that is all the work, on PostgreSQL the application's share (the
server's is not counted). Run it with two code trees on the same machine in one sitting to
compare them (``PYTHONPATH=<tree> python <tree>/bench/payment_cost.py …``).

    python bench/payment_cost.py sqlite /tmp/payment-cost
    python bench/payment_cost.py postgres postgresql+psycopg://postgres@127.0.0.1/postgres
    options: --payments 600 --rounds 3
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fees_payments import seed

from trustfund.db.migrate import upgrade
from trustfund.db.session import make_engine, make_session_factory
from trustfund.fees.payments import record_payment
from trustfund.fees.schemas import PaymentIn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backend", choices=["postgres", "sqlite"])
    parser.add_argument("target", help="PostgreSQL server URL, or a directory for SQLite")
    parser.add_argument("--payments", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    admin = None
    if args.backend == "postgres":
        name = f"tf_pay_cost_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.target, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.target).set(database=name).render_as_string(hide_password=False)
    else:
        shutil.rmtree(args.target, ignore_errors=True)
        Path(args.target).mkdir(parents=True)
        url = f"sqlite:///{Path(args.target) / 'cost.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        total = args.payments * args.rounds + 1
        estate_id, codes, _ = seed(engine, "cost", total)
        factory = make_session_factory(engine)
        statements: list[str] = []

        def count(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
            statements.append(statement)

        def pay(code: str) -> None:
            body = PaymentIn.model_validate(
                {
                    "method": "wechat",
                    "amount": "200.00",
                    "paid_on": "2026-03-01",
                    "allocations": [{"household_code": code, "fee_year": 2026, "amount": "200.00"}],
                }
            )
            with factory() as session:
                record_payment(session, estate_id, body, actor_user_id=None, idempotency_key=code)

        pay(codes[0])  # the year's counter row
        rows = []
        for r in range(args.rounds):
            mine = codes[1 + r * args.payments : 1 + (r + 1) * args.payments]
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            gc.collect()
            cpu, wall = time.process_time(), time.perf_counter()
            for code in mine:
                pay(code)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            event.remove(engine, "before_cursor_execute", count)
            rows.append((cpu / len(mine) * 1000, wall / len(mine) * 1000))
            print(
                f"{args.backend} round {r + 1}: {len(mine)} payments, "
                f"{len(statements) / len(mine):.1f} statements, "
                f"CPU {rows[-1][0]:.2f} ms, wall {rows[-1][1]:.2f} ms per payment"
            )
        print(
            f"{args.backend}: median CPU {statistics.median(c for c, _ in rows):.2f} ms, "
            f"wall {statistics.median(w for _, w in rows):.2f} ms per payment"
        )
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
