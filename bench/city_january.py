"""A city's January (issue 19): 600 estates × 2,000 households, every household charged
200.00 for 2026, stewards paying over HTTP into random estates while one hot estate takes a
quarter of the payments; ``pgbench -N`` on the same PostgreSQL server in the same run.

Set-up is a benchmark fixture, not the product's way in: estates, households, occupancies
and books come from ``bench/memory_estates.generate`` (bulk INSERTs, ``open_books`` per
estate); schedules (approved), components, charges and charge lines are bulk SQL (``INSERT
… SELECT``); one steward per estate with an API token is inserted in bulk (one password
hash computed once). The payments themselves go through HTTP to ``trustfund serve
--workers W``: C client threads (``http.client``, one keep-alive connection each, so the
load generator spends little of the two cores) post 1.00 to one household's 2026 charge
with their own ``Idempotency-Key`` for ``--seconds``; a quarter go to the hot estate.
``--client wrk`` posts the same from ``wrk`` (C; ``apt-get install wrk``), C connections
on two threads for whole ``--seconds``: its Lua script picks per request the estate (a
quarter the hot one), that estate's steward token and a random household (codes follow
``memory_estates.HOUSEHOLD_CODE``, so none are listed), with a unique Idempotency-Key.

Reported per (workers, clients): payments/s, p50/p99 (wrk's ``--latency`` with wrk), errors
(answers other than 201; with wrk also its socket errors), the server's CPU time per
payment (user + system of the uvicorn processes from ``/proc``; ``perf stat`` instructions
when the VM exposes the counter), PostgreSQL's CPU time per payment (every ``postgres``
process on the machine), the load average before and after; then receipts are
checked (per estate 1..N gapless; one per 201, plus at most one per connection that wrk
stopped waiting for) and ``pgbench -N -c C -j 2 -T 10`` runs on the same server.

    python bench/city_january.py postgresql+psycopg://postgres@127.0.0.1/postgres
    options: --estates 600 --households 2000 --workers 1,2 --clients 16,64 --seconds 20
             --client python|wrk (load generator)
             --warm-up SECONDS (the same load first, not measured: warm per-estate caches)
             --database NAME (reuse a kept database; never dropped) --keep (keep the new one)
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fees_payments import pgbench, postgres_cpu_seconds, run_wrk_script, server_cpu_seconds
from memory_estates import HOUSEHOLD_CODE, free_port, generate

from trustfund.auth.passwords import hash_password
from trustfund.db.base import utcnow
from trustfund.db.migrate import upgrade
from trustfund.db.models.auth import ApiToken, Membership, User
from trustfund.db.models.estates import Estate
from trustfund.db.session import make_engine

TRUSTFUND = str(Path(sys.executable).with_name("trustfund"))
FUNDS = (("electricity", "公共电费", "50.00"), ("maintenance", "公共设施维护", "90.00"),
         ("garbage", "生活垃圾清运费", "60.00"))  # fmt: skip


def charge(engine: Engine) -> float:
    """An approved 2026 schedule per estate and every household charged 200.00, in bulk."""
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO fee_schedules (estate_id, fee_year, status, vacancy_rule, "
                "vacancy_percent, content_hash, submitted_at, approved_at, approved_hash) "
                "SELECT id, 2026, 'approved', 'percent', 50, 'bench', :now, :now, 'bench' "
                "FROM estates WHERE slug LIKE 'm%'"
            ),
            {"now": utcnow()},
        )
        for position, (fund, name, amount) in enumerate(FUNDS):
            conn.execute(
                text(
                    "INSERT INTO fee_components (schedule_id, position, fund, name, amount, "
                    "vacant_amount) SELECT id, :position, :fund, :name, CAST(:amount AS NUMERIC(14, 2)), CAST(:half AS NUMERIC(14, 2)) "
                    "FROM fee_schedules WHERE fee_year = 2026"
                ),
                {
                    "position": position,
                    "fund": fund,
                    "name": name,
                    "amount": amount,
                    "half": str(Decimal(amount) / 2),
                },
            )
        conn.execute(
            text(
                "INSERT INTO fee_charges (estate_id, schedule_id, household_id, fee_year, "
                "vacant, occupancy_date, amount, created_at) "
                "SELECT h.estate_id, s.id, h.id, 2026, :no, :on, 200, :now FROM households h "
                "JOIN fee_schedules s ON s.estate_id = h.estate_id AND s.fee_year = 2026"
            ),
            {"no": False, "on": "2026-01-01", "now": utcnow()},
        )
        for fund, _, amount in FUNDS:
            conn.execute(
                text(
                    "INSERT INTO fee_charge_lines (charge_id, fund, amount) "
                    "SELECT id, :fund, CAST(:amount AS NUMERIC(14, 2)) FROM fee_charges WHERE fee_year = 2026"
                ),
                {"fund": fund, "amount": amount},
            )
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return time.perf_counter() - started


def stewards(engine: Engine) -> dict[str, str]:
    """A steward per estate (created once) and a fresh API token each: {slug: token}."""
    with engine.begin() as conn:
        ids = {
            slug: estate_id
            for slug, estate_id in conn.execute(
                select(Estate.slug, Estate.id).where(Estate.slug.like("m%"))
            )
        }
        have = set(conn.scalars(select(User.username).where(User.username.like("steward-m%"))))
        password = hash_password("bench password 123")
        new = [slug for slug in ids if f"steward-{slug}" not in have]
        if new:
            conn.execute(
                insert(User),
                [
                    {
                        "username": f"steward-{slug}",
                        "display_name": "管家",
                        "password_hash": password,
                        "is_admin": False,
                        "is_active": True,
                        "created_at": utcnow(),
                    }
                    for slug in new
                ],
            )
        users = {
            username: user_id
            for username, user_id in conn.execute(
                select(User.username, User.id).where(User.username.like("steward-m%"))
            )
        }
        if new:
            conn.execute(
                insert(Membership),
                [
                    {
                        "user_id": users[f"steward-{slug}"],
                        "role": "steward",
                        "estate_id": ids[slug],
                        "created_at": utcnow(),
                    }
                    for slug in new
                ],
            )
        tokens = {slug: f"tf_{secrets.token_urlsafe(32)}" for slug in ids}
        conn.execute(
            insert(ApiToken),
            [
                {
                    "user_id": users[f"steward-{slug}"],
                    "name": "city bench",
                    "token_hash": hashlib.sha256(plain.encode()).hexdigest(),
                    "prefix": plain[:8],
                    "created_at": utcnow(),
                }
                for slug, plain in tokens.items()
            ],
        )
    return tokens


def serve(url: str, workers: int, workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "TRUSTFUND_DATABASE_URL": url,
        "TRUSTFUND_LEDGER_DIR": str(workdir / "ledgers"),
        "TRUSTFUND_VAR_DIR": str(workdir / "var"),
        "TRUSTFUND_SECRET_KEY": "city-bench",
    }
    log = (workdir / f"server-{port}.log").open("wb")
    proc = subprocess.Popen(
        [TRUSTFUND, "serve", "--no-upgrade", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    started = time.perf_counter()
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
            pass
        if proc.poll() is not None or time.perf_counter() - started > 600:
            raise SystemExit("server did not start")
        time.sleep(0.3)


def perf_instructions(pids: list[int], seconds: float) -> subprocess.Popen[str] | None:
    """``perf stat -e instructions`` on the server for ``seconds``, if the counter exists."""
    if shutil.which("perf") is None:
        return None
    probe = subprocess.run(
        ["perf", "stat", "-x,", "-e", "instructions", "true"], capture_output=True, text=True
    )
    if "not supported" in probe.stderr or probe.returncode != 0:
        return None
    return subprocess.Popen(
        [
            "perf",
            "stat",
            "-x,",
            "-e",
            "instructions",
            "-p",
            ",".join(map(str, pids)),
            "--",
            "sleep",
            str(seconds),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )


def server_pids(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                todo += map(int, Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except OSError:
            continue
    return found


def payment(code: str) -> str:
    """The body a steward posts: 1.00 of household ``code``'s 2026 charge (JSON)."""
    return json.dumps(
        {
            "method": "wechat",
            "amount": "1.00",
            "paid_on": "2026-01-15",
            "allocations": [{"household_code": code, "fee_year": 2026, "amount": "1.00"}],
        }
    )


