"""journal tables.

Revision ID: 0003_journal
Revises: 0002_auth
"""

revision = "0003_journal"
down_revision = "0002_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
