"""``trustfund bank``: the committee account's statement imported, matched to the books and
reconciled month by month, and the steward's cash counted — the same services as
``/api/v1/estates/{slug}/bank`` and ``/api/v1/estates/{slug}/cash-counts``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from trustfund.auth.audit import record_command
from trustfund.auth.principal import Action
from trustfund.cli.context import CliContext, acting, estate_of, pass_cli
from trustfund.errors import FieldError, ValidationError
from trustfund.estates.columns import describe_plain
from trustfund.estates.service import today_in
from trustfund.messages import Message
from trustfund.reconciliation import cash_counts, months, service, statements, wallets


def _echo(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=1))


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _note_and_undo(undo_help: str) -> Callable[[_Command], _Command]:
    """``--note`` and ``--undo LINE`` of ``bank match`` and ``bank wallet-match``, which mean
    the same in both; ``undo_help`` says what undoing a line undoes there."""

    def options(command: _Command) -> _Command:
        command = click.option("--undo", "undo_line", type=int, default=None, help=undo_help)(
            command
        )
        return click.option(
            "--note", default="", help="With --line: why (required beyond ±3 days)."
        )(command)

    return options


@click.group("bank")
def bank_group() -> None:
    """Reconciliation with the real bank (银行对账): import the committee account's statement,
    match its lines to the books, and prepare each month's 银行余额调节表 for the committee."""


