"""Matching statement lines to the books' bank movements — without touching the journal.

A **bank movement** is a journal entry's net posting to the committee bank account
(``Assets:Bank:Committee``): fee payments by transfer, WeChat or Alipay, cash deposits, claim
payouts, refunds, grants … — every entry but the opening balances (which the statement's
balance before the books opened answers) and entries that were reversed, together with
their reversals (a mistake and its correction never reached the bank).

**Automatic** (``auto_match``, kind ``auto``): a line and a movement of the same signed
amount within ±3 days (``WINDOW``) where neither has another candidate; where a line has
several candidates and exactly one is *named* by the line (the payout's payee is the
line's 对方户名, or the receipt number or household code is in its 附言), that one. Repeated
until nothing more is unique.

**Proposed** (``proposals``): a line with several candidates — a person picks one and
confirms it (``confirm``, kind ``confirmed``, Action.RECORD); a line paid as several entries
(one transfer for two receipts) is confirmed with all of them, their sum equal to the line.
A confirmed match outside the window needs a note; what a confirmation leaves unique
is then matched automatically (``service.confirm_match``). Every match records who made it; undoing
one (``undo``) keeps the row with who undid it.

Only statement lines dated on or after the day the books opened take part.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.base import utcnow
from trustfund.db.models.journal import JournalEntry, JournalPosting
from trustfund.db.models.reconciliation import BankMatch, BankStatementLine
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError
from trustfund.journal.head import books_opened_on
from trustfund.ledger.accounts import BANK
from trustfund.ledger.money import ZERO
from trustfund.messages import Message
from trustfund.reconciliation.schemas import (
    MatchOut,
    MatchProposalOut,
    MovementOut,
    StatementLineOut,
)

L = TypeVar("L")
M = TypeVar("M")
WINDOW = timedelta(days=3)
AUTO, CONFIRMED = "auto", "confirmed"
MAX_NOTE = 200


@dataclass(frozen=True)
class Movement:
    """One journal entry's net amount into (+) or out of (−) the bank."""

    seq: int
    date: date
    amount: Decimal
    kind: str
    narration: str
    payee: str
    receipt: str
    household: str
    reverses_seq: int | None
    method: str = ""  # a fee payment's method (cash, wechat, alipay, bank_transfer)

    def view(self) -> MovementOut:
        return {
            "seq": self.seq,
            "date": self.date.isoformat(),
            "amount": str(self.amount),
            "kind": self.kind,
            "narration": self.narration,
            "payee": self.payee,
        }


def movements(session: Session, estate_id: int) -> list[Movement]:
    """Every bank movement of the estate's books in date order, the opening entry left out;
    entries that reverse another keep ``reverses_seq``."""
    rows = session.execute(
        select(
            JournalEntry.seq,
            JournalEntry.date,
            JournalEntry.kind,
            JournalEntry.narration,
            JournalEntry.payee,
            JournalEntry.meta,
            JournalEntry.reverses_seq,
            JournalPosting.amount,
        )
        .join(JournalPosting, JournalPosting.entry_id == JournalEntry.id)
        .where(
            JournalEntry.estate_id == estate_id,
            JournalPosting.account == BANK,
            JournalEntry.kind != "opening",
        )
        .order_by(JournalEntry.date, JournalEntry.seq)
    )
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    info: dict[int, tuple[Any, ...]] = {}
    for seq, on, kind, narration, payee, meta, reverses, amount in rows:
        net[seq] += Decimal(amount).quantize(Decimal("0.01"))
        info[seq] = (on, kind, narration, payee, meta, reverses)
    out = []
    for seq, (on, kind, narration, payee, meta, reverses) in info.items():
        if net[seq] == ZERO:
            continue
        data = json.loads(meta or "{}")
        out.append(
            Movement(
                seq,
                on,
                net[seq],
                kind,
                narration,
                payee or "",
                str(data.get("receipt", "")),
                str(data.get("household", "")),
                reverses,
                str(data.get("method", "")),
            )
        )
    return out


def cancelled_pairs(moves: Sequence[Movement]) -> dict[int, int]:
    """``{seq: its partner}`` for every reversed entry and its reversal, both ways."""
    seqs = {m.seq for m in moves}
    pairs: dict[int, int] = {}
    for m in moves:
        if m.reverses_seq is not None and m.reverses_seq in seqs:
            pairs[m.seq] = m.reverses_seq
            pairs[m.reverses_seq] = m.seq
    return pairs


def active_matches(session: Session, estate_id: int) -> list[BankMatch]:
    return list(
        session.scalars(
            select(BankMatch)
            .where(BankMatch.estate_id == estate_id, BankMatch.undone_at.is_(None))
            .order_by(BankMatch.id)
        )
    )


