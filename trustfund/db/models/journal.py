"""Journal tables (issue 3): the chart per estate, the append-only entries and postings,
the per-estate chain head, period locks and request idempotency records.

``journal_entries`` and ``journal_postings`` are append-only: no code updates or deletes
them, and on PostgreSQL triggers (migration 0003) refuse it. ``ledger_heads`` is the one
mutable row per estate: the last sequence number and hash, locked while posting.
``journal_daily_totals`` is derived from the postings and kept by the posting service under
that lock; ``trustfund ledger check`` compares the two.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustfund.db.base import Base, Money, UTCDateTime, utcnow


class LedgerAccount(Base):
    """An account opened in one estate's books (its ``open`` directive)."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (UniqueConstraint("estate_id", "account"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    account: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(100))  # Chinese display name
    fund: Mapped[str | None] = mapped_column(String(60), default=None)
    opened_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerHead(Base):
    """The end of an estate's hash chain; ``SELECT … FOR UPDATE`` on it serialises writers."""

    __tablename__ = "ledger_heads"

    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class JournalEntry(Base):
    """One posted entry: its canonical beancount ``text`` and its place in the hash chain."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("estate_id", "seq"),
        UniqueConstraint("estate_id", "idempotency_key"),
        UniqueConstraint("estate_id", "reverses_seq"),
        CheckConstraint("seq > 0", name="seq_positive"),
        # A period's entry count and last seq from the index alone (migration 0009).
        Index("ix_journal_entries_period", "estate_id", "date", "seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    seq: Mapped[int] = mapped_column(Integer)
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    payee: Mapped[str | None] = mapped_column(String(500), default=None)
    narration: Mapped[str] = mapped_column(String(500))
    meta: Mapped[str] = mapped_column(Text, default="{}")  # the draft's metadata, JSON
    text: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the draft's content
    reverses_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, default=None)

    postings: Mapped[list[JournalPosting]] = relationship(
        back_populates="entry", order_by="JournalPosting.position", lazy="selectin"
    )


class JournalPosting(Base):
    """One leg of an entry. ``estate_id``, ``date`` and ``fund`` repeat the entry's so that
    balances are one indexed ``GROUP BY`` over this table."""

    __tablename__ = "journal_postings"
    __table_args__ = (
        UniqueConstraint("entry_id", "position"),
        CheckConstraint("amount <> 0", name="amount_nonzero"),
        # Period sums group a date range by account: covering, so they never touch the table.
        Index("ix_journal_postings_period", "estate_id", "date", "account", "amount"),
        # One account's postings over time (expense detail, statements).
        Index("ix_journal_postings_account", "estate_id", "account", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    date: Mapped[date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(200))
    fund: Mapped[str | None] = mapped_column(String(60), default=None)
    amount: Mapped[Decimal] = mapped_column(Money)

    entry: Mapped[JournalEntry] = relationship(back_populates="postings")


class JournalDailyTotal(Base):
    """The sum of one estate's postings to one account on one day, in whole fen.

    Derived data, kept by the posting service (``journal.service``) in the transaction that
    posts, under the estate's ledger head lock: every new entry's legs are added with one
    upsert. Opening balances, period sums and the monthly chart of a statement read it instead
    of the postings — a year of 100,000 entries is about 2,000 rows here against 360,000
    postings. ``trustfund ledger check`` recomputes it from the postings. Whole fen rather
    than ``NUMERIC``: SQLite keeps ``NUMERIC`` as binary floating point, and a total updated
    in place would drift; an integer stays exact on both backends. A day whose postings to an
    account cancel out keeps its row (with 0)."""

    __tablename__ = "journal_daily_totals"

    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    account: Mapped[str] = mapped_column(String(200), primary_key=True)
    fen: Mapped[int] = mapped_column(BigInteger)


class PeriodLock(Base):
    """A period [start, end] (both inclusive) that refuses new entries dated inside it, from
    the publication of its disclosure until a committee majority lifts it (``lifted_at``; the
    row stays as history). Only the lift columns ever change, once."""

    __tablename__ = "period_locks"
    __table_args__ = (
        CheckConstraint('start <= "end"', name="start_before_end"),
        Index("ix_period_locks_estate_id_start", "estate_id", "start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_by: Mapped[int | None] = mapped_column(Integer, default=None)
    #: Set once, when the approved correction request ``lift_request_id`` lifted the lock.
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    lift_request_id: Mapped[int | None] = mapped_column(Integer, default=None)
    lift_reason: Mapped[str | None] = mapped_column(String(500), default=None)


class IdempotencyRecord(Base):
    """The stored result of one idempotent request (``journal.idempotency.run_idempotent``)."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JournalProposal(Base):
    """An entry proposed by one person and posted only once approved (four eyes): the
    opening balances (``purpose`` ``opening``, migration 0010) and general entries that move
    money between parties (``purpose`` ``entry``). ``legs``/``meta``/``detail`` hold the exact
    draft as JSON; the approval request is bound to that content and any edit voids it. Once
    posted, ``entry_seq`` names the journal entry and the proposal never changes again."""

    __tablename__ = "journal_proposals"
    __table_args__ = (Index("ix_journal_proposals_estate_purpose", "estate_id", "purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    purpose: Mapped[str] = mapped_column(String(20))  # "opening" | "entry"
    date: Mapped[date] = mapped_column(Date)
    narration: Mapped[str] = mapped_column(String(500))
    payee: Mapped[str | None] = mapped_column(String(500), default=None)
    legs: Mapped[str] = mapped_column(Text)  # [[account, "amount"], ...]
    meta: Mapped[str] = mapped_column(Text, default="{}")
    detail: Mapped[str] = mapped_column(Text, default="{}")  # what the proposer entered
    amount: Mapped[Decimal] = mapped_column(Money)  # what the approval tiers read
    status: Mapped[str] = mapped_column(String(10))  # pending|approved|rejected|posted|void
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
