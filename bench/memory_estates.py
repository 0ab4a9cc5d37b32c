"""Server memory while serving many estates: the resident set size (RSS) of one
``trustfund serve`` process (one uvicorn worker) over a database of 600 estates × 2,000
households (1.2 million households), each estate with its books opened.

The rows are generated with bulk inserts (multi-row INSERTs of 10,000 rows; occupancies by
one ``INSERT … SELECT``), the books with ``open_books`` per estate. Then the server is
started and every estate gets a few requests, twice over (estate, a page of households, a
household, account balances, the public ledger file and public page), as an admin with an
API token. RSS is read from ``/proc/<pid>/status`` (VmRSS; VmHWM = peak) after start-up and
after each pass.

    python bench/memory_estates.py --postgres postgresql+psycopg://postgres@127.0.0.1/postgres
    python bench/memory_estates.py --sqlite /tmp/tf-memory.db
    options: --estates 600 --households 2000 --keep (keep the database for another run)
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, func, insert, literal, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trustfund.auth.tokens import issue_token
from trustfund.auth.users import create_user
from trustfund.db.base import utcnow
from trustfund.db.migrate import upgrade
from trustfund.db.models.estates import (
    Building,
    Estate,
    Household,
    HouseholdOccupancy,
    Occupancy,
    Site,
)
from trustfund.db.session import make_engine, make_session_factory
from trustfund.journal.service import open_books

TRUSTFUND = str(Path(sys.executable).with_name("trustfund"))
PER_BUILDING = 100
CHUNK = 10_000
HOUSEHOLD_CODE = "H-%s-%05d"  # (estate slug, 0-based number); printf style, as Lua's format


def generate(engine: Engine, estates: int, households: int) -> float:
    started = time.perf_counter()
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(Estate),
            [
                {
                    "slug": f"m{i:04d}",
                    "name": f"内存测试小区{i}",
                    "address": f"测试路{i}号",
                    "community": f"社区{i // 30}",
                    "street_office": "测试街道",
                    "timezone": "Asia/Shanghai",
                    "created_at": now,
                }
                for i in range(estates)
            ],
        )
        ids = dict(conn.execute(select(Estate.slug, Estate.id)).all())
        conn.execute(
            insert(Site),
            [{"estate_id": e, "code": "S1", "name": "一区"} for e in ids.values()],
        )
        sites = dict(conn.execute(select(Site.estate_id, Site.id)).all())
        buildings_per_estate = (households + PER_BUILDING - 1) // PER_BUILDING
        conn.execute(
            insert(Building),
            [
                {"estate_id": e, "site_id": sites[e], "number": str(b + 1)}
                for e in ids.values()
                for b in range(buildings_per_estate)
            ],
        )
        buildings = conn.execute(select(Building.estate_id, Building.number, Building.id)).all()
        building_id = {(e, n): b for e, n, b in buildings}
    rows: list[dict[str, object]] = []
    for slug, estate_id in ids.items():
        for i in range(households):
            b, room = divmod(i, PER_BUILDING)
            rows.append(
                {
                    "estate_id": estate_id,
                    "building_id": building_id[(estate_id, str(b + 1))],
                    "entrance": "1",
                    "room": str(101 + room),
                    "code": HOUSEHOLD_CODE % (slug, i),
                    "owner_name": f"业主{i}",
                    "phone": f"139{i:08d}",
                    "created_at": now,
                }
            )
            if len(rows) == CHUNK:
                with engine.begin() as conn:
                    conn.execute(insert(Household), rows)
                rows = []
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(Household), rows)
    with engine.begin() as conn:
        status = HouseholdOccupancy.__table__.c.status
        conn.execute(
            insert(HouseholdOccupancy).from_select(
                ["household_id", "status", "effective_from", "recorded_at"],
                select(
                    Household.id,
                    literal(Occupancy.OCCUPIED, type_=status.type),
                    literal(date(2025, 1, 1)),
                    literal(now, type_=HouseholdOccupancy.__table__.c.recorded_at.type),
                ),
            )
        )
    factory = make_session_factory(engine)
    with factory() as s:
        for estate_id in ids.values():
            open_books(s, estate_id, on=date(2025, 1, 1))
            s.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return time.perf_counter() - started


def admin_token(engine: Engine) -> str:
    with make_session_factory(engine)() as s:
        user = create_user(
            s, f"memadmin{uuid.uuid4().hex[:6]}", "memory password 1", "管理员", is_admin=True
        )
        token = issue_token(s, user, "memory bench").plain
        s.commit()
        return token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kb(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def exercise(
    port: int, token: str, slugs: list[str], households: int, rng: random.Random
) -> tuple[int, float]:
    """A few requests per estate; returns (requests, seconds)."""
    base = f"http://127.0.0.1:{port}"
    count = 0
    started = time.perf_counter()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        for slug in slugs:
            i = rng.randrange(households)
            for path in (
                f"/api/v1/estates/{slug}",
                f"/api/v1/estates/{slug}/households?page={rng.randrange(1, households // 50 + 1)}&per_page=50",
                f"/api/v1/estates/{slug}/households/{HOUSEHOLD_CODE % (slug, i)}",
                f"/api/v1/estates/{slug}/ledger/balances",
                f"/api/v1/public/estates/{slug}/ledger.beancount",
                f"/e/{slug}",
            ):
                r = c.get(path)
                count += 1
                if r.status_code != 200:
                    raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="", help="server URL to create a database on")
    parser.add_argument("--sqlite", default="", help="SQLite file (reused if it exists)")
    parser.add_argument("--database", default="", help="PostgreSQL database to reuse")
    parser.add_argument("--estates", type=int, default=600)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    admin = None
    name = args.database or f"tf_memory_{uuid.uuid4().hex[:8]}"
    fresh = True
    if args.postgres:
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        if not args.database:
            with admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{name}"'))
        else:
            fresh = False
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    else:
        path = Path(args.sqlite or Path(tempfile.mkdtemp()) / "memory.db")
        fresh = not path.exists()
        url = f"sqlite:///{path}"
    try:
        engine = make_engine(url)
        upgrade(engine)
        gen = generate(engine, args.estates, args.households) if fresh else 0.0
        with make_session_factory(engine)() as s:
            slugs = list(
                s.scalars(select(Estate.slug).where(Estate.slug.like("m%")).order_by(Estate.slug))
            )
            total = s.scalar(select(func.count()).select_from(Household)) or 0
        token = admin_token(engine)
        engine.dispose()
        workdir = Path(tempfile.mkdtemp(prefix="tf-memory-"))
        env = {
            **os.environ,
            "TRUSTFUND_DATABASE_URL": url,
            "TRUSTFUND_LEDGER_DIR": str(workdir / "ledgers"),
            "TRUSTFUND_VAR_DIR": str(workdir / "var"),
            "TRUSTFUND_SECRET_KEY": "memory-bench",
        }
        port = free_port()
        started = time.perf_counter()
        proc = subprocess.Popen(
            [TRUSTFUND, "serve", "--no-upgrade", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.perf_counter() - started > 600:
                    raise SystemExit("server did not start")
                time.sleep(0.2)
            startup = time.perf_counter() - started
            at_start = rss_kb(proc.pid)
            rng = random.Random(6)
            n1, t1 = exercise(port, token, slugs, args.households, rng)
            after_one = rss_kb(proc.pid)
            n2, t2 = exercise(port, token, slugs, args.households, rng)
            after_two = rss_kb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        backend = "postgresql" if args.postgres else "sqlite"
        print(
            f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cpus, "
            f"Python {platform.python_version()}, {backend}; load average after: {load}"
        )
        print(
            f"{backend}: {len(slugs)} estates, {total:,} households; generated in {gen:.0f} s; "
            f"server start-up (incl. writing {len(slugs)} mirrors) {startup:.1f} s"
        )
        print(
            "| backend | estates | households | RSS after start-up | after pass 1 | after pass 2 | peak (VmHWM) | requests/s |"
        )
        print(
            f"| {backend} | {len(slugs)} | {total:,} | {at_start['VmRSS'] / 1024:.0f} MB | "
            f"{after_one['VmRSS'] / 1024:.0f} MB | {after_two['VmRSS'] / 1024:.0f} MB | "
            f"{after_two['VmHWM'] / 1024:.0f} MB | {(n1 + n2) / (t1 + t2):.0f} ({n1 + n2} requests) |"
        )
    finally:
        if admin is not None:
            if not args.keep:
                with admin.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                print(f"kept database {name} (reuse with --database {name})")
            admin.dispose()


if __name__ == "__main__":
    main()
