"""``trustfund disclosure``: render a statement (draft or published) and walk the
publication workflow from the command line (submit, decide, publish, versions), and the
correction procedure for a published period (locks, unlock, decide-unlock)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.auth.audit import record_command
from trustfund.auth.identity import load_principal
from trustfund.auth.principal import Principal
from trustfund.auth.users import find_user
from trustfund.cli.context import CliContext, estate_of, pass_cli
from trustfund.db.models.journal import LedgerHead
from trustfund.db.session import unit_of_work
from trustfund.disclosure import names, operations, publication, render, unlocks
from trustfund.disclosure.periods import parse_period
from trustfund.disclosure.schemas import DecisionIn
from trustfund.disclosure.signoff import SUBJECT_KIND
from trustfund.disclosure.statements import build_statement, canonical_json


def _principal(session: Session, username: str) -> Principal:
    user = find_user(session, username)
    principal = load_principal(session, user.id) if user is not None else None
    if principal is None:
        raise click.ClickException(f"No active user {username!r}.")
    return principal


@click.group()
def disclosure() -> None:
    """Disclosures (公示): render statements, submit, approve and publish them."""


@disclosure.command("render")
@click.argument("estate_slug")
@click.argument("period")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "json"]), default="html")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_cli
def render_command(cli: CliContext, estate_slug: str, period: str, fmt: str, output: Path) -> None:
    """Render the draft statement of PERIOD (2026, 2026Q1, 2026-03 or
    2026-01-01..2026-03-31) from the live figures, marked as a draft."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        statement = build_statement(session, estate, parse_period(period))
        head = session.get(LedgerHead, estate.id)
        draft_head = (head.last_seq, head.last_hash) if head else (0, "")
    if fmt == "json":
        data = canonical_json(statement)
    elif fmt == "html":
        data = render.statement_html(
            statement, None, base_url=cli.settings.public_url, draft_head=draft_head
        ).encode()
    else:
        html = render.statement_html(
            statement, None, for_pdf=True, base_url=cli.settings.public_url, draft_head=draft_head
        )
        data = render.pdf_bytes(html)
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


@disclosure.command()
@click.argument("estate_slug")
@pass_cli
def versions(cli: CliContext, estate_slug: str) -> None:
    """List the estate's disclosure versions."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        for v in publication.list_versions(session, estate):
            snap = v.snapshot
            extra = f" ledger {snap.ledger_seq} {snap.ledger_hash[:16]}…" if snap else ""
            sup = f" supersedes {v.supersedes_id}" if v.supersedes_id else ""
            click.echo(f"{v.id}\t{v.period}\tv{v.number}\t{v.status.value}{sup}{extra}")


@disclosure.command()
@click.argument("estate_slug")
@click.argument("period")
@click.option("--user", "username", required=True, help="The steward submitting it.")
@click.option("--note", default="")
@click.option("--supersedes", "supersedes_id", type=int, default=None)
@click.option("--reason", default=None, help="Why a correction was needed.")
@pass_cli
def submit(
    cli: CliContext,
    estate_slug: str,
    period: str,
    username: str,
    note: str,
    supersedes_id: int | None,
    reason: str | None,
) -> None:
    """Submit PERIOD for the committee's approval."""
    with cli.session() as session:
        with unit_of_work(session):
            estate = estate_of(session, estate_slug)
            user = _principal(session, username)
            version = publication.submit(
                session,
                estate,
                period=period,
                submitted_by=user.user_id,
                note=note,
                supersedes_id=supersedes_id,
                correction_reason=reason,
            )
        click.echo(json.dumps({"version_id": version.id, "number": version.number}))
    record_command(
        cli.session_factory, "disclosure submit", {"estate": estate_slug, "period": period}
    )


@disclosure.command()
@click.argument("estate_slug")
@click.argument("version_id", type=int)
@click.option("--user", "username", required=True, help="The committee member deciding.")
@click.option("--reject", "reason", default=None, help="Reject, with this reason.")
@pass_cli
def decide(
    cli: CliContext, estate_slug: str, version_id: int, username: str, reason: str | None
) -> None:
    """Approve a submitted version (or reject it with --reject REASON)."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        # The API's command: a decision refused because the figures changed still records
        # the voided request (then the 409 ``ContentChangedError``).
        operations.decide(
            session,
            estate,
            version_id,
            DecisionIn.model_construct(decision="reject" if reason else "approve", reason=reason),
            _principal(session, username),
        )
        request = approvals.current_request(session, SUBJECT_KIND, version_id)
        assert request is not None
        click.echo(f"request {request.id}: {request.status.value}")
    record_command(cli.session_factory, "disclosure decide", {"version_id": version_id})


@disclosure.command()
@click.argument("estate_slug")
@click.argument("version_id", type=int)
@click.option("--user", "username", required=True, help="The steward publishing it.")
@pass_cli
def publish(cli: CliContext, estate_slug: str, version_id: int, username: str) -> None:
    """Publish an approved version: lock its period and store the snapshot."""
    with cli.session() as session:
        with unit_of_work(session):
            estate = estate_of(session, estate_slug)
            snap = publication.publish(
                session,
                cli.settings,
                estate,
                version_id,
                published_by=_principal(session, username).user_id,
            )
        click.echo(f"published {version_id}: ledger {snap.ledger_seq} {snap.ledger_hash}")
    record_command(cli.session_factory, "disclosure publish", {"version_id": version_id})


COMMANDS: list[click.Command] = [disclosure]


@disclosure.command()
@click.argument("estate_slug")
@pass_cli
def locks(cli: CliContext, estate_slug: str) -> None:
    """List the estate's period locks: in force, lifted (when, why), or with a proposal to
    lift them waiting for the committee."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        for lock in unlocks.lock_views(session, estate):
            if not lock["active"]:
                state = f"lifted {lock['lifted_at']} (request {lock['lift_request_id']}): "
                state += str(lock["lift_reason"])
            elif lock["pending"]:
                p = lock["pending"]
                state = (
                    f"locked; lift proposed (request {p['approval_request_id']}, "
                    f"{p['approvals']}/{p['approvals_needed']} approvals): {p['reason']}"
                )
            else:
                state = "locked"
            click.echo(f"{lock['id']}\t{lock['start']}..{lock['end']}\t{state}")


