"""``trustfund prices`` and ``trustfund expenses``: import a reference price list, export the
expense detail table (费用支出明细表)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from trustfund.auth.audit import record_command
from trustfund.cli.context import CliContext, estate_of, pass_cli
from trustfund.settlements import expenses as expense_table
from trustfund.settlements import prices as price_lists


@click.group()
def prices() -> None:
    """Government reference price lists (政府参考价格)."""


@prices.command("import")
@click.argument("estate_slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--effective",
    "effective_from",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="first day the prices apply (default: today)",
)
@click.option("--source", default="", help="where the prices come from")
@pass_cli
def prices_import(
    cli: CliContext,
    estate_slug: str,
    file: Path,
    effective_from: dt.datetime | None,
    source: str,
) -> None:
    """Import FILE (CSV or XLSX) as a new version; all rows or none.

    Columns (Chinese or English header): 编码/code, 名称/name, 单位/unit, 单价/unit_price;
    an unknown column is refused. Sample: docs/samples/prices.csv (columns described in
    docs/samples/README.md).
    """
    on = effective_from.date() if effective_from else dt.date.today()
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        view = price_lists.import_prices(
            session, estate.id, file.read_bytes(), file.name, effective_from=on, source=source
        )
    record_command(
        cli.session_factory,
        "prices import",
        {"estate": estate_slug, "file": file.name, "effective_from": on.isoformat()},
    )
    click.echo(f"imported {len(view['items'])} reference prices for {estate_slug}, effective {on}")


@click.group()
def expenses() -> None:
    """The expense detail table (费用支出明细表)."""


@expenses.command("export")
@click.argument("estate_slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--public", is_flag=True, help="approvers by role instead of by name")
@pass_cli
def expenses_export(
    cli: CliContext,
    estate_slug: str,
    output: Path,
    start: dt.datetime | None,
    end: dt.datetime | None,
    public: bool,
) -> None:
    """Write every payout of ESTATE_SLUG to an XLSX workbook."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        data = expense_table.expense_xlsx(
            session,
            estate.id,
            start=start.date() if start else None,
            end=end.date() if end else None,
            public=public,
        )
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(data)} bytes)")


COMMANDS: list[click.Command] = [prices, expenses]
