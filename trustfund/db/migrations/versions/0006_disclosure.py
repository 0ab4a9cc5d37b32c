"""disclosure tables.

Revision ID: 0006_disclosure
Revises: 0005_settlements
"""

revision = "0006_disclosure"
down_revision = "0005_settlements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
