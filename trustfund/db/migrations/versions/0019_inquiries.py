"""inquiries: residents' questions on published disclosure lines and the committee's answers
(issue 18.5, ``trustfund.inquiries``), the estate's key for receipt check codes and the
attempts the rate limit counts. On PostgreSQL questions and answers are never updated or
deleted.

Revision ID: 0019_inquiries
Revises: 0018_refund_requests
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0019_inquiries"
down_revision = "0018_refund_requests"
branch_labels = None
depends_on = None

APPEND_ONLY = ("inquiries", "inquiry_answers")


def upgrade() -> None:
    op.create_table(
        "receipt_check_keys",
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_receipt_check_keys_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("estate_id", name=op.f("pk_receipt_check_keys")),
    )
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("line_ref", sa.String(length=80), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("asker_label", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_inquiries_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["disclosure_versions.id"],
            name=op.f("fk_inquiries_version_id_disclosure_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_inquiries_household_id_households")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
    )
    op.create_index(op.f("ix_inquiries_estate_id"), "inquiries", ["estate_id"])
    op.create_index(op.f("ix_inquiries_version_id"), "inquiries", ["version_id"])
    op.create_index(op.f("ix_inquiries_household_id"), "inquiries", ["household_id"])
    op.create_table(
        "inquiry_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("answered_by", sa.Integer(), nullable=False),
        sa.Column("answerer_role", sa.String(length=20), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiries.id"], name=op.f("fk_inquiry_answers_inquiry_id_inquiries")
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_inquiry_answers_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_answers")),
        sa.UniqueConstraint("inquiry_id", name=op.f("uq_inquiry_answers_inquiry_id")),
    )
    op.create_index(op.f("ix_inquiry_answers_estate_id"), "inquiry_answers", ["estate_id"])
    op.create_table(
        "inquiry_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.Column("household_code", sa.String(length=20), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("attempted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_inquiry_attempts_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_attempts")),
    )
    op.create_index(op.f("ix_inquiry_attempts_client_addr"), "inquiry_attempts", ["client_addr"])
    op.create_index(op.f("ix_inquiry_attempts_attempted_at"), "inquiry_attempts", ["attempted_at"])
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(
                f"""
                CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '{table} are published and never changed (%)', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END $$
                """
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    op.drop_table("inquiry_attempts")
    op.drop_table("inquiry_answers")
    op.drop_table("inquiries")
    op.drop_table("receipt_check_keys")
