"""fees tables: schedules, components, charges, payments, receipts, refunds, deposits.

Revision ID: 0004_fees
Revises: 0003_journal
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0004_fees"
down_revision = "0003_journal"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def _method() -> sa.Enum:
    return sa.Enum(
        "cash",
        "wechat",
        "alipay",
        "bank_transfer",
        name="paymentmethod",
        native_enum=False,
        length=20,
    )


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def _lines(table: str, parent: str, parent_table: str) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(parent, sa.Integer(), nullable=False),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        _fk(table, parent, parent_table),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.UniqueConstraint(parent, "fund", name=f"uq_{table}_{parent}_fund"),
    )
    op.create_index(f"ix_{table}_{parent}", table, [parent])


def upgrade() -> None:
    op.create_table(
        "fee_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("fee_year", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "approved", name="schedulestatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column(
            "vacancy_rule",
            sa.Enum("percent", "amounts", name="vacancyrule", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("vacancy_percent", sa.Numeric(5, 2), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("submitted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("approved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("approved_hash", sa.String(64), nullable=True),
        sa.CheckConstraint(
            "vacancy_percent IS NULL OR (vacancy_percent >= 0 AND vacancy_percent <= 100)",
            name="ck_fee_schedules_vacancy_percent_range",
        ),
        _fk("fee_schedules", "estate_id", "estates"),
        sa.PrimaryKeyConstraint("id", name="pk_fee_schedules"),
        sa.UniqueConstraint("estate_id", "fee_year", name="uq_fee_schedules_estate_id_fee_year"),
    )
    op.create_index("ix_fee_schedules_estate_id", "fee_schedules", ["estate_id"])

    op.create_table(
        "fee_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("vacant_amount", MONEY, nullable=True),
        sa.CheckConstraint("amount > 0", name="ck_fee_components_amount_positive"),
        sa.CheckConstraint(
            "vacant_amount IS NULL OR (vacant_amount >= 0 AND vacant_amount <= amount)",
            name="ck_fee_components_vacant_amount_range",
        ),
        _fk("fee_components", "schedule_id", "fee_schedules"),
        sa.PrimaryKeyConstraint("id", name="pk_fee_components"),
        sa.UniqueConstraint("schedule_id", "fund", name="uq_fee_components_schedule_id_fund"),
    )
    op.create_index("ix_fee_components_schedule_id", "fee_components", ["schedule_id"])

    op.create_table(
        "fee_charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("fee_year", sa.Integer(), nullable=False),
        sa.Column("vacant", sa.Boolean(), nullable=False),
        sa.Column("occupancy_date", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("fee_charges", "estate_id", "estates"),
        _fk("fee_charges", "schedule_id", "fee_schedules"),
        _fk("fee_charges", "household_id", "households"),
        sa.PrimaryKeyConstraint("id", name="pk_fee_charges"),
        sa.UniqueConstraint(
            "household_id", "fee_year", name="uq_fee_charges_household_id_fee_year"
        ),
    )
    for col in ("estate_id", "schedule_id", "household_id"):
        op.create_index(f"ix_fee_charges_{col}", "fee_charges", [col])
    _lines("fee_charge_lines", "charge_id", "fee_charges")

    op.create_table(
        "fee_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("method", _method(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("payer", sa.String(50), nullable=False),
        sa.Column("reference", sa.String(80), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_fee_payments_amount_positive"),
        _fk("fee_payments", "estate_id", "estates"),
        sa.PrimaryKeyConstraint("id", name="pk_fee_payments"),
    )
    op.create_index("ix_fee_payments_estate_id", "fee_payments", ["estate_id"])

    op.create_table(
        "fee_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("fee_year", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("receipt_no", sa.String(20), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", _method(), nullable=False),
        sa.Column("prepaid", sa.Boolean(), nullable=False),
        sa.Column("entry_seq", sa.Integer(), nullable=False),
        sa.Column("recognised_entry_seq", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("valid", "void", name="receiptstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("void_reason", sa.String(200), nullable=True),
        sa.Column("voided_on", sa.Date(), nullable=True),
        sa.Column("void_entry_seq", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_fee_receipts_amount_positive"),
        _fk("fee_receipts", "estate_id", "estates"),
        _fk("fee_receipts", "payment_id", "fee_payments"),
        _fk("fee_receipts", "household_id", "households"),
        sa.PrimaryKeyConstraint("id", name="pk_fee_receipts"),
        sa.UniqueConstraint("estate_id", "receipt_no", name="uq_fee_receipts_estate_id_receipt_no"),
        sa.UniqueConstraint(
            "estate_id", "year", "number", name="uq_fee_receipts_estate_id_year_number"
        ),
    )
    for col in ("estate_id", "payment_id", "household_id"):
        op.create_index(f"ix_fee_receipts_{col}", "fee_receipts", [col])
    _lines("fee_receipt_lines", "receipt_id", "fee_receipts")

    op.create_table(
        "fee_receipt_counters",
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        _fk("fee_receipt_counters", "estate_id", "estates"),
        sa.PrimaryKeyConstraint("estate_id", "year", name="pk_fee_receipt_counters"),
    )

    op.create_table(
        "fee_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("fee_year", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("method", _method(), nullable=False),
        sa.Column("refunded_on", sa.Date(), nullable=False),
        sa.Column("from_prepaid", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("entry_seq", sa.Integer(), nullable=False),
        sa.Column("recognised_entry_seq", sa.Integer(), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_fee_refunds_amount_positive"),
        _fk("fee_refunds", "estate_id", "estates"),
        _fk("fee_refunds", "household_id", "households"),
        sa.PrimaryKeyConstraint("id", name="pk_fee_refunds"),
    )
    for col in ("estate_id", "household_id"):
        op.create_index(f"ix_fee_refunds_{col}", "fee_refunds", [col])
    _lines("fee_refund_lines", "refund_id", "fee_refunds")

    op.create_table(
        "fee_cash_deposits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("deposited_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(80), nullable=False),
        sa.Column("entry_seq", sa.Integer(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_fee_cash_deposits_amount_positive"),
        _fk("fee_cash_deposits", "estate_id", "estates"),
        sa.PrimaryKeyConstraint("id", name="pk_fee_cash_deposits"),
    )
    op.create_index("ix_fee_cash_deposits_estate_id", "fee_cash_deposits", ["estate_id"])


def downgrade() -> None:
    for table in (
        "fee_cash_deposits",
        "fee_refund_lines",
        "fee_refunds",
        "fee_receipt_counters",
        "fee_receipt_lines",
        "fee_receipts",
        "fee_payments",
        "fee_charge_lines",
        "fee_charges",
        "fee_components",
        "fee_schedules",
    ):
        op.drop_table(table)
