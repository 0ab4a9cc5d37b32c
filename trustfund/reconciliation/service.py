"""Commands and queries of the bank routes and CLI: each command is one request, checks and
writes in one transaction (``@command``: commits on return, writes nothing on error). They
return the typed views of ``reconciliation.schemas``. See ``docs.md`` for the whole picture."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.db.models.reconciliation import BankMatch, BankStatementLine
from trustfund.db.session import command
from trustfund.reconciliation import matching, months, statements, wallets
from trustfund.reconciliation.schemas import (
    LineWithMatchesOut,
    MatchConfirmedOut,
    MatchingOut,
    MatchRunOut,
    MatchUndoneOut,
    StatementImportOut,
)


@command
def import_statement(
    session: Session,
    estate: Estate,
    data: bytes,
    filename: str,
    *,
    through: date | None,
    actor_user_id: int | None,
) -> StatementImportOut:
    """Import a statement file (all rows or none), match what is unique, void the approval of
    any month whose figures changed. Raises ValidationError (``rows[N].field``,
    ``columns``, ``file``, ``through``)."""
    outcome = statements.import_statement(
        session, estate, data, filename, through=through, actor_user_id=actor_user_id
    )
    matched = matching.auto_match(session, estate.id) if outcome.new_lines else 0
    if outcome.new_lines:  # a wallet's withdrawal may have reached one of the new lines
        matched += sum(wallets.match(session, estate.id, source)[1] for source in wallets.LAYOUTS)
    voided = months.revalidate(session, estate.id) if outcome.import_id else []
    session.flush()
    return {
        "import_id": outcome.import_id,
        "rows": outcome.rows,
        "new_lines": outcome.new_lines,
        "known_lines": outcome.known_lines,
        "first_date": outcome.first_date.isoformat(),
        "last_date": outcome.last_date.isoformat(),
        "covered_through": _iso(statements.covered_through(session, estate.id)),
        "matched": matched,
        "reconciliations_voided": voided,
    }


def _iso(on: date | None) -> str | None:
    return on.isoformat() if on else None


@command
def run_matching(session: Session, estate: Estate) -> MatchRunOut:
    """Match every line and movement that agree uniquely (after new entries were posted)."""
    matched = matching.auto_match(session, estate.id)
    voided = months.revalidate(session, estate.id) if matched else []
    return {"matched": matched, "reconciliations_voided": voided, **overview(session, estate)}


def overview(session: Session, estate: Estate) -> MatchingOut:
    """Proposed matches, unmatched lines and unmatched movements, and the matches made."""
    state = matching.free_state(session, estate.id)
    proposed = matching.proposals(session, estate.id)
    proposed_ids = {p["line"]["id"] for p in proposed}
    active = matching.active_matches(session, estate.id)
    people = months.user_names(session, {m.matched_by for m in active if m.matched_by})
    return {
        "proposed": proposed,
        "unmatched_lines": [
            matching.line_view(line) for line in state.lines if line.id not in proposed_ids
        ],
        "unmatched_entries": [m.view() for m in state.moves],
        "matches": [matching.match_view(m, people) for m in active],
    }


@command
def confirm_match(
    session: Session,
    estate: Estate,
    line_id: int,
    entry_seqs: list[int],
    note: str,
    *,
    actor_user_id: int | None,
) -> MatchConfirmedOut:
    """A person confirms a match; what that leaves unique is then matched automatically
    (``matched``). Raises what ``matching.confirm`` raises."""
    made = matching.confirm(
        session, estate.id, line_id, entry_seqs, note=note, actor_user_id=actor_user_id
    )
    matched = matching.auto_match(session, estate.id)
    voided = months.revalidate(session, estate.id)
    people = months.user_names(session, {actor_user_id} if actor_user_id else set())
    return {
        "matches": [matching.match_view(m, people) for m in made],
        "matched": matched,
        "reconciliations_voided": voided,
    }


@command
def undo_match(
    session: Session, estate: Estate, line_id: int, *, actor_user_id: int | None
) -> MatchUndoneOut:
    """Undo a line's matches. Raises NotFoundError, ConflictError."""
    undone = matching.undo(session, estate.id, line_id, actor_user_id=actor_user_id)
    voided = months.revalidate(session, estate.id)
    return {"undone": undone, "reconciliations_voided": voided}


def list_lines(
    session: Session, estate: Estate, start: date | None, end: date | None
) -> list[LineWithMatchesOut]:
    """Statement lines (optionally of a date range) with the entries each is matched to."""
    stmt = select(BankStatementLine).where(BankStatementLine.estate_id == estate.id)
    if start is not None:
        stmt = stmt.where(BankStatementLine.date >= start)
    if end is not None:
        stmt = stmt.where(BankStatementLine.date <= end)
    lines = list(
        session.scalars(
            stmt.order_by(
                BankStatementLine.date, BankStatementLine.import_id, BankStatementLine.row
            )
        )
    )
    matched: dict[int, list[BankMatch]] = {}
    for m in matching.active_matches(session, estate.id):
        matched.setdefault(m.line_id, []).append(m)
    return [
        {
            **matching.line_view(line),
            "entry_seqs": [m.entry_seq for m in matched.get(line.id, [])],
            "match_kind": matched[line.id][0].kind if line.id in matched else None,
        }
        for line in lines
    ]
