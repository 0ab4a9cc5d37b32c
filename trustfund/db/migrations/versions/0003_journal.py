"""journal tables: ledger_accounts, ledger_heads, journal_entries, journal_postings,
period_locks, idempotency_records; on PostgreSQL, append-only and balance triggers.

Revision ID: 0003_journal
Revises: 0002_auth
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0003_journal"
down_revision = "0002_auth"
branch_labels = None
depends_on = None

PG_UP = [
    """
    CREATE FUNCTION journal_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'journal table % is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'restrict_violation';
    END $$
    """,
    """
    CREATE FUNCTION journal_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        total numeric;
        legs integer;
    BEGIN
        SELECT coalesce(sum(amount), 0), count(*) INTO total, legs
            FROM journal_postings WHERE entry_id = NEW.id;
        IF NEW.kind = 'open' THEN
            IF legs <> 0 THEN
                RAISE EXCEPTION 'account opening seq % of estate % has postings',
                    NEW.seq, NEW.estate_id USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END IF;
        IF legs < 2 OR total <> 0 THEN
            RAISE EXCEPTION 'journal entry seq % of estate % is unbalanced: % legs sum to %',
                NEW.seq, NEW.estate_id, legs, total USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
]
for _table in ("journal_entries", "journal_postings"):
    PG_UP += [
        f"CREATE TRIGGER {_table}_append_only BEFORE UPDATE OR DELETE ON {_table} "
        "FOR EACH ROW EXECUTE FUNCTION journal_refuse_change()",
        f"CREATE TRIGGER {_table}_no_truncate BEFORE TRUNCATE ON {_table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_change()",
    ]
PG_UP.append(
    "CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_check_balanced()"
)


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("fund", sa.String(60), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_ledger_accounts_estate_id_estates"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_accounts"),
        sa.UniqueConstraint("estate_id", "account", name="uq_ledger_accounts_estate_id_account"),
    )
    op.create_index("ix_ledger_accounts_estate_id", "ledger_accounts", ["estate_id"])
    op.create_table(
        "ledger_heads",
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_ledger_heads_estate_id_estates"
        ),
        sa.PrimaryKeyConstraint("estate_id", name="pk_ledger_heads"),
    )
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("payee", sa.String(500), nullable=True),
        sa.Column("narration", sa.String(500), nullable=False),
        sa.Column("meta", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("reverses_seq", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("seq > 0", name="ck_journal_entries_seq_positive"),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_journal_entries_estate_id_estates"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_journal_entries"),
        sa.UniqueConstraint("estate_id", "seq", name="uq_journal_entries_estate_id_seq"),
        sa.UniqueConstraint(
            "estate_id", "idempotency_key", name="uq_journal_entries_estate_id_idempotency_key"
        ),
        sa.UniqueConstraint(
            "estate_id", "reverses_seq", name="uq_journal_entries_estate_id_reverses_seq"
        ),
    )
    op.create_index("ix_journal_entries_estate_id_date", "journal_entries", ["estate_id", "date"])
    op.create_table(
        "journal_postings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("fund", sa.String(60), nullable=True),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.CheckConstraint("amount <> 0", name="ck_journal_postings_amount_nonzero"),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name="fk_journal_postings_entry_id_journal_entries",
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_journal_postings_estate_id_estates"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_journal_postings"),
        sa.UniqueConstraint("entry_id", "position", name="uq_journal_postings_entry_id_position"),
    )
    op.create_index("ix_journal_postings_estate_id_date", "journal_postings", ["estate_id", "date"])
    op.create_table(
        "period_locks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("locked_at", UTCDateTime(), nullable=False),
        sa.Column("locked_by", sa.Integer(), nullable=True),
        sa.CheckConstraint('start <= "end"', name="ck_period_locks_start_before_end"),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_period_locks_estate_id_estates"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_period_locks"),
    )
    op.create_index("ix_period_locks_estate_id_start", "period_locks", ["estate_id", "start"])
    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scope", sa.String(100), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_idempotency_records"),
        sa.UniqueConstraint("scope", "key", name="uq_idempotency_records_scope_key"),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS journal_entries_balanced ON journal_entries")
        for table in ("journal_entries", "journal_postings"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS journal_check_balanced()")
        op.execute("DROP FUNCTION IF EXISTS journal_refuse_change()")
    for table in (
        "idempotency_records",
        "period_locks",
        "journal_postings",
        "journal_entries",
        "ledger_heads",
        "ledger_accounts",
    ):
        op.drop_table(table)