@bank_group.command(
    "import",
    epilog="Columns (Chinese or English header, any order):\n\n"
    + describe_plain(statements.COLUMNS).replace("\n", "\n\n"),
)
@click.argument("estate_slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="The steward importing it.")
@click.option(
    "--through",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The statement is complete up to this day (the query period's end); "
    "default its last line's date.",
)
@pass_cli
def import_(cli: CliContext, estate_slug: str, path: Path, username: str, through: Any) -> None:
    """Import PATH (CSV or XLSX as online banking exports it) into ESTATE's statement: all
    rows or none; lines already imported (same 流水号) are skipped; each line's 余额 must
    follow from the previous one. New lines are matched where amount and date (±3 days)
    agree uniquely."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        principal = acting(session, username, Action.RECORD, estate)
        _echo(
            service.import_statement(
                session,
                estate,
                path.read_bytes(),
                path.name,
                through=through.date() if through else None,
                actor_user_id=principal.user_id,
            )
        )
    record_command(cli.session_factory, "bank import", {"estate": estate_slug})


@bank_group.command("match")
@click.argument("estate_slug")
@click.option("--user", "username", required=True, help="The steward matching.")
@click.option("--line", "line_id", type=int, default=None, help="Confirm a match for this line.")
@click.option(
    "--entry", "entry_seqs", type=int, multiple=True, help="With --line: the entry (repeatable)."
)
@_note_and_undo("Undo this line's matches.")
@pass_cli
def match(
    cli: CliContext,
    estate_slug: str,
    username: str,
    line_id: int | None,
    entry_seqs: tuple[int, ...],
    note: str,
    undo_line: int | None,
) -> None:
    """Without options: match what agrees uniquely and list what is proposed and unmatched.
    With --line LINE --entry SEQ: confirm that the line is that entry (or those entries);
    with --undo LINE: undo the line's matches."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        user_id = acting(session, username, Action.RECORD, estate).user_id
        if undo_line is not None:
            _echo(service.undo_match(session, estate, undo_line, actor_user_id=user_id))
        elif line_id is not None:
            _echo(
                service.confirm_match(
                    session, estate, line_id, list(entry_seqs), note, actor_user_id=user_id
                )
            )
        else:
            _echo(service.run_matching(session, estate))
    record_command(cli.session_factory, "bank match", {"estate": estate_slug})


@bank_group.command("reconcile")
@click.argument("estate_slug")
@click.argument("month")
@click.option("--user", "username", required=True, help="Who reads (or prepares) it.")
@click.option(
    "--prepare",
    is_flag=True,
    help="Prepare the month and submit it to the committee (needs the steward's role).",
)
@pass_cli
def reconcile(cli: CliContext, estate_slug: str, month: str, username: str, prepare: bool) -> None:
    """Show MONTH's (YYYY-MM) bank reconciliation (银行余额调节表) of ESTATE: statement balance
    + book items in transit = book balance + statement items in transit; with --prepare,
    submit it for the committee's approval (decide with `trustfund` approvals or the staff
    approvals page)."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        action = Action.RECORD if prepare else Action.READ
        user_id = acting(session, username, action, estate).user_id
        view: dict[str, Any] = dict(
            months.prepare(session, estate, month, actor_user_id=user_id)
            if prepare
            else months.view(session, estate, month)
        )
        view.pop("proposals", None)
        _echo(view)
    if prepare:
        record_command(cli.session_factory, "bank reconcile", {"estate": estate_slug})


@bank_group.command("wallet-import")
@click.argument("estate_slug")
@click.argument("source", type=click.Choice(sorted(wallets.LAYOUTS)))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="The steward importing it.")
@pass_cli
def wallet_import(
    cli: CliContext, estate_slug: str, source: str, path: Path, username: str
) -> None:
    """Import the collection code's bill PATH (SOURCE wechat: 微信支付 账单明细 CSV; alipay:
    支付宝 账务明细 CSV) into ESTATE: all rows or none, lines already imported skipped;
    collections matched to payments recorded with that method, withdrawals to the bank
    statement line that received them."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        principal = acting(session, username, Action.RECORD, estate)
        _echo(
            wallets.import_bill(
                session,
                estate,
                source,
                path.read_bytes(),
                path.name,
                actor_user_id=principal.user_id,
            )
        )
    record_command(cli.session_factory, "bank wallet-import", {"estate": estate_slug})


@bank_group.command("wallet-match")
@click.argument("estate_slug")
@click.argument("source", type=click.Choice(sorted(wallets.LAYOUTS)))
@click.option("--user", "username", required=True, help="The steward matching.")
@click.option(
    "--line",
    "line_id",
    type=int,
    default=None,
    help="Confirm which payment this collection (a line's `id`) is; needs --payment.",
)
@click.option(
    "--payment",
    "payment_id",
    type=int,
    default=None,
    help="With --line: the fee payment it is (a candidate's `payment_id` under `proposed`).",
)
@_note_and_undo("Undo this line's match.")
@pass_cli
def wallet_match(
    cli: CliContext,
    estate_slug: str,
    source: str,
    username: str,
    line_id: int | None,
    payment_id: int | None,
    note: str,
    undo_line: int | None,
) -> None:
    """ESTATE's bill of SOURCE (wechat: 微信支付, alipay: 支付宝) and the payments recorded with
    that method. Without options: match again what agrees uniquely and list the lines, what
    is proposed (a collection several payments could be, with each candidate's payment_id)
    and what is unmatched. With --line LINE --payment PAYMENT: confirm that the collection is
    that payment — of this estate, recorded with SOURCE's method, not voided, matched to no
    other line, of exactly the line's amount; a --note beyond ±3 days. With --undo LINE: undo
    the line's match (kept as history; the line is not matched automatically again)."""
    if (line_id is None) != (payment_id is None):
        raise click.UsageError("--line and --payment go together.")
    if undo_line is not None and line_id is not None:
        raise click.UsageError("--undo goes without --line and --payment.")
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        user_id = acting(session, username, Action.RECORD, estate).user_id
        if undo_line is not None:
            _echo(wallets.undo_match(session, estate, source, undo_line, actor_user_id=user_id))
        elif line_id is not None and payment_id is not None:
            _echo(
                wallets.confirm_match(
                    session, estate, source, line_id, payment_id, note, actor_user_id=user_id
                )
            )
        else:
            _echo(wallets.run_matching(session, estate, source))
    record_command(cli.session_factory, "bank wallet-match", {"estate": estate_slug})


def _pieces(items: tuple[str, ...]) -> dict[str, int]:
    """``("100=3", "0.5=4")`` → ``{"100": 3, "0.5": 4}``; raises ValidationError naming
    ``counts.<denomination>``."""
    found: dict[str, int] = {}
    errors: list[FieldError] = []
    for item in items:
        key, _, pieces = item.partition("=")
        if not pieces.strip().isdigit() or not pieces.strip().isascii():
            errors.append(FieldError(f"counts.{key.strip()}", Message("number.not_whole")))
            continue
        found[key.strip()] = found.get(key.strip(), 0) + int(pieces)
    if errors:
        raise ValidationError(Message("input.problems", problems=errors), errors=errors)
    return found


@bank_group.command(
    "cash-count",
    epilog="Denominations: "
    + ", ".join(f"{key} ({label})" for key, _, label in cash_counts.DENOMINATIONS),
)
@click.argument("estate_slug")
@click.option("--user", "username", required=True, help="Who reads (or counts).")
@click.option(
    "--count",
    "pieces",
    multiple=True,
    metavar="DENOMINATION=PIECES",
    help="Pieces of one denomination, e.g. 100=3 or 0.5=4 (repeatable): record the count "
    "and submit it to the committee (needs the steward's role).",
)
@click.option(
    "--on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="With --count: the day counted (default today).",
)
@click.option("--note", default="", help="With --count: why the count differs from the books.")
@pass_cli
def cash_count(
    cli: CliContext,
    estate_slug: str,
    username: str,
    pieces: tuple[str, ...],
    on: Any,
    note: str,
) -> None:
    """The steward's cash counted by denomination (现金盘点). Without --count: ESTATE's counts,
    newest first, with the books' cash and their approval. With --count: record a count,
    compare it with the books' cash at the end of that day and submit it for one committee
    member's approval (not the steward's own)."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        action = Action.RECORD if pieces else Action.READ
        user_id = acting(session, username, action, estate).user_id
        if not pieces:
            _echo(cash_counts.list_counts(session, estate))
            return
        _echo(
            cash_counts.prepare(
                session,
                estate,
                counted_on=on.date() if on else today_in(estate),
                counts=_pieces(pieces),
                note=note,
                actor_user_id=user_id,
            )
        )
    record_command(cli.session_factory, "bank cash-count", {"estate": estate_slug})


COMMANDS: list[click.Command] = [bank_group]
