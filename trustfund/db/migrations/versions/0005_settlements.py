"""settlements tables.

Revision ID: 0005_settlements
Revises: 0004_fees
"""

revision = "0005_settlements"
down_revision = "0004_fees"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
