"""wallet bills: the WeChat Pay / Alipay bills of an estate's collection code (收款码), their
lines and the lines' matches to fee payments and to the bank statement line a withdrawal
reached (issue 18, ``trustfund.reconciliation.wallets``). On PostgreSQL a line is never
changed and a match only undone, once.

Revision ID: 0023_wallet_bills
Revises: 0022_public_names
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0023_wallet_bills"
down_revision = "0022_public_names"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2, asdecimal=True)

PG_UP = [
    """
    CREATE FUNCTION wallet_lines_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'wallet bill lines are never changed (%)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "CREATE TRIGGER wallet_lines_append_only BEFORE UPDATE OR DELETE ON wallet_lines "
    "FOR EACH ROW EXECUTE FUNCTION wallet_lines_append_only()",
    """
    CREATE FUNCTION wallet_matches_undo_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' THEN
            RAISE EXCEPTION 'wallet matches are never deleted (%)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.undone_at IS NOT NULL OR NEW.undone_at IS NULL
           OR (NEW.id, NEW.estate_id, NEW.line_id, NEW.entry_seq, NEW.bank_line_id, NEW.kind,
               NEW.note, NEW.matched_by, NEW.matched_at) IS DISTINCT FROM
              (OLD.id, OLD.estate_id, OLD.line_id, OLD.entry_seq, OLD.bank_line_id, OLD.kind,
               OLD.note, OLD.matched_by, OLD.matched_at) THEN
            RAISE EXCEPTION 'wallet match % may only be undone, once', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER wallet_matches_undo_only BEFORE UPDATE OR DELETE ON wallet_matches "
    "FOR EACH ROW EXECUTE FUNCTION wallet_matches_undo_only()",
]


def upgrade() -> None:
    op.create_table(
        "wallet_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("new_lines", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("last_date", sa.Date(), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_wallet_imports_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_imports")),
    )
    op.create_index("ix_wallet_imports_estate", "wallet_imports", ["estate_id", "id"])
    op.create_table(
        "wallet_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=80), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("balance", MONEY, nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_wallet_lines_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["wallet_imports.id"],
            name=op.f("fk_wallet_lines_import_id_wallet_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_lines")),
        sa.UniqueConstraint(
            "estate_id", "source", "serial", name=op.f("uq_wallet_lines_estate_id_source_serial")
        ),
    )
    op.create_index("ix_wallet_lines_estate_date", "wallet_lines", ["estate_id", "source", "date"])
    op.create_table(
        "wallet_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("entry_seq", sa.Integer(), nullable=True),
        sa.Column("bank_line_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("matched_by", sa.Integer(), nullable=True),
        sa.Column("matched_at", UTCDateTime(), nullable=False),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_wallet_matches_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["wallet_lines.id"], name=op.f("fk_wallet_matches_line_id_wallet_lines")
        ),
        sa.ForeignKeyConstraint(
            ["bank_line_id"],
            ["bank_statement_lines.id"],
            name=op.f("fk_wallet_matches_bank_line_id_bank_statement_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_matches")),
    )
    op.create_index("ix_wallet_matches_line", "wallet_matches", ["line_id"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS wallet_matches_undo_only ON wallet_matches")
        op.execute("DROP FUNCTION IF EXISTS wallet_matches_undo_only()")
        op.execute("DROP TRIGGER IF EXISTS wallet_lines_append_only ON wallet_lines")
        op.execute("DROP FUNCTION IF EXISTS wallet_lines_append_only()")
    op.drop_index("ix_wallet_matches_line", table_name="wallet_matches")
    op.drop_table("wallet_matches")
    op.drop_index("ix_wallet_lines_estate_date", table_name="wallet_lines")
    op.drop_table("wallet_lines")
    op.drop_index("ix_wallet_imports_estate", table_name="wallet_imports")
    op.drop_table("wallet_imports")
