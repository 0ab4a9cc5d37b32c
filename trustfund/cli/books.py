"""``trustfund books``: whether an estate's books are open, propose its opening balances
(期初余额), and decide on them — the same services as ``/api/v1/estates/{slug}/books``."""

from __future__ import annotations

import json

import click
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.auth.audit import record_command
from trustfund.auth.principal import Action
from trustfund.cli.context import CliContext, acting, estate_of, pass_cli
from trustfund.errors import ConflictError
from trustfund.journal import books, proposals, schemas
from trustfund.messages import Message

PART_NAMES = ("bank", "cash", "payable", "prepaid")


def _fund(value: str) -> schemas.OpeningFundIn:
    """``electricity:bank=3120.50,cash=0,payable=0,prepaid=0`` → one fund's figures."""
    fund, _, rest = value.partition(":")
    parts: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in rest.split(","))):
        name, eq, amount = item.partition("=")
        if not eq or name.strip() not in PART_NAMES:
            raise click.BadParameter(
                f"{item!r}: write NAME=AMOUNT with NAME one of {', '.join(PART_NAMES)}",
                param_hint="--fund",
            )
        parts[name.strip()] = amount.strip()
    return schemas.OpeningFundIn(fund=fund.strip(), **parts)


def _show(view: schemas.BooksStatus) -> None:
    if view.open:
        click.echo(f"open since {view.opened_on} (opening entry {view.opening_entry_seq or '-'})")
    else:
        click.echo(f"not open: {view.next_step}")
    if view.proposal is not None:
        p = view.proposal
        click.echo(
            f"opening proposal {p.id} on {p.date}: {p.status}"
            f" (approval request {p.approval_request_id}: {p.approval_status})"
        )
        for f in p.funds:
            click.echo(
                f"  {f.fund}\tbank {f.bank}\tcash {f.cash}\tpayable {f.payable}"
                f"\tprepaid {f.prepaid}\topening {f.opening}"
            )


@click.group("books")
def books_group() -> None:
    """Opening an estate's books (建账): nothing can be posted until the committee has
    approved the opening balances the steward proposed."""


@books_group.command("status")
@click.argument("estate_slug")
@pass_cli
def status(cli: CliContext, estate_slug: str) -> None:
    """Whether ESTATE's books are open, and its opening proposal."""
    with cli.session() as session:
        _show(books.status(session, estate_of(session, estate_slug)))


@books_group.command("propose-opening")
@click.argument("estate_slug")
@click.option(
    "--date",
    "on",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day the books open, e.g. 2025-01-01.",
)
@click.option(
    "--fund",
    "funds",
    multiple=True,
    required=True,
    help="One fund as the paper ledger holds it on that date, repeated per fund: "
    "FUND:bank=AMOUNT,cash=AMOUNT,payable=AMOUNT,prepaid=AMOUNT (omitted parts are 0; "
    "FUND is electricity, maintenance, garbage or autonomy), e.g. "
    "--fund electricity:bank=3120.50,cash=0 --fund maintenance:bank=8000,payable=1500. "
    "A fund opens at bank + cash − payable − prepaid, never below zero.",
)
@click.option("--user", "username", required=True, help="The steward proposing them.")
@pass_cli
def propose_opening(
    cli: CliContext, estate_slug: str, on: click.DateTime, funds: tuple[str, ...], username: str
) -> None:
    """Propose ESTATE's opening balances (期初余额) for the committee's approval; proposing
    again while pending or rejected replaces the proposal."""
    data = schemas.OpeningIn(date=on.date(), funds=[_fund(f) for f in funds])  # type: ignore[attr-defined]
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        view = books.propose_opening(
            session,
            estate,
            data,
            actor_user_id=acting(session, username, Action.RECORD, estate).user_id,
        )
        click.echo(json.dumps(view.model_dump(mode="json"), ensure_ascii=False))
    record_command(cli.session_factory, "books propose-opening", {"estate": estate_slug})


def _opening_request(session: Session, estate_id: int) -> int:
    proposal = proposals.latest(session, estate_id, proposals.OPENING)
    request = proposals.request_of(session, proposal) if proposal is not None else None
    if request is None or request.status != approvals.RequestStatus.PENDING:
        raise ConflictError(Message("journal.no_opening_pending"))
    return request.id


@books_group.command("decide")
@click.argument("estate_slug")
@click.option("--user", "username", required=True, help="The committee member deciding.")
@click.option("--reject", "reason", default=None, help="Reject, with this reason.")
@pass_cli
def decide(cli: CliContext, estate_slug: str, username: str, reason: str | None) -> None:
    """Approve ESTATE's pending opening proposal (or reject it with --reject REASON); on
    approval the books open and the opening entry is posted."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        request = approvals.decide_request(
            session,
            estate.id,
            _opening_request(session, estate.id),
            principal=acting(session, username, Action.APPROVE, estate),
            decision=approvals.Decision.REJECT if reason else approvals.Decision.APPROVE,
            reason=reason,
        )
        click.echo(f"request {request.id}: {request.status.value}")
        _show(books.status(session, estate))
    record_command(cli.session_factory, "books decide", {"estate": estate_slug})


COMMANDS: list[click.Command] = [books_group]