def in_scope(session: Session, estate_id: int) -> list[BankStatementLine]:
    """Statement lines on or after the day the books opened, in statement order."""
    opened = books_opened_on(session, estate_id)
    if opened is None:
        return []
    return list(
        session.scalars(
            select(BankStatementLine)
            .where(BankStatementLine.estate_id == estate_id, BankStatementLine.date >= opened)
            .order_by(BankStatementLine.date, BankStatementLine.import_id, BankStatementLine.row)
        )
    )


def names(line: BankStatementLine, move: Movement) -> bool:
    """Whether the line names the movement: payee = 对方户名, or its receipt number or
    household code in the 附言."""
    if move.payee and line.counterparty and move.payee.strip() == line.counterparty.strip():
        return True
    return any(ref and ref in line.memo for ref in (move.receipt, move.household))


def _candidates(line: BankStatementLine, free: Sequence[Movement]) -> list[Movement]:
    return [m for m in free if m.amount == line.amount and abs(m.date - line.date) <= WINDOW]


@dataclass(frozen=True)
class State:
    """Lines and movements that are still free to match."""

    lines: list[BankStatementLine]
    moves: list[Movement]


def free_state(session: Session, estate_id: int) -> State:
    matches = active_matches(session, estate_id)
    matched_lines = {m.line_id for m in matches}
    matched_seqs = {m.entry_seq for m in matches}
    moves = movements(session, estate_id)
    pairs = cancelled_pairs(moves)
    return State(
        [line for line in in_scope(session, estate_id) if line.id not in matched_lines],
        [m for m in moves if m.seq not in matched_seqs and m.seq not in pairs],
    )


def unique_pairs(
    lines: Sequence[L],
    moves: Sequence[M],
    *,
    line_key: Callable[[L], Hashable],
    move_key: Callable[[M], Hashable],
    candidates: Callable[[L, Sequence[M]], list[M]],
    named: Callable[[L, M], bool],
) -> list[tuple[L, M, str]]:
    """The one matcher, for bank statement lines and wallet bill lines alike: every line with
    exactly one candidate that is no other line's candidate; where a line has several
    candidates and exactly one is ``named`` by it (and by no rival line), that one. Repeated
    until nothing more is unique. Returns ``(line, move, why)``."""
    out: list[tuple[L, M, str]] = []
    lines, moves = list(lines), list(moves)
    while True:
        cands = {line_key(line): candidates(line, moves) for line in lines}
        by_key = {line_key(line): line for line in lines}
        wanted: dict[Hashable, list[Hashable]] = defaultdict(list)
        for key, found in cands.items():
            for m in found:
                wanted[move_key(m)].append(key)
        chosen: list[tuple[L, M, str]] = []
        for line in lines:
            key, found = line_key(line), cands[line_key(line)]
            if len(found) == 1 and wanted[move_key(found[0])] == [key]:
                chosen.append((line, found[0], "amount and date"))
                continue
            named_ = [m for m in found if named(line, m)]
            if len(found) > 1 and len(named_) == 1:
                rivals = [
                    other
                    for other in wanted[move_key(named_[0])]
                    if other != key and named(by_key[other], named_[0])
                ]
                if not rivals:
                    chosen.append((line, named_[0], "amount, date and reference"))
        taken_moves: set[Hashable] = set()
        taken_lines: set[Hashable] = set()
        for line, move, why in chosen:
            if move_key(move) in taken_moves or line_key(line) in taken_lines:
                continue
            out.append((line, move, why))
            taken_moves.add(move_key(move))
            taken_lines.add(line_key(line))
        if not taken_lines:
            return out
        lines = [line for line in lines if line_key(line) not in taken_lines]
        moves = [m for m in moves if move_key(m) not in taken_moves]


def auto_match(session: Session, estate_id: int) -> int:
    """Store every unique match (see the module docstring); returns how many. Flushes."""
    state = free_state(session, estate_id)
    pairs = unique_pairs(
        state.lines,
        state.moves,
        line_key=lambda line: line.id,
        move_key=lambda move: move.seq,
        candidates=_candidates,
        named=names,
    )
    session.add_all(
        BankMatch(estate_id=estate_id, line_id=line.id, entry_seq=move.seq, kind=AUTO, note=why)
        for line, move, why in pairs
    )
    session.flush()
    return len(pairs)


def proposals(session: Session, estate_id: int) -> list[MatchProposalOut]:
    """Free lines with more than one free movement of the same amount within the window."""
    state = free_state(session, estate_id)
    out: list[MatchProposalOut] = []
    for line in state.lines:
        found = _candidates(line, state.moves)
        if len(found) > 1 or (found and not _unique_for(line, found[0], state)):
            out.append(
                {
                    "line": line_view(line),
                    "candidates": [{**m.view(), "named_by_line": names(line, m)} for m in found],
                }
            )
    return out


def _unique_for(line: BankStatementLine, move: Movement, state: State) -> bool:
    return all(
        other.id == line.id or move not in _candidates(other, [move]) for other in state.lines
    )


