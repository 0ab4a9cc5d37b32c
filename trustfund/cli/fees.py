"""``trustfund fees``: what a spreadsheet-minded steward does from the command line —
show a schedule, issue charges, import payments, export arrears, recognise prepaid fees,
propose next year's fee, print a receipt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.cli.context import CliContext, pass_cli
from trustfund.db.models.estates import Estate
from trustfund.fees import charges, imports, payments, proposal, receipts, reports, schedule


def _estate(session: Session, slug: str) -> Estate:
    estate = session.scalar(select(Estate).where(Estate.slug == slug))
    if estate is None:
        raise click.ClickException(f"No estate {slug!r}.")
    return estate


def _echo(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
def fees() -> None:
    """Fee collection: schedules, charges, payments, arrears, proposals."""


@fees.group("schedule")
def schedule_group() -> None:
    """Fee schedules (收费标准)."""


@schedule_group.command("show")
@click.argument("estate_slug")
@click.argument("fee_year", type=int)
@pass_cli
def schedule_show(cli: CliContext, estate_slug: str, fee_year: int) -> None:
    """Print the schedule of FEE_YEAR with each component's vacancy fee."""
    with cli.session() as session:
        estate = _estate(session, estate_slug)
        _echo(schedule.schedule_view(schedule.get_schedule(session, estate.id, fee_year)))


@fees.group("charges")
def charges_group() -> None:
    """Charges (应收)."""


@charges_group.command("issue")
@click.argument("estate_slug")
@click.argument("fee_year", type=int)
@pass_cli
def charges_issue(cli: CliContext, estate_slug: str, fee_year: int) -> None:
    """Charge every household not yet charged for FEE_YEAR (approved schedule only)."""
    with cli.session() as session:
        estate = _estate(session, estate_slug)
        _echo(charges.issue_charges(session, estate.id, fee_year).as_dict())


@fees.group("payments")
def payments_group() -> None:
    """Payments (实收)."""


@payments_group.command("import")
@click.argument("estate_slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_cli
def payments_import(cli: CliContext, estate_slug: str, file: Path) -> None:
    """Import payments from a CSV or XLSX FILE: every row or none (bad rows are listed)."""
    with cli.session() as session:
        estate = _estate(session, estate_slug)
        result, _ = imports.import_payments(
            session,
            estate.id,
            file.read_bytes(),
            file.name,
            actor_user_id=None,
            idempotency_key=None,
        )
        _echo(result)


@fees.group("arrears")
def arrears_group() -> None:
    """Arrears and collection rates."""


@arrears_group.command("show")
@click.argument("estate_slug")
@click.argument("fee_year", type=int)
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default: today.")
@pass_cli
def arrears_show(cli: CliContext, estate_slug: str, fee_year: int, as_of: Any) -> None:
    """Print collection rates: overall, occupied/vacant, by building, by component, trend."""
    with cli.session() as session:
        estate = _estate(session, estate_slug)
        _echo(
            reports.collection_report(
                session, estate.id, fee_year, as_of=as_of.date() if as_of else None
            )
        )


@arrears_group.command("export")
@click.argument("estate_slug")
@click.argument("fee_year", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default: today.")
@pass_cli
def arrears_export(
    cli: CliContext, estate_slug: str, fee_year: int, output: Path, as_of: Any
) -> None:
    """Write the collection report and the arrears list to an XLSX workbook."""
    with cli.session() as session:
        estate = _estate(session, estate_slug)
        data = reports.export_xlsx(
            session, estate.id, fee_year, as_of=as_of.date() if as_of else None
        )
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(data)} bytes)")


@fees.command("recognise-prepaid")
@click.argument("estate_slug")
@click.argument("fee_year", type=int)
@click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Default: 1 January of FEE_YEAR.",
)
@pass_cli
def recognise_prepaid(cli: CliContext, estate_slug: str, fee_year: int, on: Any) -> None:
    """Move fees received in advance for FEE_YEAR into that year's income (safe to repeat)."""
    with cli.session() as session:
        estate = _estate(session, estate_slug)
        _echo(
            payments.recognise_prepaid(session, estate.id, fee_year, on=on.date() if on else None)
        )


@fees.command("propose")
@click.argument("estate_slug")
@click.argument("fee_year", type=int)
@click.option(
    "--years", type=int, default=3, show_default=True, help="Years of spending to average."
)
@pass_cli
def propose(cli: CliContext, estate_slug: str, fee_year: int, years: int) -> None:
    """Propose FEE_YEAR's components from the last years' actual spend, with the calculation."""
    with cli.session() as session:
        estate = _estate(session, estate_slug)
        _echo(proposal.propose(session, estate.id, fee_year, years=years))


@fees.command("receipt")
@click.argument("estate_slug")
@click.argument("receipt_no")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_cli
def receipt(cli: CliContext, estate_slug: str, receipt_no: str, output: Path) -> None:
    """Write the printable PDF of receipt RECEIPT_NO (e.g. 2026-000001)."""
    with cli.session() as session:
        estate = _estate(session, estate_slug)
        pdf = receipts.render_receipt_pdf(
            session, estate.id, receipt_no, public_url=cli.settings.public_url
        )
    output.write_bytes(pdf)
    click.echo(f"wrote {output} ({len(pdf)} bytes)")


COMMANDS: list[click.Command] = [fees]
