"""auth tables.

Revision ID: 0002_auth
Revises: 0001_estates
"""

revision = "0002_auth"
down_revision = "0001_estates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
