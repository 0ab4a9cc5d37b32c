"""Fee payments through the HTTP API: C concurrent clients, each POSTing payments (one
household each, with an Idempotency-Key) to a real uvicorn server; then the receipt numbers
are checked (gapless, unique), and on PostgreSQL ``pgbench -N`` on the same server gives the
ceiling. Also times importing P payments from one XLSX file (service call, one transaction).

    python bench/fees_payments.py postgres postgresql+psycopg://postgres@127.0.0.1/postgres
    python bench/fees_payments.py sqlite /tmp/fees-bench
    options: --clients 16 --payments 2000 --workers 2 --import-rows 5000
             --client wrk --seconds 20   (wrk as the load generator, see below)
             --sequential 300   (first 300 of the payments by one client, one at a time,
                                 then the rest by --clients; prints the ratio of the two)
             --warm-up 200      (first 200 payments by 4 clients, not measured)

The default client is Python (httpx, one thread per client), which spends a lot of the
machine's two cores itself. ``--client wrk`` drives the same requests from ``wrk`` (C, a
Lua script: each request pays 1.00 of one of ``--payments`` households' 2026 charge, in
turn, with its own Idempotency-Key) for ``--seconds``; latency percentiles are wrk's.
Either way the receipts are checked afterwards (gapless and unique, one per 201).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trustfund.auth.principal import Role
from trustfund.auth.tokens import issue_token
from trustfund.auth.users import create_user, grant_membership
from trustfund.db.migrate import upgrade
from trustfund.db.models.estates import (
    Building,
    Estate,
    Household,
    HouseholdOccupancy,
    Occupancy,
    Site,
)
from trustfund.db.models.fees import FeeReceipt
from trustfund.db.session import make_engine, make_session_factory
from trustfund.fees.charges import issue_charges
from trustfund.fees.imports import import_payments
from trustfund.fees.schedule import approve_schedule, save_schedule
from trustfund.fees.schemas import ComponentIn, ScheduleIn
from trustfund.journal.service import open_books

SCHEDULE = ScheduleIn(
    components=[
        ComponentIn(fund="electricity", name="公共电费", amount="50.00"),
        ComponentIn(fund="maintenance", name="公共设施维护", amount="90.00"),
        ComponentIn(fund="garbage", name="生活垃圾清运费", amount="60.00"),
    ],
    vacancy_rule="percent",
    vacancy_percent="50",
)


def seed(engine: Engine, slug: str, households: int) -> tuple[int, list[str], str]:
    """An estate with ``households`` households charged for 2026 and a steward token."""
    factory = make_session_factory(engine)
    with factory() as s:
        estate = Estate(slug=slug, name="压测小区", community="bench", street_office="")
        s.add(estate)
        s.flush()
        site = Site(estate_id=estate.id, code="S1", name="一区")
        s.add(site)
        s.flush()
        codes: list[str] = []
        per_building = 100
        for b in range((households + per_building - 1) // per_building):
            building = Building(estate_id=estate.id, site_id=site.id, number=str(b + 1))
            s.add(building)
            s.flush()
            for i in range(min(per_building, households - b * per_building)):
                code = f"H-{b:03d}{i:03d}"
                h = Household(
                    estate_id=estate.id,
                    building_id=building.id,
                    entrance="1",
                    room=str(101 + i),
                    code=code,
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
                codes.append(code)
        open_books(s, estate.id, on=date(2025, 1, 1))
        steward = create_user(s, f"steward-{slug}", "bench password 123", "管家")
        grant_membership(s, steward, Role.STEWARD, estate_id=estate.id)
        committee = create_user(s, f"committee-{slug}", "bench password 123", "业委会")
        token = issue_token(s, steward, "bench").plain
        s.commit()
        saved = save_schedule(s, estate.id, 2026, SCHEDULE, actor_user_id=steward.id)
        approve_schedule(
            s, estate.id, 2026, content_hash=saved.content_hash, actor_user_id=committee.id
        )
        issue_charges(s, estate.id, 2026)
        return estate.id, codes, token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(url: str, workers: int, var_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "TRUSTFUND_DATABASE_URL": url,
        "TRUSTFUND_VAR_DIR": str(var_dir),
        "TRUSTFUND_LEDGER_DIR": str(var_dir / "ledgers"),
        "TRUSTFUND_SECRET_KEY": "bench-secret",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "trustfund.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def process_cpu(pid: int | str) -> tuple[str, float]:
    """A process's name and its user + system CPU seconds (Linux /proc); raises OSError
    when it is gone."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    return name, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """User + system CPU time of every PostgreSQL process on this machine (its backends for
    the server's pooled connections live through a run; one that ends meanwhile is missed)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            name, seconds = process_cpu(entry)
        except OSError:
            continue
        if name.startswith("postgres"):
            total += seconds
    return total


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server process and its workers (Linux /proc)."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += process_cpu(current)[1]
            for task in os.listdir(f"/proc/{current}/task"):
                todo += map(int, Path(f"/proc/{current}/task/{task}/children").read_text().split())
        except OSError:
            continue
    return total


def run_clients(
    port: int, slug: str, token: str, codes: list[str], clients: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    chunks = [codes[i::clients] for i in range(clients)]
    url = f"http://127.0.0.1:{port}/api/v1/estates/{slug}/fees/payments"

    def client(mine: list[str]) -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            barrier.wait()
            for code in mine:
                body = {
                    "method": "wechat",
                    "amount": "200.00",
                    "paid_on": "2026-03-01",
                    "allocations": [{"household_code": code, "fee_year": 2026, "amount": "200.00"}],
                }
                t = time.perf_counter()
                r = http.post(url, json=body, headers={"Idempotency-Key": f"bench-{code}"})
                dt = time.perf_counter() - t
                with lock:
                    latencies.append(dt)
                    if r.status_code != 201:
                        errors.append(f"{r.status_code} {r.text[:200]}")

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, chunks))
    elapsed = time.perf_counter() - start
    latencies.sort()
    if errors:
        print("errors:", len(errors), errors[:3])
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


