"""The statement of one year of a 100,000-entry estate: JSON/HTML (target ≤ 0.3 s) and PDF
(target ≤ 3 s).

    python bench/disclosure_statement.py [--entries 100000] [--postgres URL]

Reuses the 100k-estate generator of ``bench/ledger_balances.py`` (80 % fee payments with
four legs, 20 % payouts with two: about 20,000 expenditure lines in the year). Measures,
median of 3 after one warm-up: building the statement from SQL (``build_statement``), the
statement as canonical JSON, as HTML (page/snapshot document) and as PDF (WeasyPrint; the
PDF and the page summarise more than 300 expenditure lines by month and item, the JSON keeps
every line). Prints a Markdown row for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
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
from trustfund.disclosure import render
from trustfund.disclosure.periods import parse_period
from trustfund.disclosure.statements import build_statement, canonical_json
from trustfund.journal import service


def timed(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    fn()  # warm-up (template compilation, font loading, caches)
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tf-bench-disclosure-"))
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

        def statement():  # type: ignore[no-untyped-def]
            result = build_statement(s, estate, period)
            s.rollback()
            return result

        build_t, st = timed(statement)
    json_t, body = timed(lambda: canonical_json(st))
    html_t, html = timed(lambda: render.statement_html(st, None, draft_head=(1, "0" * 64)))
    pdf_html = render.statement_html(st, None, for_pdf=True, draft_head=(1, "0" * 64))
    pdf_t, pdf = timed(lambda: render.pdf_bytes(pdf_html), repeat=3)
    lines = st["expenditure"]["count"]
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cpus, "
        f"Python {platform.python_version()}, {engine.dialect.name}; generate {gen:.1f} s"
    )
    print(
        f"statement of 2026: {st['ledger']['entries_in_period']} entries, {lines} expenditure "
        f"lines; JSON {len(body) / 1e6:.1f} MB, HTML {len(html) / 1e3:.0f} kB, "
        f"PDF {len(pdf) / 1e3:.0f} kB; reconciliation balanced: {st['reconciliation']['balanced']}"
    )
    print(
        "| backend | entries | build statement (SQL) | + JSON | + HTML | JSON/HTML total | PDF render "
        "| PDF total |"
    )
    print(
        f"| {engine.dialect.name} | {args.entries:,} | {build_t * 1000:.0f} ms | "
        f"{json_t * 1000:.0f} ms | {html_t * 1000:.0f} ms | "
        f"**{(build_t + max(json_t, html_t)) * 1000:.0f} ms** | {pdf_t:.2f} s | "
        f"**{build_t + html_t + pdf_t:.2f} s** |"
    )
    engine.dispose()
    if admin is not None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
