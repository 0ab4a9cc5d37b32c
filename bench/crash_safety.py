"""Crash safety: ``kill -9`` the server while clients post fee payments; nothing acknowledged
is lost, nothing is half-written, the chain verifies and the mirror is repaired at start-up.

``trustfund serve`` runs as a subprocess on its own port, database and ledger directory.
C client threads (default 8) post payments through the HTTP API, each with its own
``Idempotency-Key``; a client whose request fails (connection refused or reset while the
server is down) retries the same key with the same body until it gets an answer, like a
real client would. The server is killed with SIGKILL at a random moment (0.2–1.5 s into a
round), restarted, and the round repeats. During a restart the clients wait, so the
mirror can be compared with the database right after start-up.

Checked at the end (and the mirror after every restart):

- every key that got a 2xx is stored: its idempotency record exists and the receipt number
  it was answered with is in ``fee_receipts`` for the same household and amount;
- every stored payment is one of ours, once (no duplicate for a retried key);
- nothing is half-written: every journal entry has postings that sum to zero, every
  payment has its receipt and its receipt's entry exists, receipt numbers are gapless;
- there are at least as many audit records of a payment (``fees.record_payment``, ok) as
  payments: each commits with its payment;
- ``trustfund ledger check`` passes (beancount = SQL, hash chain intact);
- after each restart, ``<ledger_dir>/<estate>.beancount`` equals ``trustfund ledger export``.

With ``--estates N`` the clients pay into N estates in turn (slugs ``crash000``…), so
the lone payments of quiet estates are written together in one transaction (the group
commit of ``fees/group.py``; an estate paid less than a second before writes its own, so
use enough estates that each is paid less often than that); every check runs per estate.

    python bench/crash_safety.py sqlite --rounds 20
    python bench/crash_safety.py sqlite --rounds 20 --estates 200 --households 10
    python bench/crash_safety.py postgres --rounds 20 \
        --server postgresql+psycopg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trustfund.auth.principal import Role
from trustfund.auth.tokens import issue_token
from trustfund.auth.users import create_user, grant_membership
from trustfund.db.migrate import upgrade
from trustfund.db.models.auth import AuditRecord
from trustfund.db.models.estates import (
    Building,
    Estate,
    Household,
    HouseholdOccupancy,
    Occupancy,
    Site,
)
from trustfund.db.models.fees import FeePayment, FeeReceipt
from trustfund.db.models.journal import IdempotencyRecord, JournalEntry, JournalPosting
from trustfund.db.session import make_engine, make_session_factory
from trustfund.fees.charges import issue_charges
from trustfund.fees.schedule import approve_schedule, save_schedule
from trustfund.fees.schemas import ComponentIn, ScheduleIn
from trustfund.journal.check import check_estate
from trustfund.journal.mirror import export_text
from trustfund.journal.service import open_books

SLUG = "crash"
SCHEDULE = ScheduleIn(
    components=[
        ComponentIn(fund="electricity", name="公共电费", amount="50.00"),
        ComponentIn(fund="maintenance", name="公共设施维护", amount="90.00"),
        ComponentIn(fund="garbage", name="生活垃圾清运费", amount="60.00"),
    ],
    vacancy_rule="percent",
    vacancy_percent="50",
)
#: Each payment is small, so a household can take many before it is paid up.
AMOUNT = "1.00"
TRUSTFUND = str(Path(sys.executable).with_name("trustfund"))


@dataclass
class Database:
    url: str
    drop: Any = None  # callable that removes it


@dataclass
class Outcome:
    """What the clients saw."""

    #: key -> (estate slug, household code, receipt number)
    acknowledged: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    attempts: int = 0
    retries: int = 0
    replays: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Report:
    backend: str
    rounds: int
    seconds: float
    acknowledged: int
    attempts: int
    retries: int
    replays: int
    stored: int
    stale_mirror_after_kill: int
    mirror_repaired: int
    problems: list[str]

    def summary(self) -> str:
        return (
            f"{self.backend}: {self.rounds} kill -9 rounds in {self.seconds:.0f} s; "
            f"{self.attempts} requests ({self.retries} retried after a crash, "
            f"{self.replays} answered as replays), {self.acknowledged} payments acknowledged, "
            f"{self.stored} stored; mirror stale after {self.stale_mirror_after_kill} kills, "
            f"equal to the export after {self.mirror_repaired}/{self.rounds + 1} start-ups; "
            f"{len(self.problems)} problems"
        )


# --- set-up ---------------------------------------------------------------------------


def make_database(backend: str, workdir: Path, server: str | None) -> Database:
    if backend == "sqlite":
        return Database(f"sqlite:///{workdir / 'crash.db'}")
    if not server:
        raise SystemExit("--server (a PostgreSQL URL we may create databases from) is required")
    name = f"tf_crash_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    return Database(url, drop)


def seed(engine: Engine, households: int, estates: int = 1) -> tuple[dict[str, list[str]], str]:
    """``estates`` estates (one: ``crash``; more: ``crash000``…), each with ``households``
    occupied households charged 200.00 for 2026, and the API token of a steward of all of
    them. Returns the household codes per estate slug, and the token."""
    upgrade(engine)
    slugs = [SLUG] if estates == 1 else [f"{SLUG}{i:03d}" for i in range(estates)]
    codes: dict[str, list[str]] = {}
    with make_session_factory(engine)() as s:
        steward = create_user(s, "steward-crash", "crash password 123", "管家")
        committee = create_user(s, "committee-crash", "crash password 123", "业委会")
        token = issue_token(s, steward, "crash").plain
        for slug in slugs:
            estate = Estate(
                slug=slug, name=f"崩溃测试小区{slug}", community="bench", street_office=""
            )
            s.add(estate)
            s.flush()
            site = Site(estate_id=estate.id, code="S1", name="一区")
            s.add(site)
            s.flush()
            building = Building(estate_id=estate.id, site_id=site.id, number="1")
            s.add(building)
            s.flush()
            codes[slug] = []
            for i in range(households):
                h = Household(
                    estate_id=estate.id,
                    building_id=building.id,
                    entrance="1",
                    room=str(101 + i),
                    code=f"H-C{i:04d}",
                )
                s.add(h)
                s.flush()
                s.add(
                    HouseholdOccupancy(
                        household_id=h.id,
                        status=Occupancy.OCCUPIED,
                        effective_from=date(2025, 1, 1),
                    )
                )
                codes[slug].append(h.code)
            open_books(s, estate.id, on=date(2025, 1, 1))
            grant_membership(s, steward, Role.STEWARD, estate_id=estate.id)
            s.commit()
            saved = save_schedule(s, estate.id, 2026, SCHEDULE, actor_user_id=steward.id)
            approve_schedule(
                s, estate.id, 2026, content_hash=saved.content_hash, actor_user_id=committee.id
            )
            issue_charges(s, estate.id, 2026)
            s.commit()
    return codes, token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``trustfund serve`` in a subprocess, killed with SIGKILL and started again."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        started = time.perf_counter()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [TRUSTFUND, "serve", "--no-upgrade", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
            try:
                r = httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1)
                if r.status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server did not answer /health; see {self.log}")

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


# --- clients --------------------------------------------------------------------------


def client_loop(
    n: int,
    port: int,
    token: str,
    codes: dict[str, list[str]],
    clients: int,
    up: threading.Event,
    done: threading.Event,
    outcome: Outcome,
) -> None:
    slugs = sorted(codes)
    seq = 0
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        while not done.is_set():
            seq += 1
            key = f"crash-{n}-{seq}"
            slug = slugs[(seq * clients + n) % len(slugs)]  # the clients on different estates
            url = f"http://127.0.0.1:{port}/api/v1/estates/{slug}/fees/payments"
            code = codes[slug][(seq * 8 + n) % len(codes[slug])]
            body = {
                "method": "cash",
                "amount": AMOUNT,
                "paid_on": "2026-03-01",
                "allocations": [{"household_code": code, "fee_year": 2026, "amount": AMOUNT}],
            }
            tries = 0
            while not done.is_set():
                up.wait()
                tries += 1
                try:
                    r = http.post(url, json=body, headers={"Idempotency-Key": key})
                except httpx.HTTPError:
                    time.sleep(0.02)
                    continue
                with outcome.lock:
                    outcome.attempts += tries
                    outcome.retries += tries - 1
                    outcome.statuses[r.status_code] += 1
                    if 200 <= r.status_code < 300:
                        receipt_no = r.json()["receipts"][0]["receipt_no"]
                        outcome.acknowledged[key] = (slug, code, receipt_no)
                        outcome.replays += r.headers.get("Idempotent-Replayed") == "true"
                    else:
                        outcome.errors.append(f"{key}: {r.status_code} {r.text[:200]}")
                break


# --- checks ---------------------------------------------------------------------------


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([TRUSTFUND, *args], env=env, capture_output=True, check=False)


def mirror_equals_export(engine: Engine, ledger_dir: Path, slugs: list[str]) -> bool:
    """Every estate's mirror file equals its export."""
    with make_session_factory(engine)() as s:
        for slug in slugs:
            path = ledger_dir / f"{slug}.beancount"
            estate_id = s.scalar(select(Estate.id).where(Estate.slug == slug))
            assert estate_id is not None
            exported = export_text(s, estate_id).encode("utf-8")
            if not (path.exists() and path.read_bytes() == exported):
                return False
    return True


