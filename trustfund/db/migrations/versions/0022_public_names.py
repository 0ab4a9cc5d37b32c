"""public names: the committee's decisions whether approvers appear by name on the estate's
public pages (``trustfund.disclosure.names``, issue 16 item 6). On PostgreSQL a row is never
deleted and only its approval (``approved_at``, ``request_id``) is written, once.

Revision ID: 0022_public_names
Revises: 0021_cash_counts
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0022_public_names"
down_revision = "0021_cash_counts"
branch_labels = None
depends_on = None

PG_UP = [
    """
    CREATE FUNCTION public_names_changes_approve_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' THEN
            RAISE EXCEPTION 'public name decisions are never deleted (%)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.approved_at IS NOT NULL
           OR NEW.approved_at IS NULL OR NEW.request_id IS NULL
           OR (NEW.id, NEW.estate_id, NEW.show_names, NEW.reason, NEW.proposed_by,
               NEW.proposed_at) IS DISTINCT FROM
              (OLD.id, OLD.estate_id, OLD.show_names, OLD.reason, OLD.proposed_by,
               OLD.proposed_at) THEN
            RAISE EXCEPTION 'public name decision % may only be approved, once', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER public_names_changes_approve_only BEFORE UPDATE OR DELETE ON "
    "public_names_changes FOR EACH ROW EXECUTE FUNCTION public_names_changes_approve_only()",
    "CREATE TRIGGER public_names_changes_no_truncate BEFORE TRUNCATE ON public_names_changes "
    "FOR EACH STATEMENT EXECUTE FUNCTION public_names_changes_approve_only()",
]


def upgrade() -> None:
    op.create_table(
        "public_names_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("show_names", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("proposed_at", UTCDateTime(), nullable=False),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_public_names_changes_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["users.id"], name=op.f("fk_public_names_changes_proposed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_names_changes")),
    )
    op.create_index(
        op.f("ix_public_names_changes_estate_id"), "public_names_changes", ["estate_id"]
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS public_names_changes_no_truncate ON public_names_changes"
        )
        op.execute(
            "DROP TRIGGER IF EXISTS public_names_changes_approve_only ON public_names_changes"
        )
        op.execute("DROP FUNCTION IF EXISTS public_names_changes_approve_only()")
    op.drop_index(op.f("ix_public_names_changes_estate_id"), table_name="public_names_changes")
    op.drop_table("public_names_changes")