def line_view(line: BankStatementLine) -> StatementLineOut:
    return {
        "id": line.id,
        "serial": line.serial,
        "date": line.date.isoformat(),
        "amount": str(line.amount),
        "balance": str(line.balance),
        "counterparty": line.counterparty,
        "memo": line.memo,
    }


def match_view(match: BankMatch, names_by_id: dict[int, str]) -> MatchOut:
    return {
        "id": match.id,
        "line_id": match.line_id,
        "entry_seq": match.entry_seq,
        "kind": match.kind,
        "note": match.note,
        "matched_by": match.matched_by,
        "matched_by_name": names_by_id.get(match.matched_by or 0),
        "matched_at": match.matched_at.isoformat(),
    }


def _get_line(session: Session, estate_id: int, line_id: int) -> BankStatementLine:
    line = session.get(BankStatementLine, line_id)
    if line is None or line.estate_id != estate_id:
        raise NotFoundError(Message("reconciliation.no_line", line_id=line_id))
    return line


def confirmed_note(note: str, booked: date, line_date: date, far_apart: Message) -> str:
    """The note of a match a person confirms (a statement line here, a wallet's collection in
    ``wallets.confirm``), stripped. Raises ValidationError (``note``): longer than
    ``MAX_NOTE``, or empty when the books' date ``booked`` and the line's are more than
    ``WINDOW`` apart (``far_apart`` says so)."""
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError.field("note", Message("input.at_most_characters", limit=MAX_NOTE))
    if abs(booked - line_date) > WINDOW and not note:
        raise ValidationError.field("note", far_apart)
    return note


def confirm(
    session: Session,
    estate_id: int,
    line_id: int,
    entry_seqs: Sequence[int],
    *,
    note: str,
    actor_user_id: int | None,
) -> list[BankMatch]:
    """A person links a line to one or more entries. Flushes.

    Raises NotFoundError (line), ConflictError (the line or an entry is matched already),
    ValidationError (``entry_seqs``: not bank movements, reversed, amounts that do not sum to
    the line's; ``note``: missing outside the ±3-day window, too long)."""
    line = _get_line(session, estate_id, line_id)
    opened = books_opened_on(session, estate_id)
    if opened is None or line.date < opened:
        raise ValidationError.field(
            "line_id", Message("reconciliation.line_before_opening", date=line.date, opened=opened)
        )
    active = active_matches(session, estate_id)
    if any(m.line_id == line.id for m in active):
        raise ConflictError(Message("reconciliation.line_matched_already", serial=line.serial))
    seqs = list(dict.fromkeys(entry_seqs))
    if not seqs:
        raise ValidationError.field("entry_seqs", Message("reconciliation.name_an_entry"))
    moves = {m.seq: m for m in movements(session, estate_id)}
    pairs = cancelled_pairs(list(moves.values()))
    errors: list[FieldError] = []
    for i, seq in enumerate(seqs):
        if seq not in moves:
            errors.append(
                FieldError(f"entry_seqs[{i}]", Message("reconciliation.entry_no_bank", seq=seq))
            )
        elif seq in pairs:
            errors.append(
                FieldError(f"entry_seqs[{i}]", Message("reconciliation.entry_reversed", seq=seq))
            )
    if errors:
        raise ValidationError(Message("reconciliation.cannot_match"), errors=errors)
    taken = [m for m in active if m.entry_seq in seqs]
    if taken:
        raise ConflictError(
            Message("reconciliation.entry_matched_already", entry_seq=taken[0].entry_seq)
        )
    total = sum((moves[s].amount for s in seqs), ZERO)
    if total != line.amount:
        raise ValidationError.field(
            "entry_seqs", Message("reconciliation.sum_differs", total=total, amount=line.amount)
        )
    # the first entry beyond the window names the refusal (none beyond it: no refusal)
    seq = next((s for s in seqs if abs(moves[s].date - line.date) > WINDOW), seqs[0])
    booked = moves[seq].date
    note = confirmed_note(
        note,
        booked,
        line.date,
        Message("reconciliation.dates_far_apart", seq=seq, date=booked, date2=line.date),
    )
    made = [
        BankMatch(
            estate_id=estate_id,
            line_id=line.id,
            entry_seq=seq,
            kind=CONFIRMED,
            note=note,
            matched_by=actor_user_id,
        )
        for seq in seqs
    ]
    session.add_all(made)
    session.flush()
    return made


def undo(session: Session, estate_id: int, line_id: int, *, actor_user_id: int | None) -> int:
    """Undo every match of the line (the rows stay, with who undid them). Flushes.
    Raises NotFoundError, ConflictError (nothing matched)."""
    line = _get_line(session, estate_id, line_id)
    rows = [m for m in active_matches(session, estate_id) if m.line_id == line.id]
    if not rows:
        raise ConflictError(Message("reconciliation.line_not_matched", serial=line.serial))
    for m in rows:
        m.undone_at = utcnow()
        m.undone_by = actor_user_id
    session.flush()
    return len(rows)
