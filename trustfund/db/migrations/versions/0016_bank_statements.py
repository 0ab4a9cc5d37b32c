"""bank statements: the committee account's statement lines, their matches to journal
entries and the month-end reconciliations (issue 18, ``trustfund.reconciliation``). On
PostgreSQL triggers keep statement lines from being updated or deleted and let a match change
only by being undone, once.

Revision ID: 0016_bank_statements
Revises: 0011_household_changes
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0016_bank_statements"
down_revision = "0011_household_changes"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2, asdecimal=True)

PG_UP = [
    """
    CREATE FUNCTION bank_statement_lines_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'bank statement lines are never changed (%)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "CREATE TRIGGER bank_statement_lines_append_only BEFORE UPDATE OR DELETE ON "
    "bank_statement_lines FOR EACH ROW EXECUTE FUNCTION bank_statement_lines_append_only()",
    """
    CREATE FUNCTION bank_matches_undo_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' THEN
            RAISE EXCEPTION 'bank matches are never deleted (%)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.undone_at IS NOT NULL OR NEW.undone_at IS NULL
           OR (NEW.id, NEW.estate_id, NEW.line_id, NEW.entry_seq, NEW.kind, NEW.note,
               NEW.matched_by, NEW.matched_at) IS DISTINCT FROM
              (OLD.id, OLD.estate_id, OLD.line_id, OLD.entry_seq, OLD.kind, OLD.note,
               OLD.matched_by, OLD.matched_at) THEN
            RAISE EXCEPTION 'bank match % may only be undone, once', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER bank_matches_undo_only BEFORE UPDATE OR DELETE ON bank_matches "
    "FOR EACH ROW EXECUTE FUNCTION bank_matches_undo_only()",
]


def upgrade() -> None:
    op.create_table(
        "bank_column_mappings",
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_bank_column_mappings_estate_id_estates"),
        ),
        sa.PrimaryKeyConstraint("estate_id", name=op.f("pk_bank_column_mappings")),
    )
    op.create_table(
        "bank_statement_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("new_lines", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("last_date", sa.Date(), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_bank_statement_imports_estate_id_estates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement_imports")),
    )
    op.create_index(
        "ix_bank_statement_imports_estate", "bank_statement_imports", ["estate_id", "id"]
    )
    op.create_table(
        "bank_statement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=80), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("balance", MONEY, nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_bank_statement_lines_estate_id_estates"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["bank_statement_imports.id"],
            name=op.f("fk_bank_statement_lines_import_id_bank_statement_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement_lines")),
        sa.UniqueConstraint(
            "estate_id", "serial", name=op.f("uq_bank_statement_lines_estate_id_serial")
        ),
    )
    op.create_index(
        "ix_bank_statement_lines_estate_date", "bank_statement_lines", ["estate_id", "date"]
    )
    op.create_table(
        "bank_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("entry_seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("matched_by", sa.Integer(), nullable=True),
        sa.Column("matched_at", UTCDateTime(), nullable=False),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_bank_matches_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["bank_statement_lines.id"],
            name=op.f("fk_bank_matches_line_id_bank_statement_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_matches")),
    )
    op.create_index("ix_bank_matches_line", "bank_matches", ["line_id"])
    op.create_index("ix_bank_matches_estate_entry", "bank_matches", ["estate_id", "entry_seq"])
    op.create_table(
        "bank_reconciliations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("month_end", sa.Date(), nullable=False),
        sa.Column("statement_balance", MONEY, nullable=False),
        sa.Column("book_balance", MONEY, nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("prepared_by", sa.Integer(), nullable=False),
        sa.Column("prepared_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_bank_reconciliations_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_reconciliations")),
        sa.UniqueConstraint(
            "estate_id", "month", name=op.f("uq_bank_reconciliations_estate_id_month")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS bank_matches_undo_only ON bank_matches")
        op.execute("DROP FUNCTION IF EXISTS bank_matches_undo_only()")
        op.execute(
            "DROP TRIGGER IF EXISTS bank_statement_lines_append_only ON bank_statement_lines"
        )
        op.execute("DROP FUNCTION IF EXISTS bank_statement_lines_append_only()")
    op.drop_table("bank_reconciliations")
    op.drop_index("ix_bank_matches_estate_entry", table_name="bank_matches")
    op.drop_index("ix_bank_matches_line", table_name="bank_matches")
    op.drop_table("bank_matches")
    op.drop_index("ix_bank_statement_lines_estate_date", table_name="bank_statement_lines")
    op.drop_table("bank_statement_lines")
    op.drop_index("ix_bank_statement_imports_estate", table_name="bank_statement_imports")
    op.drop_table("bank_statement_imports")
    op.drop_table("bank_column_mappings")