WRK_TALLY = """
-- The part every bench/ wrk script shares (run_wrk_script puts it before the script's own
-- request()): setup() numbers the threads (tid 0, 1, …); each thread counts the responses
-- other than 201, keeps the first of them, and counts what its request() names with
-- count(name); done() prints the sums, one "tf-wrk NAME N" line each.
local threads = {}
tally = {non201 = 0}
sample = ""
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function count(name)
  tally[name] = (tally[name] or 0) + 1
end
function response(status, headers, body)
  if status ~= 201 then
    tally.non201 = tally.non201 + 1
    if sample == "" then sample = status .. " " .. body:sub(1, 200):gsub("%s+", " ") end
  end
end
function done(summary, latency, requests)
  local sums, first = {}, ""
  for _, thread in ipairs(threads) do
    for name, n in pairs(thread:get("tally")) do sums[name] = (sums[name] or 0) + n end
    if first == "" then first = thread:get("sample") end
  end
  for name, n in pairs(sums) do io.write("tf-wrk ", name, " ", n, "\\n") end
  io.write("tf-wrk-sample ", first, "\\n")
end
"""


def run_wrk_script(
    port: int, script: str, clients: int, seconds: float, threads: int = 2
) -> dict[str, Any]:
    """wrk (``threads`` threads, ``clients`` connections, ``--latency``, 120 s timeout like the
    Python clients') for ``seconds`` (whole, at least 1) with the Lua ``script`` after
    WRK_TALLY. Errors are the responses other than 201 plus wrk's socket errors; p50/p99 are
    wrk's; ``tally`` holds the sums of what the script counted (``sent``, …)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", prefix="tf-bench-", suffix=".lua") as lua:
        lua.write(WRK_TALLY + script)
        lua.flush()
        args = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{max(1, round(seconds))}s"]
        args += ["--timeout", "120s", "--latency", "-s", lua.name, f"http://127.0.0.1:{port}"]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        found = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        if not found:
            return float("nan")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    done = re.search(r"(\d+) requests in ([\d.]+)s", out)
    assert done, out
    requests, elapsed = int(done.group(1)), float(done.group(2))
    tally = {name: int(n) for name, n in re.findall(r"^tf-wrk (\w+) (\d+)$", out, re.M)}
    sample = re.search(r"^tf-wrk-sample (.*)$", out, re.M)
    broken = re.search(r"Socket errors: (.*)", out)
    failed = sum(map(int, re.findall(r"\d+", broken.group(1)))) if broken else 0
    return {
        "requests": requests,
        "errors": tally["non201"] + failed,
        "error_sample": [x for x in (sample and sample.group(1), broken and broken.group(0)) if x],
        "seconds": elapsed,
        "per_second": requests / elapsed,
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "tally": tally,
    }


WRK_SCRIPT = """
local codes = {%(codes)s}
local counter = 0
function request()
  counter = counter + 1
  local i = ((counter - 1) * %(threads)d + tid) %% #codes + 1
  local body = '{"method":"wechat","amount":"1.00","paid_on":"2026-03-01",' ..
    '"allocations":[{"household_code":"' .. codes[i] .. '","fee_year":2026,"amount":"1.00"}]}'
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer %(token)s",
    ["Idempotency-Key"] = "wrk-" .. tid .. "-" .. counter,
  }, body)
