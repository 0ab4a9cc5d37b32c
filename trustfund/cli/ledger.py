"""``trustfund ledger``: export, check, verify and sync the per-estate beancount journals."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from trustfund.cli.context import CliContext, estate_of, pass_cli
from trustfund.journal.check import check_estate
from trustfund.journal.mirror import (
    MirrorAheadError,
    estates_with_books,
    iter_export,
    mirror_path,
    sync_mirror,
)
from trustfund.ledger.chain import verify_text


@click.group()
def ledger() -> None:
    """The estate journals as beancount files: export, check, verify, sync."""


@ledger.command()
@click.argument("estate_slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
@pass_cli
def export(cli: CliContext, estate_slug: str, output: Path | None) -> None:
    """Print (or write) the estate's journal as beancount text, exactly as the mirror holds it."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        data = "".join(iter_export(session, estate.id)).encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)
        click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


@ledger.command()
@click.argument("estate_slug")
@pass_cli
def check(cli: CliContext, estate_slug: str) -> None:
    """Recompute both hash chains (database rows, each entry's text against its columns and
    postings; the exported file), compare the head printed on every published disclosure
    with the chain and the mirror file with the export (byte for byte, naming the first
    difference), then load the export with beancount (parse, booking, validation) and
    compare every account and fund balance with SQL. Stops at the first chain failure;
    never runs a plugin, include or option found in stored text.
    Exits 1 on any difference or error."""
    os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        report = check_estate(session, estate.id, mirror=mirror_path(cli.settings, estate))
    click.echo(f"estate:   {estate_slug}")
    click.echo(f"entries:  {report.entries}")
    click.echo(f"accounts: {report.accounts} with postings, balances compared with SQL")
    click.echo(f"disclosures: {report.disclosures} published heads compared with the chain")
    click.echo(f"mirror:   {report.mirror}")
    click.echo(f"head:     {report.head_hash}")
    if report.ok:
        click.echo("result:   OK — beancount and SQL agree, hash chain intact")
        return
    for problem in report.problems:
        click.echo(f"problem:  {problem}", err=True)
    raise SystemExit(1)


@ledger.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    """Recompute the hash chain of an exported FILE alone (no database, no beancount: a
    plugin line in FILE is reported, never run). Prints the title (the estate's name, from
    the fixed header, which the chain does not cover: compare it and the head with the
    disclosure), the number of entries and the head hash; names the first bad entry and
    exits 1 if any, or if FILE holds no entry at all."""
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        click.echo(f"{file}: not UTF-8 text at byte {exc.start}", err=True)
        raise SystemExit(1) from exc
    result = verify_text(text)
    if result.ok:
        click.echo(f"title:   {result.title}")
        click.echo(f"entries: {result.entries}")
        click.echo(f"head:    {result.head_hash}")
        click.echo("result:  OK — every entry chains to the one before it")
        return
    click.echo(f"entries verified: {result.entries}")
    click.echo(f"first bad entry: {result.first_bad_seq}", err=True)
    click.echo(f"problem: {result.problem}", err=True)
    raise SystemExit(1)


@ledger.command()
@click.argument("estate_slug", required=False)
@click.option(
    "--force",
    is_flag=True,
    help="Also rewrite a mirror that is ahead of the database or differs from it, after "
    "keeping it as <estate>.beancount.diverged-<time>. Inspect such a file first: it may "
    "hold entries the database lost.",
)
@pass_cli
def sync(cli: CliContext, estate_slug: str | None, force: bool) -> None:
    """Bring ``<ledger_dir>/<estate>.beancount`` up to date with the database (every estate
    with books, or just ESTATE_SLUG). A file that is not the start of the export — ahead of
    the database, or different — is left alone and reported (exit 1) unless --force."""
    refused = []
    with cli.session() as session:
        estates = [estate_of(session, estate_slug)] if estate_slug else estates_with_books(session)
        for estate in estates:
            try:
                changed = sync_mirror(session, cli.settings, estate, force=force)
            except MirrorAheadError as exc:
                click.echo(f"refused:  {exc}", err=True)
                refused.append(estate.slug)
                continue
            state = "updated" if changed else "up to date"
            click.echo(f"{cli.settings.ledger_dir / (estate.slug + '.beancount')}: {state}")
    if refused:
        raise SystemExit(1)


COMMANDS: list[click.Command] = [ledger]