def check_books(
    engine: Engine, env: dict[str, str], outcome: Outcome, slugs: list[str]
) -> list[str]:
    """Every check, per estate (problems named by estate when there are several); the
    command-line export and ``ledger check`` for the first estate, the same check in-process
    (``check_estate``) for the others."""
    problems: list[str] = []
    counts: Counter[str] = Counter()
    for slug in slugs:
        found = _check_estate_books(engine, env, outcome, slug, counts, cli=slug == slugs[0])
        problems += [f"{slug}: {p}" if len(slugs) > 1 else p for p in found]
    print(
        f"  stored: {counts['receipts']} receipts ({counts['unacknowledged']} whose answer was "
        f"lost in a crash), {counts['entries']} journal entries in {len(slugs)} estate(s)"
    )
    return problems


def _check_estate_books(
    engine: Engine,
    env: dict[str, str],
    outcome: Outcome,
    slug: str,
    counts: Counter[str],
    *,
    cli: bool,
) -> list[str]:
    problems: list[str] = []
    acknowledged = {
        key: (code, receipt_no)
        for key, (paid_to, code, receipt_no) in outcome.acknowledged.items()
        if paid_to == slug
    }
    with make_session_factory(engine)() as s:
        estate_id = s.scalar(select(Estate.id).where(Estate.slug == slug))
        assert estate_id is not None
        receipts = {
            r.receipt_no: r
            for r in s.scalars(select(FeeReceipt).where(FeeReceipt.estate_id == estate_id))
        }
        codes = {hid: code for hid, code in s.execute(select(Household.id, Household.code))}
        keys = set(
            s.scalars(
                select(IdempotencyRecord.key).where(
                    IdempotencyRecord.scope == f"fees.payment:{estate_id}"
                )
            )
        )
        for key, (code, receipt_no) in acknowledged.items():
            receipt = receipts.get(receipt_no)
            if key not in keys:
                problems.append(f"acknowledged key {key} has no idempotency record")
            if receipt is None:
                problems.append(f"acknowledged {key}: receipt {receipt_no} not stored")
            elif codes.get(receipt.household_id) != code or receipt.amount != Decimal(AMOUNT):
                problems.append(f"acknowledged {key}: receipt {receipt_no} is for something else")
        answered = {r for _, r in acknowledged.values()}
        unacknowledged = set(receipts) - answered
        # a request whose answer was lost in a crash may be stored; it must be one of ours
        # and never stored twice: there are no more payments than keys
        payments = s.scalar(
            select(func.count()).select_from(FeePayment).where(FeePayment.estate_id == estate_id)
        )
        if payments != len(keys):
            problems.append(f"{payments} payments for {len(keys)} idempotency keys")
        # each payment's audit record commits with it (a retried key adds one more per answer)
        audited = s.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(
                AuditRecord.estate_id == estate_id,
                AuditRecord.action == "fees.record_payment",
                AuditRecord.outcome == "ok",
            )
        )
        if audited < payments:
            problems.append(f"{payments} payments but only {audited} audit records of one")
        numbers = sorted(r.number for r in receipts.values())
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append("receipt numbers are not gapless")
        entries = set(
            s.scalars(select(JournalEntry.seq).where(JournalEntry.estate_id == estate_id))
        )
        for receipt in receipts.values():
            if receipt.entry_seq not in entries:
                problems.append(f"receipt {receipt.receipt_no}: entry {receipt.entry_seq} missing")
        unreceipted = s.scalar(
            select(func.count())
            .select_from(FeePayment)
            .where(
                FeePayment.estate_id == estate_id,
                ~FeePayment.id.in_(select(FeeReceipt.payment_id)),
            )
        )
        if unreceipted:
            problems.append(f"{unreceipted} payments without a receipt")
        sums = s.execute(
            select(
                JournalEntry.seq,
                JournalEntry.kind,
                func.count(JournalPosting.id),
                func.coalesce(func.sum(JournalPosting.amount), 0),
            )
            .outerjoin(JournalPosting, JournalPosting.entry_id == JournalEntry.id)
            .where(JournalEntry.estate_id == estate_id)
            .group_by(JournalEntry.seq, JournalEntry.kind)
        ).all()
        for seq, kind, postings, total in sums:
            # account openings carry no postings; every other entry balances
            whole = (postings == 0 and kind == "open") or (postings >= 2 and total == 0)
            if not whole:
                problems.append(f"entry {seq} ({kind}): {postings} postings summing to {total}")
        counts["receipts"] += len(receipts)
        counts["unacknowledged"] += len(unacknowledged)
        counts["entries"] += len(entries)
        mirror = Path(env["TRUSTFUND_LEDGER_DIR"]) / f"{slug}.beancount"
        if not cli:
            report = check_estate(s, estate_id, mirror=mirror)
            problems += [f"ledger check: {p}" for p in report.problems]
            return problems
    exported = run_cli(env, "ledger", "export", slug)
    if exported.returncode != 0 or mirror.read_bytes() != exported.stdout:
        problems.append("the mirror differs from `trustfund ledger export` at the end")
    check = run_cli(env, "ledger", "check", slug)
    if check.returncode != 0:
        problems.append(
            f"trustfund ledger check failed: {check.stdout.decode()} {check.stderr.decode()}"
        )
    return problems


