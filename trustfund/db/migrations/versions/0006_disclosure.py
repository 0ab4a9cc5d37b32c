"""disclosure tables: versions and write-once snapshots; on PostgreSQL, triggers that refuse
UPDATE, DELETE and TRUNCATE on published snapshots.

Revision ID: 0006_disclosure
Revises: 0005_settlements
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0006_disclosure"
down_revision = "0005_settlements"
branch_labels = None
depends_on = None

REFUSE = """
CREATE FUNCTION disclosure_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'published disclosure snapshots are write-once: % refused on %',
    TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
TRIGGERS = (
    "CREATE TRIGGER disclosure_snapshots_write_once BEFORE UPDATE OR DELETE "
    "ON disclosure_snapshots FOR EACH ROW EXECUTE FUNCTION disclosure_refuse_change()",
    "CREATE TRIGGER disclosure_snapshots_no_truncate BEFORE TRUNCATE "
    "ON disclosure_snapshots FOR EACH STATEMENT EXECUTE FUNCTION disclosure_refuse_change()",
)


def upgrade() -> None:
    op.create_table(
        "disclosure_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "published",
                name="versionstatus",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("correction_reason", sa.String(length=1000), nullable=True),
        sa.Column("figures_sha256", sa.String(length=64), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint('start <= "end"', name=op.f("ck_disclosure_versions_start_before_end")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_disclosure_versions_number_positive")),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_disclosure_versions_estate_id_estates"
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["disclosure_versions.id"],
            name="fk_disclosure_versions_supersedes_id_disclosure_versions",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["users.id"], name="fk_disclosure_versions_submitted_by_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_disclosure_versions"),
        sa.UniqueConstraint(
            "estate_id", "period", "number", name="uq_disclosure_versions_estate_id_period_number"
        ),
    )
    op.create_index(
        "ix_disclosure_versions_estate_id", "disclosure_versions", ["estate_id"], unique=False
    )
    op.create_table(
        "disclosure_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("statement_json", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("json_sha256", sa.String(length=64), nullable=False),
        sa.Column("html_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("ledger_seq", sa.Integer(), nullable=False),
        sa.Column("ledger_hash", sa.String(length=64), nullable=False),
        sa.Column("approval_request_id", sa.Integer(), nullable=True),
        sa.Column("publication_json", sa.Text(), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_disclosure_snapshots_estate_id_estates"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["disclosure_versions.id"],
            name="fk_disclosure_snapshots_version_id_disclosure_versions",
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name="fk_disclosure_snapshots_published_by_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_disclosure_snapshots"),
        sa.UniqueConstraint("version_id", name="uq_disclosure_snapshots_version_id"),
    )
    op.create_index(
        "ix_disclosure_snapshots_estate_id", "disclosure_snapshots", ["estate_id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE)
        for statement in TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS disclosure_snapshots_write_once ON disclosure_snapshots")
        op.execute(
            "DROP TRIGGER IF EXISTS disclosure_snapshots_no_truncate ON disclosure_snapshots"
        )
        op.execute("DROP FUNCTION IF EXISTS disclosure_refuse_change()")
    op.drop_index("ix_disclosure_snapshots_estate_id", table_name="disclosure_snapshots")
    op.drop_table("disclosure_snapshots")
    op.drop_index("ix_disclosure_versions_estate_id", table_name="disclosure_versions")
    op.drop_table("disclosure_versions")
