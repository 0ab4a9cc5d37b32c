"""fees tables.

Revision ID: 0004_fees
Revises: 0003_journal
"""

revision = "0004_fees"
down_revision = "0003_journal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