# --- the run --------------------------------------------------------------------------


def run(
    backend: str,
    *,
    rounds: int = 20,
    clients: int = 8,
    households: int = 400,
    estates: int = 1,
    server: str | None = None,
    seed_value: int | None = None,
    min_up: float = 0.2,
    max_up: float = 1.5,
) -> Report:
    rng = random.Random(seed_value)
    workdir = Path(tempfile.mkdtemp(prefix=f"tf-crash-{backend}-"))
    db = make_database(backend, workdir, server)
    engine = make_engine(db.url)
    try:
        codes, token = seed(engine, households, estates)
        slugs = sorted(codes)
        ledger_dir = workdir / "ledgers"
        env = {
            **os.environ,
            "TRUSTFUND_DATABASE_URL": db.url,
            "TRUSTFUND_LEDGER_DIR": str(ledger_dir),
            "TRUSTFUND_VAR_DIR": str(workdir / "var"),
            "TRUSTFUND_SECRET_KEY": "crash-test-secret",
            "BEANCOUNT_DISABLE_LOAD_CACHE": "1",
        }
        srv = Server(env, free_port(), workdir / "server.log")
        outcome = Outcome()
        up, done = threading.Event(), threading.Event()
        threads = [
            threading.Thread(
                target=client_loop,
                args=(n, srv.port, token, codes, clients, up, done, outcome),
            )
            for n in range(clients)
        ]
        for t in threads:
            t.start()
        stale = repaired = 0
        started = time.perf_counter()
        try:
            for _ in range(rounds):
                srv.start()
                repaired += mirror_equals_export(engine, ledger_dir, slugs)
                up.set()
                time.sleep(rng.uniform(min_up, max_up))
                srv.kill()
                up.clear()
                stale += not mirror_equals_export(engine, ledger_dir, slugs)
            srv.start()  # the last start-up repairs the mirror too
            repaired += mirror_equals_export(engine, ledger_dir, slugs)
        finally:
            done.set()
            up.set()
            for t in threads:
                t.join(timeout=60)
            srv.stop()
        seconds = time.perf_counter() - started
        problems = check_books(engine, env, outcome, slugs)
        problems += [f"client saw {e}" for e in outcome.errors[:20]]
        if repaired != rounds + 1:
            problems.append(
                f"mirror differs from the export after {rounds + 1 - repaired} start-ups"
            )
        with make_session_factory(engine)() as s:
            stored = s.scalar(select(func.count()).select_from(FeePayment)) or 0
            if len(slugs) > 1 and engine.dialect.name == "postgresql":
                # rows one transaction wrote share its xmin: the groups that were committed
                shared = s.execute(
                    text(
                        "SELECT count(*), coalesce(max(n), 0) FROM (SELECT count(DISTINCT "
                        "estate_id) AS n FROM fee_receipts GROUP BY xmin::text) AS t "
                        "WHERE n > 1"
                    )
                ).one()
                print(
                    f"  transactions that wrote receipts of several estates: {shared[0]} "
                    f"(the largest: {shared[1]} estates)"
                )
        return Report(
            backend,
            rounds,
            seconds,
            len(outcome.acknowledged),
            outcome.attempts,
            outcome.retries,
            outcome.replays,
            stored,
            stale,
            repaired,
            problems,
        )
    finally:
        engine.dispose()
        if db.drop:
            db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backend", choices=["sqlite", "postgres"])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--households", type=int, default=400, help="per estate")
    parser.add_argument(
        "--estates",
        type=int,
        default=1,
        help="pay into this many estates in turn (several: quiet estates' payments are "
        "written in groups)",
    )
    parser.add_argument("--server", default=os.environ.get("TRUSTFUND_BENCH_POSTGRES_URL"))
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    report = run(
        args.backend,
        rounds=args.rounds,
        clients=args.clients,
        households=args.households,
        estates=args.estates,
        server=args.server,
        seed_value=args.seed,
    )
    print(report.summary())
    for problem in report.problems:
        print("PROBLEM:", problem)
    raise SystemExit(1 if report.problems else 0)


if __name__ == "__main__":
    main()
