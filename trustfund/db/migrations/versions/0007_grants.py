"""grants tables.

Revision ID: 0007_grants
Revises: 0006_disclosure
"""

revision = "0007_grants"
down_revision = "0006_disclosure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