end
"""


def run_wrk(
    port: int, slug: str, token: str, codes: list[str], clients: int, seconds: int
) -> dict[str, Any]:
    """Payments driven by wrk (2 threads, ``clients`` connections) for ``seconds``: each
    request pays 1.00 of the next household's charge, in turn."""
    threads = 2
    script = WRK_SCRIPT % {
        "codes": ",".join(f'"{code}"' for code in codes),
        "threads": threads,
        "path": f"/api/v1/estates/{slug}/fees/payments",
        "token": token,
    }
    stats = run_wrk_script(port, script, clients, seconds, threads)
    if stats["errors"]:
        print("errors:", stats["errors"], stats["error_sample"])
    return stats


def check_receipts(engine: Engine, estate_id: int, answered: int) -> str:
    """Receipt numbers are 1..N without gaps or repeats, and every 201 has one (N may exceed
    the 201s counted by wrk by the requests still in flight when it stopped)."""
    with make_session_factory(engine)() as s:
        numbers = sorted(
            s.scalars(select(FeeReceipt.number).where(FeeReceipt.estate_id == estate_id))
        )
    ok = numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= answered
    return f"{len(numbers)} receipts for {answered} answered payments; gapless and unique: {ok}"


def time_import(engine: Engine, rows: int) -> str:
    from openpyxl import Workbook

    estate_id, codes, _ = seed(engine, f"imp{uuid.uuid4().hex[:6]}", rows)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["户号", "年度", "金额", "方式", "日期"])
    for i, code in enumerate(codes):
        ws.append([code, 2026, 200, ("现金", "微信", "支付宝", "银行转账")[i % 4], "2026-03-01"])
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    with make_session_factory(engine)() as s:
        t = time.perf_counter()
        result, _ = import_payments(
            s, estate_id, data, "p.xlsx", actor_user_id=None, idempotency_key=None
        )
        dt = time.perf_counter() - t
    return f"import {result['payments']} payments from XLSX ({len(data)} bytes): {dt:.1f} s"


