"""household merges and splits: ``households.closed_on`` (the day a household merged into
another or split into new ones stops being a fee-paying unit; it stays listed with its
history and charges, and its code is never reused) and ``households.formed_on`` (the day a
household made by a split begins; it is charged from the first fee year that starts on or
after it).

Revision ID: 0014_household_merges
Revises: 0017_alerts
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_household_merges"
down_revision = "0017_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("formed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.drop_column("formed_on")
        batch.drop_column("closed_on")
