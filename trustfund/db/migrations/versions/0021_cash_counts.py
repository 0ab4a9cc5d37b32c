"""cash counts: the steward's cash counted by denomination (现金盘点) and compared with the
books' cash on that day (issue 18, ``trustfund.reconciliation.cash_counts``). On PostgreSQL a
trigger keeps a count from being updated or deleted: a recount is a new row.

Revision ID: 0021_cash_counts
Revises: 0020_household_keys
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0021_cash_counts"
down_revision = "0020_household_keys"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2, asdecimal=True)

PG_UP = [
    """
    CREATE FUNCTION cash_counts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'cash counts are never changed (%)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "CREATE TRIGGER cash_counts_append_only BEFORE UPDATE OR DELETE ON cash_counts "
    "FOR EACH ROW EXECUTE FUNCTION cash_counts_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "cash_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("counted_on", sa.Date(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("counted", MONEY, nullable=False),
        sa.Column("book_cash", MONEY, nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("prepared_by", sa.Integer(), nullable=False),
        sa.Column("prepared_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_cash_counts_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_counts")),
    )
    op.create_index("ix_cash_counts_estate_day", "cash_counts", ["estate_id", "counted_on"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS cash_counts_append_only ON cash_counts")
        op.execute("DROP FUNCTION IF EXISTS cash_counts_append_only()")
    op.drop_index("ix_cash_counts_estate_day", table_name="cash_counts")
    op.drop_table("cash_counts")