@disclosure.command()
@click.argument("estate_slug")
@click.argument("lock_id", type=int)
@click.option("--user", "username", required=True, help="The steward or committee member.")
@click.option("--reason", required=True, help="Why the period must change (shown publicly).")
@pass_cli
def unlock(cli: CliContext, estate_slug: str, lock_id: int, username: str, reason: str) -> None:
    """Propose lifting period lock LOCK_ID (a correction). A majority of the estate's committee
    members must approve it (`disclosure decide-unlock`, the approval inbox or the API); the
    proposer cannot. Once lifted, entries dated in the period are accepted until the corrected
    disclosure is published, which locks the period again."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        principal = _principal(session, username)
        result = unlocks.propose_request(
            session, estate, lock_id, principal=principal, reason=reason
        )
        approval = result["approval"]
        click.echo(
            f"request {approval['id']}: needs {approval['approvals_needed']} committee approvals"
        )
    record_command(
        cli.session_factory,
        "disclosure unlock",
        {"estate": estate_slug, "lock_id": lock_id, "reason": reason},
    )


@disclosure.command("decide-unlock")
@click.argument("estate_slug")
@click.argument("lock_id", type=int)
@click.option("--user", "username", required=True, help="The committee member deciding.")
@click.option("--reject", "reason", default=None, help="Reject, with this reason.")
@pass_cli
def decide_unlock(
    cli: CliContext, estate_slug: str, lock_id: int, username: str, reason: str | None
) -> None:
    """Approve the waiting proposal to lift LOCK_ID (or reject it with --reject REASON)."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        lock = unlocks.get_lock(session, estate, lock_id)
        request = approvals.current_request(session, unlocks.SUBJECT_KIND, lock.id)
        if request is None:
            raise click.ClickException(f"No proposal to lift period lock {lock_id}.")
        decided = approvals.decide_request(
            session,
            estate.id,
            request.id,
            principal=_principal(session, username),
            decision=approvals.Decision.REJECT if reason else approvals.Decision.APPROVE,
            reason=reason,
        )
        click.echo(f"request {decided.id}: {decided.status.value}")
    record_command(
        cli.session_factory, "disclosure decide-unlock", {"estate": estate_slug, "lock_id": lock_id}
    )


@disclosure.command("public-names")
@click.argument("estate_slug")
@click.option(
    "--propose",
    type=click.Choice(["names", "roles"]),
    default=None,
    help="Propose showing approvers by name or by role (else: show the setting).",
)
@click.option("--user", "username", default=None, help="The steward or committee member.")
@click.option("--reason", default=None, help="Why (shown publicly).")
@pass_cli
def public_names(
    cli: CliContext,
    estate_slug: str,
    propose: str | None,
    username: str | None,
    reason: str | None,
) -> None:
    """Whether approvers appear by name on the public pages (default: by role, "业委会委员2人").
    With --propose, the steward or a committee member asks for a change; a majority of the
    committee members decides it (`disclosure decide-names`, the approval inbox or the API);
    the proposer cannot."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        if propose is None:
            current = names.setting(session, estate)
            shown = "by name" if current["show_names"] else "by role"
            click.echo(f"approvers appear {shown} (since {current['since'] or 'the start'})")
            if current["pending"]:
                pending = current["pending"]
                click.echo(
                    f"waiting: {'names' if pending['show_names'] else 'roles'} "
                    f"(request {pending['approval_request_id']}): {pending['reason']}"
                )
            return
        if not username or not reason:
            raise click.UsageError("--propose needs --user and --reason.")
        result = names.propose_request(
            session,
            estate,
            principal=_principal(session, username),
            show_names=propose == "names",
            reason=reason,
        )
        approval = result["approval"]
        click.echo(
            f"request {approval['id']}: needs {approval['approvals_needed']} committee approvals"
        )
    record_command(
        cli.session_factory,
        "disclosure public-names",
        {"estate": estate_slug, "propose": propose, "reason": reason},
    )


@disclosure.command("decide-names")
@click.argument("estate_slug")
@click.option("--user", "username", required=True, help="The committee member deciding.")
@click.option("--reject", "reason", default=None, help="Reject, with this reason.")
@pass_cli
def decide_names(cli: CliContext, estate_slug: str, username: str, reason: str | None) -> None:
    """Approve the waiting proposal on how approvers appear (or reject it with --reject)."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        pending = names.setting(session, estate)["pending"]
        if pending is None or pending["approval_request_id"] is None:
            raise click.ClickException("No proposal on how approvers appear is waiting.")
        decided = approvals.decide_request(
            session,
            estate.id,
            pending["approval_request_id"],
            principal=_principal(session, username),
            decision=approvals.Decision.REJECT if reason else approvals.Decision.APPROVE,
            reason=reason,
        )
        click.echo(f"request {decided.id}: {decided.status.value}")
    record_command(cli.session_factory, "disclosure decide-names", {"estate": estate_slug})
