"""Independent checks of an estate's journal.

``verify_journal`` walks the stored rows in sequence order and recomputes the hash chain,
also comparing each entry's postings rows with the legs written in its text, so that a
changed row anywhere (text, hash, amount, account, date) names the first bad entry.
``check_estate`` additionally loads the export with beancount (parse, booking, validation)
and compares every account and fund balance beancount computes with the SQL sums, and the
daily totals (``journal_daily_totals``) with the postings they are derived from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.orm import Session

from trustfund.db.models.disclosure import DisclosureSnapshot
from trustfund.db.models.estates import Household
from trustfund.db.models.fees import FeeReceipt, FeeReceiptLine, ReceiptStatus
from trustfund.db.models.journal import (
    JournalDailyTotal,
    JournalEntry,
    JournalPosting,
    LedgerHead,
)
from trustfund.journal import reading
from trustfund.journal.mirror import export_text
from trustfund.ledger import bean
from trustfund.ledger.accounts import fund_of
from trustfund.ledger.chain import Verification, entry_hash, verify_text
from trustfund.ledger.entries import Leg
from trustfund.ledger.money import fen_text, to_money
from trustfund.ledger.text import GENESIS, canonical_text, open_canonical, without_hash

_SEQ_LINE = re.compile(r'^  seq: "(\d+)"$', re.MULTILINE)
_LEG = re.compile(r"^  ([A-Z][A-Za-z0-9:-]*) (-?\d+\.\d{2}) CNY$", re.MULTILINE)


def regenerated_text(
    *,
    seq: int,
    prev: str,
    on: date,
    kind: str,
    payee: str | None,
    narration: str,
    meta_json: str,
    reverses_seq: int | None,
    legs: Sequence[tuple[str, Decimal]],
) -> str | None:
    """An entry's canonical text built again from its row's columns and its postings rows
    (``None`` if they cannot be rendered): equal to the stored text's canonical part for
    every entry the posting service wrote, so payee, narration, kind and metadata — which
    pages show from the columns — are covered by the hash chain like the text."""
    try:
        meta = json.loads(meta_json)
        if kind == "open":
            account = meta["account"]
            return open_canonical(
                seq=seq, prev=prev, on=on, account=account, name=narration, fund=fund_of(account)
            )
        return canonical_text(
            seq=seq,
            prev=prev,
            on=on,
            narration=narration,
            legs=[Leg(account, amount) for account, amount in legs],
            payee=payee,
            kind=kind,
            meta=meta,
            reverses_seq=reverses_seq,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def verify_journal(session: Session, estate_id: int) -> Verification:
    """Recompute the chain from the database rows; stop at the first bad entry. Each entry's
    text must hash to its stored hash and equal the text built again from its columns and
    postings rows (``regenerated_text``)."""
    result = Verification()
    postings: dict[int, list[tuple[str, Decimal, object]]] = {}
    for entry_id, account, amount, on in session.execute(
        select(
            JournalPosting.entry_id,
            JournalPosting.account,
            JournalPosting.amount,
            JournalPosting.date,
        )
        .where(JournalPosting.estate_id == estate_id)
        .order_by(JournalPosting.entry_id, JournalPosting.position)
    ):
        postings.setdefault(entry_id, []).append((account, to_money(amount), on))
    prev = GENESIS
    rows = session.execute(
        select(
            JournalEntry.id,
            JournalEntry.seq,
            JournalEntry.date,
            JournalEntry.text,
            JournalEntry.hash,
            JournalEntry.prev_hash,
            JournalEntry.kind,
            JournalEntry.payee,
            JournalEntry.narration,
            JournalEntry.meta,
            JournalEntry.reverses_seq,
        )
        .where(JournalEntry.estate_id == estate_id)
        .order_by(JournalEntry.seq)
    )
    for expected, row in enumerate(rows, start=1):
        entry_id, seq, on, text, stored_hash, prev_hash = row[:6]
        result.first_bad_seq = seq
        canonical, text_hash = without_hash(text)
        legs = [(a, Decimal(n)) for a, n in _LEG.findall(text)]
        rows_legs = postings.get(entry_id, [])
        problem = None
        if seq != expected:
            problem = f"entry {expected} is missing (next stored entry is {seq})"
            result.first_bad_seq = expected
        elif prev_hash != prev:
            problem = f"entry {seq}: prev_hash does not match the hash of entry {seq - 1}"
        elif text_hash != stored_hash or entry_hash(prev, canonical) != stored_hash:
            problem = f"entry {seq}: text does not match its hash"
        elif not text.startswith(f"{on.isoformat()} "):
            problem = f"entry {seq}: date column differs from its text"
        elif legs != [(a, n) for a, n, _ in rows_legs] or any(d != on for *_, d in rows_legs):
            problem = f"entry {seq}: postings rows differ from its text"
        elif canonical != regenerated_text(
            seq=seq,
            prev=prev,
            on=on,
            kind=row.kind,
            payee=row.payee,
            narration=row.narration,
            meta_json=row.meta,
            reverses_seq=row.reverses_seq,
            legs=[(a, n) for a, n, _ in rows_legs],
        ):
            problem = (
                f"entry {seq}: its text is not the one its columns (kind, payee, narration, "
                "metadata) and postings make"
            )
        if problem:
            result.problem = problem
            return result
        prev = stored_hash
        result.entries = seq
    head = session.get(LedgerHead, estate_id)
    if head is not None and (head.last_seq != result.entries or head.last_hash != prev):
        result.first_bad_seq = result.entries + 1
        result.problem = (
            f"ledger head says {head.last_seq} entries, the journal has {result.entries}"
        )
        return result
    result.first_bad_seq = None
    result.head_hash = prev
    return result


def daily_totals_problems(session: Session, estate_id: int) -> list[str]:
    """Every (account, day) whose stored daily total differs from the sum of its postings
    (missing rows and rows without postings included; a stored 0 for a day whose postings
    cancel out is right)."""
    by_postings = {
        (on, account): int(fen)
        for on, account, fen in session.execute(
            select(
                JournalPosting.date,
                JournalPosting.account,
                func.sum(cast(func.round(JournalPosting.amount * 100), BigInteger)),
            )
            .where(JournalPosting.estate_id == estate_id)
            .group_by(JournalPosting.date, JournalPosting.account)
        )
    }
    stored = {
        (on, account): int(fen)
        for on, account, fen in session.execute(
            select(JournalDailyTotal.date, JournalDailyTotal.account, JournalDailyTotal.fen).where(
                JournalDailyTotal.estate_id == estate_id
            )
        )
    }
    problems = []
    for on, account in sorted(set(by_postings) | set(stored)):
        want, got = by_postings.get((on, account)), stored.get((on, account))
        if want != got:
            problems.append(
                f"daily total of {account} on {on.isoformat()}: postings "
                f"{_fen_text(want)}, stored {_fen_text(got)}"
            )
    return problems


def _fen_text(fen: int | None) -> str:
    return "none" if fen is None else fen_text(fen)


@dataclass
class CheckReport:
    entries: int = 0
    head_hash: str = GENESIS
    accounts: int = 0
    disclosures: int = 0  # published snapshots whose printed head was compared
    mirror: str = "not compared"
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


STOPPED = "stopped at the first chain failure: nothing else was checked"


def disclosure_problems(session: Session, estate_id: int, entries: int) -> tuple[int, list[str]]:
    """Every published disclosure snapshot's recorded ledger head (seq, hash — printed on the
    statement and in its publication JSON) against the verified chain's entry at that seq:
    a chain rewritten after publication, or cut short, no longer has that hash there.
    Returns (snapshots compared, problems)."""
    problems = []
    snapshots = session.execute(
        select(
            DisclosureSnapshot.version_id,
            DisclosureSnapshot.ledger_seq,
            DisclosureSnapshot.ledger_hash,
            DisclosureSnapshot.publication_json,
        )
        .where(DisclosureSnapshot.estate_id == estate_id)
        .order_by(DisclosureSnapshot.id)
    ).all()
    wanted = sorted({seq for _, seq, _, _ in snapshots if 0 < seq <= entries})
    chain = {0: GENESIS}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(JournalEntry.seq, JournalEntry.hash).where(
                JournalEntry.estate_id == estate_id,
                JournalEntry.seq.in_(wanted[start : start + 500]),
            )
        )
        chain.update((seq, digest) for seq, digest in rows)
    for version_id, seq, digest, publication_json in snapshots:
        where = f"disclosure version {version_id} (published at entry {seq})"
        try:
            printed = json.loads(publication_json)
        except ValueError:
            printed = {}
        if (printed.get("ledger_seq"), printed.get("ledger_hash")) != (seq, digest):
            problems.append(f"{where}: the head in its publication differs from its record")
        if seq > entries:
            problems.append(f"{where}: the journal has only {entries} entries")
        elif chain.get(seq) != digest:
            problems.append(
                f"{where}: entry {seq} now hashes to {chain.get(seq)}, the disclosure printed "
                f"{digest}: the chain was rewritten after publication"
            )
    return len(snapshots), problems


def receipt_problems(session: Session, estate_id: int) -> list[str]:
    """Every fee receipt (收据) against the journal entry it names: the public receipt page
    shows a receipt's amount, date, fee year, household, fund lines and status from the fee
    tables, outside the chain, so each must equal its chained entry (receipt number,
    household code and fee year in its metadata, its date, the money received, the credit
    per fund unless prepaid) and a void receipt must name the reversal of that entry.
    Run after ``verify_journal`` passed: the entry rows are then the chain's."""
    receipts = session.execute(
        select(
            FeeReceipt.id,
            FeeReceipt.receipt_no,
            FeeReceipt.amount,
            FeeReceipt.paid_on,
            FeeReceipt.fee_year,
            FeeReceipt.prepaid,
            FeeReceipt.entry_seq,
            FeeReceipt.status,
            FeeReceipt.void_entry_seq,
            Household.code,
        )
        .join(Household, Household.id == FeeReceipt.household_id)
        .where(FeeReceipt.estate_id == estate_id)
        .order_by(FeeReceipt.receipt_no)
    ).all()
    if not receipts:
        return []
    lines: dict[int, dict[str, Decimal]] = {}
    for receipt_id, fund, amount in session.execute(
        select(FeeReceiptLine.receipt_id, FeeReceiptLine.fund, FeeReceiptLine.amount)
        .join(FeeReceipt, FeeReceipt.id == FeeReceiptLine.receipt_id)
        .where(FeeReceipt.estate_id == estate_id)
    ):
        lines.setdefault(receipt_id, {})[fund] = to_money(amount)
    entries = {
        seq: (on, kind, json.loads(meta), reverses)
        for seq, on, kind, meta, reverses in session.execute(
            select(
                JournalEntry.seq,
                JournalEntry.date,
                JournalEntry.kind,
                JournalEntry.meta,
                JournalEntry.reverses_seq,
            ).where(
                JournalEntry.estate_id == estate_id,
                JournalEntry.kind.in_(("fee_payment", "reversal")),
            )
        )
    }
    legs: dict[int, list[tuple[str, Decimal]]] = {}
    for seq, account, amount in session.execute(
        select(JournalEntry.seq, JournalPosting.account, JournalPosting.amount)
        .join(JournalPosting, JournalPosting.entry_id == JournalEntry.id)
        .where(JournalEntry.estate_id == estate_id, JournalEntry.kind == "fee_payment")
    ):
        legs.setdefault(seq, []).append((account, to_money(amount)))
    problems = []
    for row in receipts:
        where = f"receipt {row.receipt_no} (entry {row.entry_seq})"
        entry = entries.get(row.entry_seq)
        if entry is None or entry[1] != "fee_payment":
            problems.append(f"{where}: no fee payment entry {row.entry_seq} in the journal")
            continue
        on, _, meta, _ = entry
        entry_legs = legs.get(row.entry_seq, [])
        received = sum((a for _, a in entry_legs if a > 0), Decimal("0.00"))
        credits: dict[str, Decimal] = {}
        for account, amount in entry_legs:
            if (credited := fund_of(account)) is not None:
                credits[credited] = credits.get(credited, Decimal("0.00")) - amount
        said = {"receipt": row.receipt_no, "household": row.code, "fee-year": str(row.fee_year)}
        for key, value in said.items():
            if meta.get(key) != value:
                problems.append(
                    f"{where}: {key} {value} on the receipt, {meta.get(key)} in the entry"
                )
        if on != row.paid_on:
            problems.append(f"{where}: paid on {row.paid_on} on the receipt, {on} in the entry")
        if received != to_money(row.amount):
            problems.append(
                f"{where}: {to_money(row.amount)} on the receipt, {received} in the entry"
            )
        if not row.prepaid and credits != lines.get(row.id, {}):
            problems.append(f"{where}: its fund lines differ from the entry's credits")
        reversal = entries.get(row.void_entry_seq) if row.void_entry_seq is not None else None
        if (row.status == ReceiptStatus.VOID) != (
            reversal is not None and reversal[3] == row.entry_seq
        ):
            problems.append(f"{where}: {row.status.value} on the receipt, not in the journal")
    return problems