WRK_CITY = """
local slugs = {%(slugs)s}
local tokens = {%(tokens)s}
local counter = 0
function init(args)
  math.randomseed(%(seed)d * 1000 + tid)
end
function request()
  local i
  if math.random() < 0.25 then i = %(hot)d else i = math.random(#slugs) end
  count("sent")
  if i == %(hot)d then count("hot") end
  counter = counter + 1
  local code = string.format(%(code)s, slugs[i], math.random(0, %(households)d - 1))
  return wrk.format("POST", "/api/v1/estates/" .. slugs[i] .. "/fees/payments", {
    ["Authorization"] = "Bearer " .. tokens[i],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "city-%(run)s-" .. tid .. "-" .. counter,
  }, %(before)s .. code .. %(after)s)
end
"""


def load(
    port: int,
    tokens: dict[str, str],
    households: int,
    clients: int,
    seconds: float,
    hot: str,
    rng_seed: int,
    client: str = "python",
) -> dict[str, Any]:
    """C clients pay for ``seconds``; a quarter of the payments go to ``hot``. With ``client``
    "wrk" the same payments (estate, its steward's token, household, body, Idempotency-Key
    chosen per request by WRK_CITY) come from wrk, for whole seconds."""
    slugs = sorted(tokens)
    if client == "wrk":
        before, after = payment("@code@").split("@code@")
        lua = json.dumps  # ASCII strings: a JSON string literal is a Lua one
        script = WRK_CITY % {
            "slugs": ",".join(lua(slug) for slug in slugs),
            "tokens": ",".join(lua(tokens[slug]) for slug in slugs),
            "hot": slugs.index(hot) + 1,
            "households": households,
            # a new draw every run: a kept database paid the same households run after
            # run, until they owed nothing and their payments were refused (422)
            "seed": rng_seed * 1_000_003 + random.randrange(1_000_000),
            "code": lua(HOUSEHOLD_CODE),
            "run": uuid.uuid4().hex[:6],
            "before": lua(before),
            "after": lua(after),
        }
        stats = run_wrk_script(port, script, clients, seconds, threads=min(2, clients))
        tally = stats.pop("tally")
        return {
            **stats,
            "answered": stats["requests"] - tally["non201"],
            "in_flight": clients,
            "hot_share": tally.get("hot", 0) / max(1, tally.get("sent", 0)),
        }
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    to_hot = [0] * clients
    stop = time.perf_counter() + seconds
    barrier = threading.Barrier(clients)
    run = uuid.uuid4().hex[:6]

    def worker(n: int) -> None:
        rng = random.Random(f"{rng_seed}-{run}-{n}")  # a new draw every run, as above
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        count = 0
        while time.perf_counter() < stop:
            slug = hot if rng.random() < 0.25 else rng.choice(slugs)
            to_hot[n] += slug == hot
            body = payment(HOUSEHOLD_CODE % (slug, rng.randrange(households)))
            count += 1
            started = time.perf_counter()
            conn.request(
                "POST",
                f"/api/v1/estates/{slug}/fees/payments",
                body=body,
                headers={
                    "Authorization": f"Bearer {tokens[slug]}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"city-{run}-{n}-{count}",
                },
            )
            response = conn.getresponse()
            answer = response.read()
            latencies[n].append(time.perf_counter() - started)
            if response.status != 201:
                errors.append(f"{response.status} {answer[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    flat = sorted(x for xs in latencies for x in xs)
    return {
        "requests": len(flat),
        "errors": len(errors),
        "answered": len(flat) - len(errors),
        "in_flight": 0,
        "error_sample": errors[:3],
        "seconds": elapsed,
        "per_second": len(flat) / elapsed,
        "p50_ms": statistics.median(flat) * 1000,
        "p99_ms": flat[max(0, int(len(flat) * 0.99) - 1)] * 1000,
        "hot_share": sum(to_hot) / max(1, len(flat)),
    }


def receipts(engine: Engine) -> list[tuple[int, int, int, int]]:
    """Per estate: estate_id, receipts of 2026, distinct numbers, the highest number."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT estate_id, count(*), count(DISTINCT number), max(number) "
                "FROM fee_receipts WHERE year = 2026 GROUP BY estate_id"
            )
        ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def check_receipts(engine: Engine, since: int, answered: int, in_flight: int) -> str:
    """Per estate, receipt numbers 1..N of 2026 without gaps or repeats; the receipts made
    since there were ``since`` are one per 201, plus at most ``in_flight`` for requests wrk
    stopped waiting for (the Python clients wait for every answer)."""
    rows = receipts(engine)
    bad = [r for r in rows if not (r[1] == r[2] == r[3])]
    total = sum(r[1] for r in rows)
    new = total - since
    ok = not bad and answered <= new <= answered + in_flight
    return (
        f"{new} new receipts for {answered} payments answered 201 ({total} in {len(rows)} "
        f"estates); gapless and unique in every estate, one per 201: {ok}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("server", help="PostgreSQL server URL (a database is created on it)")
    parser.add_argument("--database", default="", help="reuse this kept database (never dropped)")
    parser.add_argument("--keep", action="store_true", help="keep the database this run creates")
    parser.add_argument("--estates", type=int, default=600)
    parser.add_argument(
        "--households",
        type=int,
        default=2000,
        help="per estate; with --database the number it was built with (payments pick codes "
        "0..N-1)",
    )
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--clients", default="16,64")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--warm-up",
        type=float,
        default=0,
        help="seconds of the same load, not measured, before each measured run: a server's "
        "workers start with cold per-estate caches (accounts opened, the ledger file's tail), "
        "which a long-running server has long filled",
    )
    parser.add_argument(
        "--client",
        choices=["python", "wrk"],
        default="python",
        help="load generator: Python threads (http.client) or wrk (C + Lua; apt-get install "
        "wrk; whole --seconds)",
    )
    args = parser.parse_args()
    admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
    name = args.database or f"tf_city_{uuid.uuid4().hex[:8]}"
    if not args.database:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
    workdir = Path(tempfile.mkdtemp(prefix="tf-city-"))
    try:
        engine = make_engine(url)
        upgrade(engine)
        if not args.database:
            made = generate(engine, args.estates, args.households)
            charged = charge(engine)
            print(
                f"set-up: {args.estates} estates × {args.households} households generated in "
                f"{made:.0f} s, charged in {charged:.0f} s"
            )
        tokens = stewards(engine)
        hot = sorted(tokens)[0]
        print(f"{len(tokens)} estates; hot estate {hot} takes a quarter of the payments")
        for workers in [int(w) for w in args.workers.split(",")]:
            since = sum(r[1] for r in receipts(engine))
            answered = in_flight = 0
            proc, port = serve(url, workers, workdir)
            try:
                for clients in [int(c) for c in args.clients.split(",")]:
                    if args.warm_up:
                        warm = load(
                            port, tokens, args.households, clients, args.warm_up, hot, 5,
                            args.client,
                        )  # fmt: skip
                        answered += warm["answered"]
                        in_flight += warm["in_flight"]
                    before = os.getloadavg()[0]
                    pids = server_pids(proc.pid)
                    perf = perf_instructions(pids, args.seconds)
                    cpu, pg_cpu = server_cpu_seconds(proc.pid), postgres_cpu_seconds()
                    stats = load(
                        port, tokens, args.households, clients, args.seconds, hot, 7, args.client
                    )
                    cpu = server_cpu_seconds(proc.pid) - cpu
                    pg_cpu = postgres_cpu_seconds() - pg_cpu
                    answered += stats["answered"]
                    in_flight += stats["in_flight"]
                    per = stats["requests"] or 1
                    instructions = ""
                    if perf is not None:
                        _, err = perf.communicate()
                        value = err.strip().split(",")[0]
                        if value.isdigit():
                            instructions = f", {int(value) / per / 1e6:.1f} M instructions"
                    print(
                        f"workers {workers}, {clients} {args.client} clients, "
                        f"{stats['seconds']:.1f} s: "
                        f"{stats['requests']} payments ({stats['hot_share']:.0%} to the hot "
                        f"estate), {stats['per_second']:.0f}/s, p50 {stats['p50_ms']:.0f} ms, "
                        f"p99 {stats['p99_ms']:.0f} ms, errors {stats['errors']} "
                        f"{stats['error_sample'] or ''}; server CPU "
                        f"{cpu * 1000 / per:.1f} ms/payment{instructions}, PostgreSQL CPU "
                        f"{pg_cpu * 1000 / per:.1f} ms/payment; load average "
                        f"{before:.1f} → {os.getloadavg()[0]:.1f}"
                    )
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:  # a loaded machine: uvicorn's shutdown
                    for pid in reversed(server_pids(proc.pid)):  # the workers, then it
                        os.kill(pid, signal.SIGKILL)
                    proc.wait(timeout=30)
            print(check_receipts(engine, since, answered, in_flight))
        for clients in [int(c) for c in args.clients.split(",")]:
            print(pgbench(args.server, clients) + f"; load average {os.getloadavg()[0]:.1f}")
        engine.dispose()
    finally:
        if args.keep or args.database:  # a database given by name is never dropped
            print(f"kept database {name} (reuse with --database {name})")
        else:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        for log in workdir.glob("server-*.log"):  # errors the server logged, if any
            errors = [
                line for line in log.read_text(errors="replace").splitlines() if "rror" in line
            ]
            if errors:
                print(f"{log.name}: {len(errors)} error lines, e.g. {errors[-1][:300]}")
            redone = [  # groups (or batches) rolled back and written estate by estate
                line
                for line in log.read_text(errors="replace").splitlines()
                if "written in smaller transactions" in line
            ]
            if redone:
                print(f"{log.name}: {len(redone)} rolled back, e.g. {redone[-1][:300]}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
