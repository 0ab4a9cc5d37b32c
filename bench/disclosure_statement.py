"""The statement of one year of a 100,000-entry estate: JSON/HTML (target ≤ 0.3 s) and PDF
(target ≤ 3 s).

    python bench/disclosure_statement.py [--entries 100000] [--postgres URL]

Reuses the 100k-estate generator of ``bench/ledger_balances.py`` (80 % fee payments with
four legs, 20 % payouts with two: about 20,000 expenditure lines in the year). Measures,
median of 5 after one warm-up: building the statement from SQL (``build_statement``) cold —
the journal-figures cache emptied before every run, so every query runs — and warm (the
ledger head has not moved since the last build: the journal part comes from the cache keyed
by estate, period and head (seq, hash); collection, sections and expense notes are read
live), the statement as canonical JSON, as HTML (page/snapshot document) and as PDF
(WeasyPrint; the PDF and the page summarise more than 300 expenditure lines by month and
item, the JSON keeps every line). Prints Markdown rows for bench/RESULTS.md.

``--page`` also publishes the year and its four quarters (snapshots written directly, as
``publication.publish`` stores them) and times the residents' page of the year,
``GET /e/bench/d/<id>`` through the app in-process (the server's whole work: routing, the
snapshots read, the page rendered; target ≤ 0.3 s, issue 16 item 9), the estate's page and
the home page, and reports the bytes a phone's first load of the disclosure page transfers
(the page, its stylesheets and script; the app does not compress).

    python bench/disclosure_statement.py --reuse /tmp/tf-bench.db   # keep/reuse the database
    python bench/disclosure_statement.py --postgres URL --reuse tf_bench_disc   # same, PostgreSQL
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
from trustfund.disclosure.statements import build_statement, canonical_json, clear_figures_cache
from trustfund.journal import service


def timed(fn, repeat: int = 5):  # type: ignore[no-untyped-def]
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
    parser.add_argument("--page", action="store_true", help="also time the public pages")
    parser.add_argument(
        "--reuse",
        default="",
        help="SQLite file, or with --postgres a database name: generate once, then reuse (kept)",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tf-bench-disclosure-"))
    admin = None
    if args.postgres:
        name = args.reuse or f"tf_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            reuse = bool(
                args.reuse
                and c.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).first()
            )
            if not reuse:
                c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{args.reuse or tmp / 'bench.db'}"
        reuse = bool(args.reuse) and Path(args.reuse).exists()
    engine = make_engine(url)
    factory = make_session_factory(engine)
    if reuse:
        with factory() as s:
            estate_id = s.execute(text("SELECT id FROM estates WHERE slug = 'bench'")).scalar_one()
        gen = 0.0
    else:
        upgrade(engine)
        estate_id, gen = _fill(factory, args.entries)
    if engine.dialect.name == "postgresql":
        # as autovacuum leaves the tables after bulk inserts: statistics and the visibility
        # map (index-only scans of the entries' (estate, date, seq) index need it)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    st = measure(engine, factory, estate_id, args.entries, gen)
    if args.page:
        measure_page(engine, factory, estate_id, st, tmp)
    engine.dispose()
    if admin is not None and not args.reuse:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _fill(factory, entries: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    with factory() as s:
        estate = Estate(slug="bench", name="基准小区", address="", community="", street_office="")
        s.add(estate)
        s.flush()
        service.open_books(
            s, estate.id, on=date(2026, 1, 1), opening_balances={"maintenance": Decimal("1000.00")}
        )
        s.commit()
        estate_id = estate.id
    return estate_id, generate(factory, estate_id, entries)


def measure(engine, factory, estate_id: int, entries: int, gen: float):  # type: ignore[no-untyped-def]
    period = parse_period("2026")
    with factory() as s:
        estate = s.get(Estate, estate_id)
        assert estate is not None

        def statement(cold: bool):  # type: ignore[no-untyped-def]
            if cold:
                clear_figures_cache()
            result = build_statement(s, estate, period)
            s.rollback()
            return result

        build_t, st = timed(lambda: statement(True))
        warm_t, warm = timed(lambda: statement(False))
        assert canonical_json(warm) == canonical_json(st)
    json_t, body = timed(lambda: canonical_json(st))
    html_t, html = timed(lambda: render.statement_html(st, None, draft_head=(1, "0" * 64)))
    pdf_html = render.statement_html(st, None, for_pdf=True, draft_head=(1, "0" * 64))
    pdf_t, pdf = timed(lambda: render.pdf_bytes(pdf_html), repeat=3)
    lines = st["expenditure"]["count"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cpus, "
        f"Python {platform.python_version()}, {engine.dialect.name}; generate {gen:.1f} s; "
        f"load average after: {load}"
    )
    print(
        f"statement of 2026: {st['ledger']['entries_in_period']} entries, {lines} expenditure "
        f"lines; JSON {len(body) / 1e6:.1f} MB, HTML {len(html) / 1e3:.0f} kB, "
        f"PDF {len(pdf) / 1e3:.0f} kB; reconciliation balanced: {st['reconciliation']['balanced']}"
    )
    print(
        "| backend | entries | build cold | build warm (same head) | + JSON | + HTML "
        "| JSON/HTML total cold | warm | PDF render | PDF total (cold) |"
    )
    print(
        f"| {engine.dialect.name} | {entries:,} | {build_t * 1000:.0f} ms | "
        f"{warm_t * 1000:.0f} ms | {json_t * 1000:.0f} ms | {html_t * 1000:.0f} ms | "
        f"**{(build_t + max(json_t, html_t)) * 1000:.0f} ms** | "
        f"**{(warm_t + max(json_t, html_t)) * 1000:.0f} ms** | {pdf_t:.2f} s | "
        f"**{build_t + html_t + pdf_t:.2f} s** |"
    )
    return st


def _publish_directly(factory, estate_id: int, st, pdf: bytes) -> int:  # type: ignore[no-untyped-def]
    """The year and its quarters as published snapshots (figures from ``build_statement``,
    HTML rendered, the year's PDF stored with each); returns the year's version id."""
    import hashlib
    import json as jsonlib

    from sqlalchemy import select

    from trustfund.db.models.auth import User
    from trustfund.db.models.disclosure import (
        DisclosureSnapshot,
        DisclosureVersion,
        VersionStatus,
    )

    with factory() as s:
        existing = s.scalar(
            select(DisclosureVersion.id).where(
                DisclosureVersion.estate_id == estate_id, DisclosureVersion.period == "2026"
            )
        )
        if existing is not None:
            return int(existing)
        user = User(username="bench-publisher", display_name="基准", password_hash="x")
        s.add(user)
        s.flush()
        estate = s.get(Estate, estate_id)
        year_id = 0
        for label in ("2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026"):
            period = parse_period(label)
            statement = st if label == "2026" else build_statement(s, estate, period)
            version = DisclosureVersion(
                estate_id=estate_id,
                period=label,
                period_kind="year" if label == "2026" else "quarter",
                start=period.start,
                end=period.end,
                number=1,
                status=VersionStatus.PUBLISHED,
                figures_sha256="0" * 64,
                submitted_by=user.id,
            )
            s.add(version)
            s.flush()
            publication = {
                "version_id": version.id,
                "number": 1,
                "note": "",
                "supersedes": None,
                "correction_reason": None,
                "ledger_seq": 1,
                "ledger_hash": "0" * 64,
                "published_on": "2027-01-05",
                "signatures": {
                    "prepared": {"role": "红色管家", "date": "2027-01-04", "signed": True},
                    "approved": [{"role": "业委会委员", "date": "2027-01-05"}],
                },
                "url": f"http://127.0.0.1/e/bench/d/{version.id}",
            }
            body = canonical_json(statement)
            html = render.statement_html(statement, publication)
            s.add(
                DisclosureSnapshot(
                    version_id=version.id,
                    estate_id=estate_id,
                    statement_json=body.decode(),
                    html=html,
                    pdf=pdf,
                    json_sha256=hashlib.sha256(body).hexdigest(),
                    html_sha256=hashlib.sha256(html.encode()).hexdigest(),
                    pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                    ledger_seq=1,
                    ledger_hash="0" * 64,
                    publication_json=jsonlib.dumps(publication, ensure_ascii=False),
                    published_by=user.id,
                )
            )
            year_id = version.id
        s.commit()
        return year_id


def measure_page(engine, factory, estate_id: int, st, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """The residents' page of the published year, through the app in-process."""
    from litestar.testing import TestClient

    from trustfund.app import create_app
    from trustfund.settings import Settings

    pdf = render.pdf_bytes(render.statement_html(st, None, for_pdf=True, draft_head=(1, "0" * 64)))
    year_id = _publish_directly(factory, estate_id, st, pdf)
    settings = Settings(
        var_dir=tmp / "var",
        database_url=engine.url.render_as_string(hide_password=False),
        ledger_dir=tmp / "ledgers",
        secret_key="bench-secret-key",
    )
    html_accept = {"Accept": "text/html"}
    with TestClient(create_app(settings, engine=engine)) as client:
        rows = []
        for label, path in (
            ("disclosure page (year)", f"/e/bench/d/{year_id}"),
            ("estate page", "/e/bench"),
            ("home page", "/"),
        ):
            answer = client.get(path, headers=html_accept)
            assert answer.status_code == 200, (path, answer.status_code)
            seconds, answer = timed(lambda p=path: client.get(p, headers=html_accept))
            rows.append((label, seconds, len(answer.content)))
        page = client.get(f"/e/bench/d/{year_id}", headers=html_accept).text
        assets = [
            a
            for a in ("/static/web/site.css", "/static/web/public.css", "/static/web/public.js")
            if a in page
        ]
        asset_bytes = sum(len(client.get(a).content) for a in assets)
    print("| page | server time (median of 5) | HTML |")
    for label, seconds, size in rows:
        print(f"| {label} | **{seconds * 1000:.0f} ms** | {size / 1024:.1f} KiB |")
    print(
        f"first load of the disclosure page: {(rows[0][2] + asset_bytes) / 1024:.1f} KiB "
        f"(page {rows[0][2] / 1024:.1f} KiB + {len(assets)} assets {asset_bytes / 1024:.1f} KiB)"
    )


if __name__ == "__main__":
    main()
