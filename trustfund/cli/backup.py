"""``trustfund backup`` / ``trustfund restore``: the database, consistently, while the app runs.

SQLite: SQLite's online backup API (a consistent copy even while the app writes; copying the
file is not). PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (the client tools
of the server's major version or newer). Both print every estate's ledger head (last seq and
hash) so the operator can compare it with the head printed on the latest disclosure; restore
then checks every estate's books (``trustfund ledger check``) and exits 1 on any problem.

The journal tables' append-only triggers are part of the dump's post-data section, which
``pg_restore`` creates after loading the rows, so restoring needs no special role.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from trustfund.cli.context import CliContext, pass_cli
from trustfund.db.models.estates import Estate
from trustfund.db.models.journal import LedgerHead
from trustfund.journal.check import check_estate


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise click.ClickException("an in-memory SQLite database cannot be backed up")
    return Path(parsed.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while another process writes."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as ``pg_dump``/``pg_restore`` take it, and the password as PGPASSWORD (kept
    out of the process list)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise click.ClickException(f"{name} not found: install the PostgreSQL client tools")
    return found


def _heads(session: Session) -> list[tuple[str, int, str]]:
    rows = session.execute(
        select(Estate.slug, LedgerHead.last_seq, LedgerHead.last_hash)
        .join(LedgerHead, LedgerHead.estate_id == Estate.id)
        .order_by(Estate.slug)
    ).all()
    return [(slug, seq, digest) for slug, seq, digest in rows]


def _print_heads(session: Session) -> None:
    for slug, seq, digest in _heads(session):
        click.echo(f"{slug}: head seq {seq} hash {digest}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_cli
def backup(cli: CliContext, file: Path) -> None:
    """Back up the database to FILE (SQLite: a database file; PostgreSQL: a pg_dump
    custom-format archive). Safe while the service runs. Prints every estate's ledger head."""
    url = cli.settings.database_url
    source = _sqlite_path(url)
    if file.exists():
        raise click.ClickException(f"{file} exists; choose a new file name")
    file.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        _sqlite_copy(source, file)
    else:
        target, env = _libpq(url)
        done = subprocess.run(  # noqa: S603 -- fixed tool, arguments are not a shell line
            [_tool("pg_dump"), "--format=custom", f"--file={file}", target],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            file.unlink(missing_ok=True)
            raise click.ClickException(f"pg_dump failed: {done.stderr.strip()}")
    click.echo(f"wrote {file} ({file.stat().st_size} bytes)")
    with cli.session() as session:
        _print_heads(session)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_cli
def restore(cli: CliContext, file: Path) -> None:
    """Restore FILE (from ``trustfund backup``) into the configured database, which must be
    new: SQLite, a file that does not exist yet; PostgreSQL, an empty database
    (``createdb``). Then check every estate's books and print their ledger heads; exits 1
    if any check fails. Run ``trustfund ledger sync`` afterwards to rebuild the mirrors."""
    url = cli.settings.database_url
    target = _sqlite_path(url)
    if target is not None:
        if target.exists():
            raise click.ClickException(
                f"{target} exists; stop the service and move it aside first "
                "(with its -wal and -shm files)"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(file, target)
    else:
        libpq, env = _libpq(url)
        done = subprocess.run(  # noqa: S603 -- fixed tool, arguments are not a shell line
            [_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={libpq}", str(file)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise click.ClickException(f"pg_restore failed: {done.stderr.strip()}")
    click.echo(f"restored {file}")
    failed = False
    with cli.session() as session:
        for slug, seq, digest in _heads(session):
            estate_id = session.scalar(select(Estate.id).where(Estate.slug == slug))
            assert estate_id is not None
            report = check_estate(session, estate_id)
            state = "OK" if report.ok and report.head_hash == digest else "FAILED"
            click.echo(f"{slug}: head seq {seq} hash {digest} — ledger check {state}")
            for problem in report.problems:
                click.echo(f"  problem: {problem}", err=True)
            failed = failed or state != "OK"
    if failed:
        raise SystemExit(1)


COMMANDS: list[click.Command] = [backup, restore]
