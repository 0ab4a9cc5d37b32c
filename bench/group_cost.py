"""What a group of lone payments costs the process that writes it (issue 19): the CPU time
per payment of ``fees.group.write_together`` for groups of ``--size`` estates (one payment
each, one transaction), and of the same kind of payments each written alone
(``write_batch`` with a batch of one: the path of an estate that is not grouped), with the
statements sent per payment — in one run, so the ratio holds whatever else the two cores do.

It runs on a kept city database (``bench/city_january.py --keep``: 600 estates, every
household charged 200.00 for 2026), paying 1.00 to random households of estates other than
the hot one, straight through the group writer's functions (no HTTP, no ledger mirror):
the part of a payment that the group changes. ``--compare TREE`` measures another checkout
(e.g. main before a change: ``git worktree add --detach /tmp/base main``) in alternating
rounds, each in a fresh process, and prints new / old.

    python bench/group_cost.py postgresql+psycopg://postgres@127.0.0.1/tf_city_XXXX
           [--size 8] [--groups 60] [--rounds 3] [--compare /tmp/base]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
WARM_UP = 10  # groups (and as many lone payments) before the counted ones


def child(url: str, size: int, groups: int, households: int) -> dict[str, float]:
    """Run in the measured tree (``PYTHONPATH``): CPU seconds and statements per payment,
    grouped and alone."""
    from sqlalchemy import event, select

    from trustfund.db.models.estates import Estate
    from trustfund.db.session import make_engine, make_session_factory
    from trustfund.fees.group import GROUP_LOCK_WAIT_MS, _Waiting, write_batch, write_together
    from trustfund.fees.schemas import PaymentIn

    sys.path.insert(0, str(HERE / "bench"))
    from fees_payments import postgres_cpu_seconds
    from memory_estates import HOUSEHOLD_CODE

    engine = make_engine(url)
    factory = make_session_factory(engine)
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        statements[0] += 1

    with factory() as session:
        estates = dict(session.execute(select(Estate.id, Estate.slug).order_by(Estate.id)).all())
    ids = sorted(estates)[1:]  # not the city's hot estate
    loop = asyncio.new_event_loop()
    rng = random.Random(os.getpid())

    def waiting(estate_id: int) -> _Waiting:
        code = HOUSEHOLD_CODE % (estates[estate_id], rng.randrange(households))
        data = PaymentIn.model_validate(
            {
                "method": "wechat",
                "amount": "1.00",
                "allocations": [{"household_code": code, "fee_year": 2026, "amount": "1.00"}],
            }
        )
        return _Waiting(data, None, f"bench-{uuid.uuid4()}", loop.create_future())

    def grouped(count: int) -> tuple[float, float, int]:
        cpu = 0.0
        sent, pg_before = statements[0], postgres_cpu_seconds()
        for _ in range(count):
            members = [(e, [waiting(e)]) for e in rng.sample(ids, size)]
            started = time.process_time()
            with factory() as session:
                loaded = session.scalars(
                    select(Estate).where(Estate.id.in_([e for e, _ in members]))
                ).all()
                assert write_together(session, members, lock_wait_ms=GROUP_LOCK_WAIT_MS)
                del loaded
            cpu += time.process_time() - started
            assert all(w.outcome is not None for _, batch in members for w in batch)
        return cpu, postgres_cpu_seconds() - pg_before, statements[0] - sent

    def alone(count: int) -> tuple[float, float, int]:
        cpu = 0.0
        sent, pg_before = statements[0], postgres_cpu_seconds()
        for _ in range(count):
            estate_id = rng.choice(ids)
            batch = [waiting(estate_id)]
            started = time.process_time()
            with factory() as session:
                loaded = session.get(Estate, estate_id)
                write_batch(session, estate_id, batch)
                del loaded
            cpu += time.process_time() - started
            assert batch[0].outcome is not None, batch[0].error
        return cpu, postgres_cpu_seconds() - pg_before, statements[0] - sent

    grouped(WARM_UP)
    alone(WARM_UP * size)
    group_cpu, group_pg, group_statements = grouped(groups)
    alone_cpu, alone_pg, alone_statements = alone(groups * size)
    engine.dispose()
    payments = groups * size
    return {
        "grouped_ms": 1000 * group_cpu / payments,
        "grouped_pg_ms": 1000 * group_pg / payments,
        "grouped_statements": group_statements / payments,
        "alone_ms": 1000 * alone_cpu / payments,
        "alone_pg_ms": 1000 * alone_pg / payments,
        "alone_statements": alone_statements / payments,
    }


def measure(tree: Path, args: argparse.Namespace) -> dict[str, float]:
    """One round in a fresh process running ``tree``'s code."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            args.url,
            "--child",
            "--size",
            str(args.size),
            "--groups",
            str(args.groups),
            "--households",
            str(args.households),
        ],
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="a kept city database (bench/city_january.py --keep)")
    parser.add_argument("--size", type=int, default=8, help="estates per group")
    parser.add_argument("--groups", type=int, default=60, help="groups counted per round")
    parser.add_argument("--households", type=int, default=2000, help="per estate, as built")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another checkout, measured alternately")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.url, args.size, args.groups, args.households)))
        return
    trees = {"this": HERE} | ({"compare": args.compare.resolve()} if args.compare else {})
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for round_ in range(args.rounds):
        for name, tree in trees.items():
            result = measure(tree, args)
            runs[name].append(result)
            print(
                f"round {round_ + 1} {name:7}: grouped {result['grouped_ms']:.2f} ms CPU "
                f"(PostgreSQL {result['grouped_pg_ms']:.2f}) and "
                f"{result['grouped_statements']:.1f} statements per payment; alone "
                f"{result['alone_ms']:.2f} ms (PostgreSQL {result['alone_pg_ms']:.2f}) and "
                f"{result['alone_statements']:.1f}",
                flush=True,
            )
    medians = {
        name: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for name, results in runs.items()
    }
    for name, median in medians.items():
        print(
            f"{name} (median of {args.rounds}): grouped {median['grouped_ms']:.2f} ms "
            f"(PostgreSQL {median['grouped_pg_ms']:.2f}), alone {median['alone_ms']:.2f} ms "
            f"(PostgreSQL {median['alone_pg_ms']:.2f}) per payment (grouped / alone "
            f"{median['grouped_ms'] / median['alone_ms']:.2f})"
        )
    if args.compare:
        this, other = medians["this"], medians["compare"]
        print(
            f"this / compare: grouped {this['grouped_ms'] / other['grouped_ms']:.2f} "
            f"(PostgreSQL {this['grouped_pg_ms'] / other['grouped_pg_ms']:.2f}), alone "
            f"{this['alone_ms'] / other['alone_ms']:.2f} "
            f"(PostgreSQL {this['alone_pg_ms'] / other['alone_pg_ms']:.2f})"
        )


if __name__ == "__main__":
    main()
