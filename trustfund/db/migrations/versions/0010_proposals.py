"""proposed entries and approval participants: ``journal_proposals`` holds an entry proposed
by one person and posted only once approved (the opening balances that open an estate's
books, and general entries that move money between parties); ``approval_participants``
records who wrote, edited or submitted each approval subject, so none of them approves it.

Revision ID: 0010_proposals
Revises: 0009_journal_daily_totals
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0010_proposals"
down_revision = "0009_journal_daily_totals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("narration", sa.String(length=500), nullable=False),
        sa.Column("payee", sa.String(length=500), nullable=True),
        sa.Column("legs", sa.Text(), nullable=False),
        sa.Column("meta", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("proposed_at", UTCDateTime(), nullable=False),
        sa.Column("entry_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_journal_proposals_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["users.id"], name=op.f("fk_journal_proposals_proposed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_proposals")),
    )
    op.create_index(
        "ix_journal_proposals_estate_purpose", "journal_proposals", ["estate_id", "purpose"]
    )
    op.create_table(
        "approval_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=10), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_approval_participants_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_participants")),
        sa.UniqueConstraint(
            "subject_kind",
            "subject_id",
            "user_id",
            "part",
            name=op.f("uq_approval_participants_subject_kind_subject_id_user_id_part"),
        ),
    )
    op.create_index(
        "ix_approval_participants_subject",
        "approval_participants",
        ["subject_kind", "subject_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_approval_participants_subject", table_name="approval_participants")
    op.drop_table("approval_participants")
    op.drop_index("ix_journal_proposals_estate_purpose", table_name="journal_proposals")
    op.drop_table("journal_proposals")
