"""refund requests: a refund or a receipt void is a request the committee decides (four
eyes, ``trustfund.fees.refunds``); nothing is posted until a committee member who did not
request it approves.

Revision ID: 0018_refund_requests
Revises: 0014_household_merges
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0018_refund_requests"
down_revision = "0014_household_merges"
branch_labels = None
depends_on = None

TABLE = "fee_refund_requests"


def _enum(name: str, length: int, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{TABLE}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("refundrequestkind", 10, "refund", "void"), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("fee_year", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column(
            "method",
            _enum("paymentmethod", 20, "cash", "wechat", "alipay", "bank_transfer"),
            nullable=False,
        ),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column(
            "status",
            _enum("refundrequeststatus", 10, "pending", "posted", "rejected", "withdrawn"),
            nullable=False,
        ),
        sa.Column("pending_key", sa.String(40), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("posted_on", sa.Date(), nullable=True),
        sa.Column("entry_seq", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount > 0", name=f"ck_{TABLE}_amount_positive"),
        _fk("estate_id", "estates"),
        _fk("household_id", "households"),
        _fk("receipt_id", "fee_receipts"),
        _fk("refund_id", "fee_refunds"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{TABLE}"),
        sa.UniqueConstraint("estate_id", "pending_key", name=f"uq_{TABLE}_estate_id_pending_key"),
    )
    for column in ("estate_id", "household_id"):
        op.create_index(f"ix_{TABLE}_{column}", TABLE, [column])


def downgrade() -> None:
    op.drop_table(TABLE)