def mirror_problem(path: Path, text: str) -> tuple[str, str | None]:
    """The mirror file against the export, byte for byte: (state, problem or None). A file
    that is the start of the export lags behind (a crash, or the server is writing); any
    other difference names the first line that differs and the entry it belongs to."""
    if not path.exists():
        return "no file yet (trustfund ledger sync writes it)", None
    try:
        mirrored = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return "unreadable", f"mirror {path}: cannot be read as UTF-8 text: {exc}"
    if mirrored == text:
        return "identical to the database", None
    if text.startswith(mirrored):
        behind = text[len(mirrored) :].count("\n  seq: ")
        return "behind", f"mirror {path}: {behind} entries behind the database (run ledger sync)"
    ours, theirs = text.split("\n"), mirrored.split("\n")
    line = next(
        (i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
        min(len(ours), len(theirs)),
    )
    if line >= len(ours):
        return (
            "differs",
            f"mirror {path}: goes on after the database's last entry (line {line + 1})",
        )
    start = line
    while start > 0 and ours[start].startswith("  "):
        start -= 1  # back to the first line of the entry holding the difference
    seq = _SEQ_LINE.search("\n".join(ours[start : start + 4]))
    entry = f" (entry {seq.group(1)})" if seq else ""
    return "differs", f"mirror {path}: first difference at line {line + 1}{entry}"


def check_estate(session: Session, estate_id: int, *, mirror: Path | None = None) -> CheckReport:
    """Everything ``trustfund ledger check`` reports: the stored chain (hashes, and each
    entry's text against its columns and postings), the exported file's chain, then —
    only when both chains hold — beancount's own errors, and every account and fund
    balance, beancount vs SQL, and the daily totals. A broken chain stops the check: text
    that failed it is never given to beancount."""
    report = CheckReport()
    stored = verify_journal(session, estate_id)
    report.entries, report.head_hash = stored.entries, stored.head_hash
    if not stored.ok:  # tampered: its text is never given to beancount
        report.problems += [f"database: {stored.problem}", STOPPED]
        return report
    text = export_text(session, estate_id)
    exported = verify_text(text)
    if not exported.ok:
        report.problems += [f"export: {exported.problem}", STOPPED]
        return report
    if mirror is not None:
        report.mirror, why = mirror_problem(mirror, text)
        report.problems += [why] if why else []
    report.disclosures, problems = disclosure_problems(session, estate_id, stored.entries)
    report.problems += problems + receipt_problems(session, estate_id)
    ledger = bean.load(text)  # runs no plugin, include or option the text might name
    report.problems += [f"beancount: {m}" for m in bean.error_messages(ledger.errors)]
    by_beancount = bean.account_balances(ledger)
    by_sql = reading.account_balances(session, estate_id)
    report.accounts = len(set(by_beancount) | set(by_sql))
    for account in sorted(set(by_beancount) | set(by_sql)):
        a, b = by_sql.get(account), by_beancount.get(account)
        if a != b:
            report.problems.append(f"balance of {account}: SQL {a}, beancount {b}")
    sql_funds = {f: v for f, v in reading.fund_balances(session, estate_id).items() if v}
    bean_funds = bean.fund_balances(by_beancount)
    for fund in sorted(set(sql_funds) | set(bean_funds)):
        if sql_funds.get(fund) != bean_funds.get(fund):
            report.problems.append(
                f"fund {fund}: SQL {sql_funds.get(fund)}, beancount {bean_funds.get(fund)}"
            )
    report.problems += daily_totals_problems(session, estate_id)
    return report
