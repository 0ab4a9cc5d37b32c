"""journal posting indexes for period sums and account histories.

The (estate_id, date) index becomes a covering (estate_id, date, account, amount) index, so
period balances are answered from the index alone; (estate_id, account, date) serves one
account's postings over time. Measured on a 100,000-entry year (bench/RESULTS.md,
Disclosure): grouping 204 → 53 ms, expense lines 101 → 67 ms on SQLite.

Revision ID: 0008_journal_indexes
Revises: 0007_grants
"""

from alembic import op

revision = "0008_journal_indexes"
down_revision = "0007_grants"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_journal_postings_estate_id_date", table_name="journal_postings")
    op.create_index(
        "ix_journal_postings_period",
        "journal_postings",
        ["estate_id", "date", "account", "amount"],
    )
    op.create_index(
        "ix_journal_postings_account", "journal_postings", ["estate_id", "account", "date"]
    )


def downgrade() -> None:
    op.drop_index("ix_journal_postings_account", table_name="journal_postings")
    op.drop_index("ix_journal_postings_period", table_name="journal_postings")
    op.create_index("ix_journal_postings_estate_id_date", "journal_postings", ["estate_id", "date"])
