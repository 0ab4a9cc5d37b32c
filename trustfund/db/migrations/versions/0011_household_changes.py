"""household changes: ``household_changes`` records each correction, move and occupancy
change of a household after it was added (who, through what, when, old and new value).

Revision ID: 0011_household_changes
Revises: 0013_period_lock_lifts
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0011_household_changes"
down_revision = "0013_period_lock_lifts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=True),
        sa.Column("new_value", sa.String(length=200), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_household_changes_changed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_changes_household_id_households"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_changes")),
    )
    op.create_index(
        op.f("ix_household_changes_household_id"),
        "household_changes",
        ["household_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_household_changes_household_id"), table_name="household_changes")
    op.drop_table("household_changes")
