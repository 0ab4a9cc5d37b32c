"""Instructions one lone payment costs the server (issue 19: "server CPU per payment not above
15 M instructions"), counted by valgrind's callgrind: a count, not a time, so it repeats
whatever else the two cores are doing (``perf stat -e instructions`` is ``<not supported>``
on this VM).

The server (``uvicorn``, one worker, the app factory of the code tree measured) runs under
``valgrind --tool=callgrind`` on a fresh database (an estate seeded by
``bench/fees_payments.seed``); one client posts 20 payments to warm it up, the counters are
dumped and zeroed (``callgrind_control -d``), the client posts ``--payments`` more, one at a
time, each its own household and ``Idempotency-Key``, and a second dump then holds exactly
the instructions the server spent on them (plus its idle event loop between them). Each is a
payment alone — a batch of one, the path of a city's many estates. On PostgreSQL only the
application's process is counted, not the database server's.

``--compare TREE`` measures another checkout the same way in the same run (e.g. main before a
change: ``git worktree add --detach /tmp/base main``) and prints new / old.

    python bench/payment_instructions.py sqlite [--payments 40] [--compare /tmp/base]
    python bench/payment_instructions.py postgres [--server postgresql+psycopg://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
WARM_UP = 20


def measure(tree: Path, backend: str, server: str, payments: int) -> float:
    """Millions of instructions per payment of the server built from ``tree`` (run in a
    child process whose imports come from ``tree``)."""
    command = [sys.executable, __file__, "--child", str(tree), backend, "--server", server]
    command += ["--payments", str(payments)]
    out = subprocess.run(
        command,
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd=tree,  # ``python -m`` puts the working directory first on sys.path
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:  # the child's own error, not only its exit status
        raise SystemExit(f"measuring {tree} failed:\n{out.stderr[-3000:]}")
    return float(json.loads(out.stdout.strip().splitlines()[-1])["m_instructions"])


def child(tree: Path, backend: str, server: str, payments: int) -> None:
    sys.path[:0] = [str(tree), str(tree / "bench")]
    from fees_payments import free_port, seed
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from trustfund.db.migrate import upgrade
    from trustfund.db.session import make_engine

    work = Path(tempfile.mkdtemp(prefix="tf-instr-"))
    database = ""
    if backend == "postgres":
        database = f"tf_instr_{uuid.uuid4().hex[:8]}"
        with create_engine(server, isolation_level="AUTOCOMMIT").connect() as c:
            c.execute(text(f'CREATE DATABASE "{database}"'))
        url = make_url(server).set(database=database).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{work / 'instr.db'}"
    engine = make_engine(url)
    upgrade(engine)
    _, codes, token = seed(engine, "instr", WARM_UP + payments)
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "TRUSTFUND_DATABASE_URL": url,
        "TRUSTFUND_VAR_DIR": str(work),
        "TRUSTFUND_LEDGER_DIR": str(work / "ledgers"),
        "TRUSTFUND_SECRET_KEY": "bench-secret",
    }
    server_cmd = [sys.executable, "-m", "uvicorn", "--factory", "trustfund.app:create_app"]
    server_cmd += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={work}/cg.%p", *server_cmd],
        env=env,
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/health")
                probe.getresponse().read()
                break
            except OSError:
                time.sleep(0.5)
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

        def pay(code: str, key: str) -> None:
            body = {
                "method": "wechat",
                "amount": "1.00",
                "paid_on": "2026-03-01",
                "allocations": [{"household_code": code, "fee_year": 2026, "amount": "1.00"}],
            }
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            client.request(
                "POST",
                "/api/v1/estates/instr/fees/payments",
                body=json.dumps(body),
                headers={**headers, "Idempotency-Key": key},
            )
            answer = client.getresponse()
            answer.read()
            if answer.status != 201:
                raise SystemExit(f"payment answered {answer.status}")

        def dump() -> set[str]:
            subprocess.run(["callgrind_control", "-d", str(proc.pid)], capture_output=True)
            time.sleep(1)
            return set(glob.glob(f"{work}/cg.*"))

        for i in range(WARM_UP):
            pay(codes[i], f"warm-{i}")
        before = dump()
        for i in range(payments):
            pay(codes[WARM_UP + i], f"measured-{i}")
        measured = dump() - before
        instructions = 0
        for name in measured:
            for line in Path(name).read_text().splitlines():
                if line.startswith("summary:"):
                    instructions += int(line.split()[1])
        print(json.dumps({"m_instructions": instructions / payments / 1e6}))
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)
        if database:
            with create_engine(server, isolation_level="AUTOCOMMIT").connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backend", choices=["postgres", "sqlite"])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1/postgres")
    parser.add_argument("--payments", type=int, default=40)
    parser.add_argument("--compare", type=Path, help="another code tree, measured in this run")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.backend, args.server, args.payments)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("needs valgrind (apt-get install valgrind)")
    new = measure(HERE, args.backend, args.server, args.payments)
    line = f"{args.backend}: {new:.2f} M instructions per lone payment (server, {args.payments})"
    if args.compare:
        old = measure(args.compare.resolve(), args.backend, args.server, args.payments)
        line += f"; {args.compare}: {old:.2f} M; new / old = {new / old:.3f}"
    print(line)


if __name__ == "__main__":
    main()
