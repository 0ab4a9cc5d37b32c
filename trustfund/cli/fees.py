"""``trustfund fees``: what a spreadsheet-minded steward does from the command line —
show a schedule, issue charges, import payments, export arrears, recognise prepaid fees,
propose next year's fee, print a receipt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import click

from trustfund.auth.audit import record_command
from trustfund.auth.principal import Action
from trustfund.cli.context import CliContext, acting, estate_of, pass_cli
from trustfund.fees import (
    charges,
    imports,
    payments,
    prepaid,
    proposal,
    receipts,
    reports,
    schedule,
)
from trustfund.fees.schemas import AllocationIn, ComponentIn, Method, PaymentIn, ScheduleIn
from trustfund.fees.setup import setup_progress


def _echo(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
def fees() -> None:
    """Fee collection: schedules, charges, payments, arrears, proposals."""


@fees.command("setup")
@click.argument("estate_slug")
@click.argument("fee_year", type=int, required=False)
@pass_cli
def setup(cli: CliContext, estate_slug: str, fee_year: int | None) -> None:
    """What ESTATE still lacks before money can be taken for FEE_YEAR (default: the newest
    year with a schedule, else this year), each missing step with the command that takes
    it — the staff home page's checklist (建账进度)."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        s = setup_progress(session, estate, fee_year)
    slug, year = estate_slug, s.fee_year
    steward, member = "--user STEWARD", "--user COMMITTEE_MEMBER"
    if s.households:
        households = f"households: {s.households} imported"
    else:
        households = f"households: none (trustfund households import {slug} FILE {steward})"
    if s.schedule_approved:
        fee_schedule = f"fee schedule {year}: approved"
    elif s.schedule_exists:
        fee_schedule = (
            f"fee schedule {year}: proposed, not approved "
            f"(trustfund fees schedule approve {slug} {year} --hash … {member})"
        )
    else:
        fee_schedule = (
            f"fee schedule {year}: none (trustfund fees schedule propose {slug} {year} "
            f"--component … --vacancy-percent … {steward})"
        )
    propose = f"trustfund books propose-opening {slug} --date … --fund … {steward}"
    if s.books_open:
        opening = f"books: open since {s.opened_on}"
    elif s.opening_status == "pending":
        opening = (
            "books: not open; opening balances proposed, waiting for the committee "
            f"(trustfund books decide {slug} {member})"
        )
    elif s.opening_status == "rejected":
        opening = f"books: not open; opening balances rejected, propose them again ({propose})"
    else:
        opening = f"books: not open; opening balances not proposed ({propose})"
    if s.charges_issued:
        issued = f"charges {year}: issued"
    else:
        issued = f"charges {year}: not issued (trustfund fees charges issue {slug} {year})"
    steps = [
        (s.households > 0, households),
        (s.schedule_approved, fee_schedule),
        (s.books_open, opening),
        (s.charges_issued, issued),
    ]
    click.echo(f"set-up of {slug} for fee year {year}:")
    for done, text in steps:
        click.echo(f"  {'✓' if done else '✗'} {text}")
    click.echo(f"payments can be taken: {'yes' if s.ready else 'no'}")


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
        estate = estate_of(session, estate_slug)
        _echo(schedule.schedule_view(schedule.get_schedule(session, estate.id, fee_year)))


def _component(text: str) -> ComponentIn:
    parts = text.split(":")
    if len(parts) not in (3, 4) or not all(parts):
        raise click.BadParameter(
            f"{text!r}: write FUND:NAME:AMOUNT or FUND:NAME:AMOUNT:VACANT_AMOUNT",
            param_hint="--component",
        )
    return ComponentIn(
        fund=parts[0],
        name=parts[1],
        amount=parts[2],
        vacant_amount=parts[3:][0] if parts[3:] else None,
    )


@schedule_group.command("propose")
@click.argument("estate_slug")
@click.argument("fee_year", type=int)
@click.option(
    "--component",
    "components",
    multiple=True,
    required=True,
    help="FUND:NAME:AMOUNT, e.g. electricity:公共电费:50.00 (repeat per component); "
    "with --vacant-amounts add :VACANT_AMOUNT.",
)
@click.option(
    "--vacancy-percent", default=None, help="Vacant households pay this % of each component."
)
@click.option(
    "--vacant-amounts",
    is_flag=True,
    help="Vacant households pay each component's :VACANT_AMOUNT instead of a percentage.",
)
@click.option("--user", "username", required=True, help="The steward submitting it.")
@pass_cli
def schedule_propose(
    cli: CliContext,
    estate_slug: str,
    fee_year: int,
    components: tuple[str, ...],
    vacancy_percent: str | None,
    vacant_amounts: bool,
    username: str,
) -> None:
    """Submit (or replace) the draft schedule of FEE_YEAR for the committee's approval.

    Prints the schedule with its content_hash, which the approver quotes.
    """
    data = ScheduleIn(
        components=[_component(c) for c in components],
        vacancy_rule="amounts" if vacant_amounts else "percent",
        vacancy_percent=None if vacant_amounts else vacancy_percent,
    )
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        actor = acting(session, username, Action.RECORD, estate)
        saved = schedule.save_schedule(
            session, estate.id, fee_year, data, actor_user_id=actor.user_id
        )
        _echo(schedule.schedule_view(saved))
    record_command(
        cli.session_factory,
        "fees schedule propose",
        {"estate": estate_slug, "fee_year": fee_year, "user": username},
    )


