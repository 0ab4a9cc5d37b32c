"""journal daily totals: the postings summed per estate, account and day, in whole fen.

``journal_daily_totals`` is derived from ``journal_postings`` (filled here from them, then
kept by the posting service in the posting transaction) so that a statement reads about
2,000 rows for a year of 100,000 entries instead of 360,000 postings. The entries' (estate,
date) index gains ``seq``, so a period's entry count and last seq come from the index
alone. Measured on that year (bench/RESULTS.md, Disclosure).

Revision ID: 0009_journal_daily_totals
Revises: 0008_journal_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_journal_daily_totals"
down_revision = "0008_journal_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_daily_totals",
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_journal_daily_totals_estate_id_estates"
        ),
        sa.PrimaryKeyConstraint("estate_id", "date", "account", name="pk_journal_daily_totals"),
    )
    op.execute(
        "INSERT INTO journal_daily_totals (estate_id, date, account, fen) "
        "SELECT estate_id, date, account, SUM(CAST(ROUND(amount * 100) AS BIGINT)) "
        "FROM journal_postings GROUP BY estate_id, date, account"
    )
    op.drop_index("ix_journal_entries_estate_id_date", table_name="journal_entries")
    op.create_index("ix_journal_entries_period", "journal_entries", ["estate_id", "date", "seq"])


def downgrade() -> None:
    op.drop_index("ix_journal_entries_period", table_name="journal_entries")
    op.create_index("ix_journal_entries_estate_id_date", "journal_entries", ["estate_id", "date"])
    op.drop_table("journal_daily_totals")