def pgbench(server: str, clients: int) -> str:
    name = f"tf_pgbench_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    u = make_url(server)
    args = ["-h", u.host or "127.0.0.1", "-U", u.username or "postgres", name]
    subprocess.run(["pgbench", "-i", "-q", "-s", "1", *args], check=True, capture_output=True)
    out = subprocess.run(
        ["pgbench", "-N", "-c", str(clients), "-j", "2", "-T", "10", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    tps = re.search(r"tps = ([\d.]+)", out)
    lat = re.search(r"latency average = ([\d.]+) ms", out)
    return f"pgbench -N -c {clients} -j 2 -T 10: {tps.group(1) if tps else '?'} tps, latency average {lat.group(1) if lat else '?'} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", choices=["postgres", "sqlite"])
    parser.add_argument("target", help="PostgreSQL server URL, or a directory for SQLite")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--payments", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--client", choices=["python", "wrk"], default="python")
    parser.add_argument("--seconds", type=int, default=20, help="wrk only: how long")
    parser.add_argument(
        "--sequential", type=int, default=0, help="first N payments by one client in turn"
    )
    parser.add_argument(
        "--warm-up",
        type=int,
        default=0,
        help="before anything is measured, N payments by 4 clients (caches, pool, prepared "
        "statements warm)",
    )
    args = parser.parse_args()
    if args.backend == "postgres":
        name = f"tf_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.target, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.target).set(database=name).render_as_string(hide_password=False)
        var_dir = Path(f"/tmp/{name}")
    else:
        var_dir = Path(args.target)
        shutil.rmtree(var_dir, ignore_errors=True)
        var_dir.mkdir(parents=True)
        url = f"sqlite:///{var_dir / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    estate_id, codes, token = seed(engine, "bench", args.payments)
    proc, port = serve(url, args.workers, var_dir)
    try:
        alone = warm = None
        if args.warm_up:
            warm = run_clients(port, "bench", token, codes[: args.warm_up], 4)
            codes = codes[args.warm_up :]
        if args.sequential:
            alone_cpu = server_cpu_seconds(proc.pid)
            alone = run_clients(port, "bench", token, codes[: args.sequential], 1)
            alone["cpu_ms"] = (server_cpu_seconds(proc.pid) - alone_cpu) * 1000 / args.sequential
            codes = codes[args.sequential :]
        cpu = server_cpu_seconds(proc.pid)
        if args.client == "wrk":
            stats = run_wrk(port, "bench", token, codes, args.clients, args.seconds)
        else:
            stats = run_clients(port, "bench", token, codes, args.clients)
        cpu = server_cpu_seconds(proc.pid) - cpu
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(
        f"{args.backend}: {stats['requests']} payments by {args.clients} {args.client} clients "
        f"({args.workers} uvicorn workers) in {stats['seconds']:.1f} s: "
        f"{stats['per_second']:.0f}/s, p50 {stats['p50_ms']:.0f} ms, p99 {stats['p99_ms']:.0f} ms, "
        f"errors {stats['errors']}; server CPU {cpu * 1000 / max(1, stats['requests']):.1f} ms "
        f"per payment; load average {os.getloadavg()[0]:.1f}"
    )
    if alone is not None:
        print(
            f"sequential, 1 client, same server before: {alone['requests']} payments, "
            f"{alone['per_second']:.0f}/s, p50 {alone['p50_ms']:.1f} ms, p99 "
            f"{alone['p99_ms']:.1f} ms, server CPU {alone['cpu_ms']:.1f} ms per payment; "
            f"{args.clients} clients / sequential = "
            f"{stats['per_second'] / alone['per_second']:.2f}"
        )
        stats["requests"] += alone["requests"]
        stats["errors"] += alone["errors"]
    if warm is not None:
        stats["requests"] += warm["requests"]
        stats["errors"] += warm["errors"]
    print(check_receipts(engine, estate_id, int(stats["requests"] - stats["errors"])))
    if args.import_rows:
        print(time_import(engine, args.import_rows))
    if args.backend == "postgres":
        print(pgbench(args.target, args.clients))
    engine.dispose()
    if args.backend == "postgres":  # the benchmark's database is not kept
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