@schedule_group.command("approve")
@click.argument("estate_slug")
@click.argument("fee_year", type=int)
@click.option("--hash", "content_hash", required=True, help="The content_hash you reviewed.")
@click.option("--user", "username", required=True, help="The committee member approving it.")
@pass_cli
def schedule_approve(
    cli: CliContext, estate_slug: str, fee_year: int, content_hash: str, username: str
) -> None:
    """Approve the schedule of FEE_YEAR exactly as reviewed (not by its submitter)."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        actor = acting(session, username, Action.APPROVE, estate)
        approved = schedule.approve_schedule(
            session, estate.id, fee_year, content_hash=content_hash, actor_user_id=actor.user_id
        )
        _echo(schedule.schedule_view(approved))
    record_command(
        cli.session_factory,
        "fees schedule approve",
        {"estate": estate_slug, "fee_year": fee_year, "user": username},
    )


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
        estate = estate_of(session, estate_slug)
        _echo(charges.issue_charges(session, estate.id, fee_year).as_dict())


@fees.group("payments")
def payments_group() -> None:
    """Payments (实收)."""


@payments_group.command("record")
@click.argument("estate_slug")
@click.argument("household_code")
@click.argument("fee_year", type=int)
@click.argument("amount")
@click.option(
    "--method", type=click.Choice(list(get_args(Method))), default="cash", show_default=True
)
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default: today.")
@click.option("--reference", default="", help="Transfer reference.")
@click.option(
    "--key", "idempotency_key", default=None, help="Idempotency key: a replay records once."
)
@click.option("--user", "username", required=True, help="The steward taking the money.")
@pass_cli
def payment_record(
    cli: CliContext,
    estate_slug: str,
    household_code: str,
    fee_year: int,
    amount: str,
    method: str,
    on: Any,
    reference: str,
    idempotency_key: str | None,
    username: str,
) -> None:
    """Record AMOUNT paid by HOUSEHOLD_CODE towards FEE_YEAR; prints the receipt number."""
    data = PaymentIn(
        method=method,  # type: ignore[arg-type]  # a click.Choice of Method
        amount=amount,
        allocations=[AllocationIn(household_code=household_code, fee_year=fee_year, amount=amount)],
        paid_on=on.date() if on else None,
        reference=reference,
    )
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        actor = acting(session, username, Action.RECORD, estate)
        result, _ = payments.record_payment(
            session, estate.id, data, actor_user_id=actor.user_id, idempotency_key=idempotency_key
        )
        _echo(result)
    record_command(
        cli.session_factory,
        "fees payments record",
        {"estate": estate_slug, "household": household_code, "amount": amount, "user": username},
    )


@payments_group.command("import")
@click.argument("estate_slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_cli
def payments_import(cli: CliContext, estate_slug: str, file: Path) -> None:
    """Import payments from a CSV or XLSX FILE: every row or none (bad rows are listed).

    Columns (Chinese or English header): 户号/household_code or 地址/address (3-1-502,
    3幢1单元502室) or 幢/单元/室; 年度/fee_year, 金额/amount, 方式/method (cash, wechat,
    alipay, bank_transfer or 现金, 微信, 支付宝, 银行转账), 日期/paid_on; optional
    付款人/payer, 备注/reference. An unknown column is refused. Sample:
    docs/samples/payments.csv (columns described in docs/samples/README.md).
    """
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
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
        estate = estate_of(session, estate_slug)
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
        estate = estate_of(session, estate_slug)
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
        estate = estate_of(session, estate_slug)
        _echo(prepaid.recognise_prepaid(session, estate.id, fee_year, on=on.date() if on else None))


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
        estate = estate_of(session, estate_slug)
        _echo(proposal.propose(session, estate.id, fee_year, years=years))


@fees.command("receipt")
@click.argument("estate_slug")
@click.argument("receipt_no")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_cli
def receipt(cli: CliContext, estate_slug: str, receipt_no: str, output: Path) -> None:
    """Write the printable PDF of receipt RECEIPT_NO (e.g. 2026-000001)."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        pdf = receipts.render_receipt_pdf(
            session, estate.id, receipt_no, public_url=cli.settings.public_url
        )
    output.write_bytes(pdf)
    click.echo(f"wrote {output} ({len(pdf)} bytes)")


COMMANDS: list[click.Command] = [fees]
