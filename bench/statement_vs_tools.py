"""The statement of a year: trustfund (SQL) against ``bean-query`` and ``ledger`` (ledger-cli)
on the same exported ledger, as ratios from one run.

One estate with N entries (default 100,000; the generator of ``ledger_balances.py``), the
statement of 2026. What each tool is timed on, for the figures a statement needs (opening
balances, the year's movement per account, the year's expense lines):

- trustfund: ``build_statement`` (cold: figures cache cleared), median of 3;
- bean-query: the exported file loaded once (beancount parse, booking, validation) and the
  three BQL queries run on it, through ``beanquery.connect`` in a fresh process — one
  interactive bean-query session; also the plain CLI for the movement query alone;
- ledger: the export converted once to ledger-cli syntax (not timed), then three runs
  (``bal -e 2026/01/01``, ``bal -b 2026/01/01 -e 2027/01/01``, ``reg ^Expenses`` for 2026),
  each parsing the file as ledger does.

The year's movement per account from each tool is compared with SQL (must be equal).

    python bench/statement_vs_tools.py [--entries 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ledger_balances import generate

from trustfund.db.migrate import upgrade
from trustfund.db.models.estates import Estate
from trustfund.db.session import make_engine, make_session_factory
from trustfund.disclosure.periods import parse_period
from trustfund.disclosure.statements import build_statement, clear_figures_cache
from trustfund.journal import service
from trustfund.journal.mirror import export_text

BEAN_QUERY = str(Path(sys.executable).parent / "bean-query")
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
QUERIES = [
    "SELECT account, sum(position) WHERE date < 2026-01-01 GROUP BY account",
    "SELECT account, sum(position) WHERE year = 2026 GROUP BY account",
    "SELECT date, narration, account, position WHERE year = 2026 AND account ~ '^Expenses'",
]
SESSION = """
import sys, beanquery
conn = beanquery.connect("beancount:" + sys.argv[1])
for q in sys.argv[2:]:
    cur = conn.execute(q)
    rows = cur.fetchall()
    print(len(rows))
"""


def timed(fn, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def run(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - t, done.stdout


def to_ledger(beancount_text: str) -> str:
    """The export in ledger-cli syntax: one transaction per beancount transaction, every
    posting with its amount (the export always states them)."""
    out: list[str] = []
    head: str | None = None
    for line in beancount_text.splitlines():
        m = re.match(r'^(\d{4})-(\d\d)-(\d\d) [*!] (?:"([^"]*)" )?"([^"]*)"', line)
        if m:
            y, mo, d, payee, narration = m.groups()
            title = " | ".join(x for x in (payee, narration) if x) or "-"
            head = f"{y}/{mo}/{d} * {title}"
            out.append("")
            out.append(head)
            continue
        posting = re.match(r"^  ([A-Z][\w:-]+)\s+(-?[\d.]+) CNY", line)
        if head is not None and posting:
            out.append(f"    {posting.group(1)}  {posting.group(2)} CNY")
        elif not line.startswith("  "):
            head = None
    return "\n".join(out) + "\n"


def ledger_movement(output: str) -> dict[str, Decimal]:
    found = {}
    for line in output.splitlines():
        account, _, amount = line.partition("\t")
        if account and amount:
            found[account] = Decimal(amount.replace(",", "").replace("CNY", "").strip() or "0")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    ledger = shutil.which("ledger")
    if ledger is None:
        raise SystemExit("ledger (ledger-cli) not found: apt-get install ledger")
    tmp = Path(tempfile.mkdtemp(prefix="tf-bench-tools-"))
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
    period = parse_period("2026")
    with factory() as s:
        estate = s.get(Estate, estate_id)
        assert estate is not None

        def statement() -> object:
            clear_figures_cache()
            result = build_statement(s, estate, period)
            s.rollback()
            return result

        ours, _ = timed(statement)
        sql_movement = {
            a: v
            for a, v in service.account_balances(s, estate_id, start=YEAR[0], end=YEAR[1]).items()
            if v
        }
        text_ = export_text(s, estate_id)
        s.rollback()
    beancount_file = tmp / "bench.beancount"
    beancount_file.write_text(text_)
    ledger_file = tmp / "bench.ledger"
    ledger_file.write_text(to_ledger(text_))

    bq_session, counts = run([sys.executable, "-c", SESSION, str(beancount_file), *QUERIES])
    bq_cli, _ = run([BEAN_QUERY, "-q", str(beancount_file), QUERIES[1]])
    fmt = "%(account)\t%(quantity(scrub(display_total)))\n"
    runs = [
        [ledger, "-f", str(ledger_file), "bal", "-e", "2026/01/01", "--flat", "--no-total"],
        [
            ledger,
            "-f",
            str(ledger_file),
            "bal",
            "-b",
            "2026/01/01",
            "-e",
            "2027/01/01",
            "--flat",
            "--no-total",
            "--format",
            fmt,
        ],
        [
            ledger,
            "-f",
            str(ledger_file),
            "reg",
            "^Expenses",
            "-b",
            "2026/01/01",
            "-e",
            "2027/01/01",
        ],
    ]
    ledger_times, outputs = [], []
    for cmd in runs:
        t, out = run(cmd)
        ledger_times.append(t)
        outputs.append(out)
    ledger_total = sum(ledger_times)
    by_ledger = {a: v for a, v in ledger_movement(outputs[1]).items() if v}
    same = by_ledger == {a: v for a, v in sql_movement.items()}

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cpus, "
        f"Python {platform.python_version()}, {engine.dialect.name}; generate {gen:.1f} s; "
        f"load average after: {load}"
    )
    print(
        f"statement of 2026 over {args.entries:,} entries ({len(text_) / 1e6:.1f} MB export); "
        f"bean-query rows per query: {counts.split()}; ledger-cli movement equals SQL: {same}"
    )
    print(
        "| backend | entries | trustfund statement | bean-query session (load + 3 queries) "
        "| bean-query CLI (movement only) | ledger-cli (3 runs) | ledger-cli bal (movement only) |"
    )
    print(
        f"| {engine.dialect.name} | {args.entries:,} | {ours:.2f} s | {bq_session:.2f} s "
        f"(**{bq_session / ours:.0f}×**) | {bq_cli:.2f} s ({bq_cli / ours:.0f}×) | "
        f"{ledger_total:.2f} s (**{ledger_total / ours:.1f}×**) | {ledger_times[1]:.2f} s "
        f"({ledger_times[1] / ours:.1f}×) |"
    )
    engine.dispose()
    if admin is not None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
