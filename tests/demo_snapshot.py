"""The demo's published outputs, byte for byte (issue 15 item 5): a guard for refactors.

The demo estate is built from an empty database through the command line (``trustfund demo``)
with the clock held at ``PINNED`` (the demo adds every event dated before "today", so an
unpinned demo grows by a day each day), then read only through public interfaces:

- the ledger export (``trustfund ledger export youhe``; the public ledger file must be the
  same bytes);
- every published disclosure: the stored statement data and HTML (their sha256 as the public
  API reports them: ``json_sha256``, ``html_sha256``), its CSV, and its public page;
- the residents' pages (home, estate, verify), a valid, a voided and an unknown receipt's
  page, the sign-in page (with and without a refused password) and the supervisor's page
  (its per-session CSRF token masked).

The sha256 of each is compared with ``tests/data/demo_snapshot.sha256``. A refactor must
leave them all unchanged; a change that means to alter an output records the new hashes in
the same commit (and says why):

    .venv/bin/python -m tests.demo_snapshot            # build in a temporary SQLite, compare
    .venv/bin/python -m tests.demo_snapshot --record   # rewrite the recorded hashes
    .venv/bin/python -m tests.demo_snapshot --database-url postgresql+psycopg://…/empty_db

The same hashes hold on both backends: ``tests/integration/test_demo_snapshot.py`` runs the
comparison on SQLite and on PostgreSQL. The PDFs are left out on purpose: their bytes follow
the installed fonts and WeasyPrint, not our code.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import time_machine
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import Engine

from trustfund.app import create_app
from trustfund.cli import main as cli_main
from trustfund.db.migrate import upgrade
from trustfund.db.session import make_engine
from trustfund.settings import Settings

#: "Now" for the whole build and every read: 6 December 2026, 12:00 UTC (20:00 in Shanghai),
#: so the demo's books run to 5 December — and it is the 6th in nearly every time zone the
#: machine may be set to (``date.today()`` follows the machine's). The clock does not move
#: (``tick=False``): timestamps such as ``published_at`` are the same on every run too.
PINNED = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
RECORDED = Path(__file__).resolve().parent / "data" / "demo_snapshot.sha256"
SLUG = "youhe"
PUBLIC = f"/api/v1/public/estates/{SLUG}"
PAGES = {
    "page/home.html": "/",
    "page/estate.html": f"/e/{SLUG}",
    "page/verify.html": f"/e/{SLUG}/verify",
    "page/receipt-valid.html": f"/r/{SLUG}/2026-000001",
    "page/receipt-void.html": f"/r/{SLUG}/2026-001064",
    "page/receipt-unknown.html": f"/r/{SLUG}/2026-999999",
    "page/login.html": "/login",
    "page/login-next.html": "/login?next=/staff/youhe",
}
DEMO_PASSWORD = "demo-password"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_demo(settings: Settings) -> None:
    """``trustfund demo`` on ``settings``' database (the clock must already be pinned)."""
    result = _cli(settings).invoke(cli_main, ["demo"])
    if result.exit_code != 0:
        raise RuntimeError(f"trustfund demo failed: {result.output}") from result.exception


def _cli(settings: Settings) -> CliRunner:
    return CliRunner(
        env={
            "TRUSTFUND_DATABASE_URL": settings.database_url,
            "TRUSTFUND_VAR_DIR": str(settings.var_dir),
            "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir),
            "TRUSTFUND_SECRET_KEY": settings.secret_key or "",
        }
    )


