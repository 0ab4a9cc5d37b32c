"""Bank reconciliation tables (issue 18): the committee account's statement as the bank
exported it, the links between statement lines and journal entries, and the month-end
reconciliations (银行余额调节表) the committee approves; and the steward's cash counts
(现金盘点), approved the same way.

None of these touches the journal: a match is a separate row naming a statement line and a
journal entry's ``seq``. Statement lines are never updated or deleted (a re-import of the same
serial number changes nothing); matches are never deleted either — undoing one sets
``undone_at``/``undone_by`` once, so who matched what, and who undid it, stays visible.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustfund.db.base import Base, Money, UTCDateTime, utcnow


class BankColumnMapping(Base):
    """An estate's own names for statement columns: ``{"header as the bank writes it":
    "field"}`` as JSON, read before the standard names (``reconciliation.statements``)."""

    __tablename__ = "bank_column_mappings"

    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), primary_key=True)
    columns: Mapped[str] = mapped_column(Text, default="{}")
    updated_by: Mapped[int | None] = mapped_column(Integer, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BankStatementImport(Base):
    """One statement file imported: what it held, what was new, who imported it."""

    __tablename__ = "bank_statement_imports"
    __table_args__ = (Index("ix_bank_statement_imports_estate", "estate_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    new_lines: Mapped[int] = mapped_column(Integer)
    first_date: Mapped[date] = mapped_column(Date)
    last_date: Mapped[date] = mapped_column(Date)
    #: The statement is complete up to this day (the query period's end; at least last_date).
    through: Mapped[date] = mapped_column(Date)
    imported_by: Mapped[int | None] = mapped_column(Integer, default=None)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BankStatementLine(Base):
    """One line of the committee account's statement; ``amount`` is signed (in > 0,
    out < 0) and ``balance`` is the account balance after it, as the bank printed it.
    Lines are ordered by ``(date, import_id, row)``."""

    __tablename__ = "bank_statement_lines"
    __table_args__ = (
        UniqueConstraint("estate_id", "serial"),
        Index("ix_bank_statement_lines_estate_date", "estate_id", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    import_id: Mapped[int] = mapped_column(ForeignKey("bank_statement_imports.id"))
    row: Mapped[int] = mapped_column(Integer)  # spreadsheet row in the file that brought it
    serial: Mapped[str] = mapped_column(String(80))  # 流水号
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    balance: Mapped[Decimal] = mapped_column(Money)
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    memo: Mapped[str] = mapped_column(String(500), default="")


class BankMatch(Base):
    """A statement line linked to one journal entry (by ``entry_seq``). A line paid out as
    several entries (one transfer for two households' receipts) has one row per entry.
    ``kind`` is ``auto`` (amount and date agreed uniquely) or ``confirmed`` (a person chose
    it: ``matched_by``). Undone once, never deleted."""

    __tablename__ = "bank_matches"
    __table_args__ = (
        Index("ix_bank_matches_line", "line_id"),
        Index("ix_bank_matches_estate_entry", "estate_id", "entry_seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("bank_statement_lines.id"))
    entry_seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # auto | confirmed
    note: Mapped[str] = mapped_column(String(200), default="")
    matched_by: Mapped[int | None] = mapped_column(Integer, default=None)
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    undone_by: Mapped[int | None] = mapped_column(Integer, default=None)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class BankReconciliation(Base):
    """A month's reconciliation as the steward prepared it: the figures (``content``, JSON,
    exactly what the approval request is bound to). Whether it stands is the approval's
    status *and* today's figures hashing the same (``reconciliation.months``)."""

    __tablename__ = "bank_reconciliations"
    __table_args__ = (UniqueConstraint("estate_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    month_end: Mapped[date] = mapped_column(Date)
    statement_balance: Mapped[Decimal] = mapped_column(Money)
    book_balance: Mapped[Decimal] = mapped_column(Money)
    content: Mapped[str] = mapped_column(Text)
    prepared_by: Mapped[int] = mapped_column(Integer)
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CashCount(Base):
    """The steward's cash counted by denomination (现金盘点) on one day: ``counts`` is JSON
    ``{"100": 3, "0.5": 4}`` (denomination → pieces), ``counted`` their sum, ``book_cash`` the
    books' ``Assets:Cash:Steward`` at the end of ``counted_on`` when it was prepared. Never
    updated or deleted (a PostgreSQL trigger refuses it): a recount is a new row. Whether it
    stands is its approval's status *and* today's books still holding ``book_cash`` for that
    day (``reconciliation.cash_counts``)."""

    __tablename__ = "cash_counts"
    __table_args__ = (Index("ix_cash_counts_estate_day", "estate_id", "counted_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    counted_on: Mapped[date] = mapped_column(Date)
    counts: Mapped[str] = mapped_column(Text)
    counted: Mapped[Decimal] = mapped_column(Money)
    book_cash: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(String(200), default="")
    prepared_by: Mapped[int] = mapped_column(Integer)
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WalletImport(Base):
    """One WeChat Pay or Alipay bill file imported (``source`` ``wechat`` | ``alipay``)."""

    __tablename__ = "wallet_imports"
    __table_args__ = (Index("ix_wallet_imports_estate", "estate_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    source: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    new_lines: Mapped[int] = mapped_column(Integer)
    first_date: Mapped[date] = mapped_column(Date)
    last_date: Mapped[date] = mapped_column(Date)
    imported_by: Mapped[int | None] = mapped_column(Integer, default=None)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WalletLine(Base):
    """One line of the collection code's wallet bill: ``amount`` signed as it moves the
    wallet (a collection > 0; a withdrawal to the bank, a refund or the wallet's fee < 0);
    ``kind`` ``collection``, ``withdrawal``, ``refund``, ``fee`` or ``other``; ``balance`` as
    the bill printed it (Alipay) or None (WeChat prints none). Never updated or deleted."""

    __tablename__ = "wallet_lines"
    __table_args__ = (
        UniqueConstraint("estate_id", "source", "serial"),
        Index("ix_wallet_lines_estate_date", "estate_id", "source", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    source: Mapped[str] = mapped_column(String(10))
    import_id: Mapped[int] = mapped_column(ForeignKey("wallet_imports.id"))
    row: Mapped[int] = mapped_column(Integer)
    serial: Mapped[str] = mapped_column(String(80))  # 交易单号 / 账务流水号
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    balance: Mapped[Decimal | None] = mapped_column(Money, default=None)
    kind: Mapped[str] = mapped_column(String(12))
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    memo: Mapped[str] = mapped_column(String(500), default="")


class WalletMatch(Base):
    """A wallet line linked to a journal entry (``entry_seq``: a collection to a fee payment
    recorded with the wallet's method, one row per receipt of the payment) or to the bank
    statement line that received it (``bank_line_id``: a withdrawal). Undone once, never
    deleted."""

    __tablename__ = "wallet_matches"
    __table_args__ = (Index("ix_wallet_matches_line", "line_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("wallet_lines.id"))
    entry_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    bank_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_statement_lines.id"), default=None
    )
    kind: Mapped[str] = mapped_column(String(10))  # auto | confirmed
    note: Mapped[str] = mapped_column(String(200), default="")
    matched_by: Mapped[int | None] = mapped_column(Integer, default=None)
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    undone_by: Mapped[int | None] = mapped_column(Integer, default=None)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