def read_outputs(settings: Settings, engine: Engine) -> dict[str, str]:
    """sha256 of every output named in the module's docstring, by a stable name."""
    found: dict[str, str] = {}
    export = _cli(settings).invoke(cli_main, ["ledger", "export", SLUG])
    if export.exit_code != 0:
        raise RuntimeError(f"trustfund ledger export failed: {export.output}")
    found["ledger/export.beancount"] = sha256(export.stdout_bytes)
    with TestClient(create_app(settings, engine=engine)) as client:
        ledger = client.get(f"{PUBLIC}/ledger.beancount")
        if ledger.content != export.stdout_bytes:
            raise AssertionError("the public ledger file differs from `trustfund ledger export`")
        listed = client.get(f"{PUBLIC}/disclosures/").json()["disclosures"]
        for item in sorted(listed, key=lambda i: int(i["version_id"])):
            version = int(item["version_id"])
            name = f"disclosure/{version}-{item['period']}-v{item['number']}"
            found[f"{name}/statement.json"] = item["json_sha256"]
            found[f"{name}/snapshot.html"] = item["html_sha256"]
            found[f"{name}/lines.csv"] = sha256(_ok(client, f"{PUBLIC}/disclosures/{version}.csv"))
            found[f"{name}/page.html"] = sha256(_ok(client, f"/e/{SLUG}/d/{version}"))
        for name, url in PAGES.items():
            found[name] = sha256(client.get(url).content)
        refused = client.post(
            "/login",
            data={"username": "steward", "password": "wrong", "next": "/staff"},
            follow_redirects=False,
        )
        found["page/login-refused.html"] = sha256(refused.content)
        signed_in = client.post(
            "/api/v1/auth/login", json={"username": "supervisor", "password": DEMO_PASSWORD}
        )
        token = signed_in.json()["csrf_token"]
        page = _ok(client, "/supervisor")
        found["page/supervisor.html"] = sha256(page.replace(token.encode(), b"CSRF-TOKEN"))
    return found


def _ok(client: TestClient, url: str) -> bytes:  # type: ignore[type-arg]
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url}: {response.status_code}")
    return response.content


def snapshot(settings: Settings, engine: Engine) -> dict[str, str]:
    """Build the demo on an empty, migrated database and hash its outputs."""
    with time_machine.travel(PINNED, tick=False):
        build_demo(settings)
        return read_outputs(settings, engine)


def recorded() -> dict[str, str]:
    lines = RECORDED.read_text(encoding="utf-8").splitlines()
    return {
        name: digest for digest, name in (line.split(maxsplit=1) for line in lines if line.strip())
    }


def differences(found: dict[str, str], expected: dict[str, str]) -> list[str]:
    """One line per output that is new, missing or whose bytes changed."""
    return [
        f"{name}: recorded {expected.get(name, '(none)')[:12]}, now {found.get(name, '(none)')[:12]}"
        for name in sorted(found.keys() | expected.keys())
        if found.get(name) != expected.get(name)
    ]


def write_record(found: dict[str, str]) -> None:
    RECORDED.write_text(
        "".join(f"{digest}  {name}\n" for name, digest in sorted(found.items())),
        encoding="utf-8",
    )


def snapshot_at(directory: Path, database_url: str) -> dict[str, str]:
    """``snapshot`` on the empty database at ``database_url`` (migrated here), with the var
    and ledger directories in ``directory``."""
    settings = Settings(
        var_dir=directory / "var",
        database_url=database_url,
        ledger_dir=directory / "ledgers",
        secret_key="demo-snapshot-secret-key",
    )
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        return snapshot(settings, engine)
    finally:
        engine.dispose()


def snapshot_in_sqlite(directory: Path) -> dict[str, str]:
    """``snapshot`` on a new SQLite database in ``directory``."""
    return snapshot_at(directory, f"sqlite:///{directory}/demo.db")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="rewrite the recorded hashes")
    parser.add_argument(
        "--database-url",
        help="build in this empty database (e.g. PostgreSQL) instead of a temporary SQLite",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="demo-snapshot-") as tmp:
        if args.database_url:
            found = snapshot_at(Path(tmp), args.database_url)
        else:
            found = snapshot_in_sqlite(Path(tmp))
    if args.record:
        write_record(found)
        print(f"recorded {len(found)} hashes in {RECORDED}")
        return 0
    changed = differences(found, recorded())
    for line in changed:
        print(line)
    print(f"{len(found)} outputs, {len(changed)} differ from {RECORDED.name}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
