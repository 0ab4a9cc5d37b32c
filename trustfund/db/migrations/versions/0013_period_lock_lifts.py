"""period lock lifts: a period lock is lifted only by a correction request that a committee
majority approved (``disclosure.unlocks``); the lock row stays as history with when it was
lifted, by which approval request and why. On PostgreSQL a trigger keeps period locks from
being deleted and lets an UPDATE do nothing but set the three lift columns once.

Revision ID: 0013_period_lock_lifts
Revises: 0010_proposals
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0013_period_lock_lifts"
down_revision = "0010_proposals"
branch_labels = None
depends_on = None

PG_UP = [
    """
    CREATE FUNCTION period_locks_lift_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' THEN
            RAISE EXCEPTION 'period locks are never deleted (%)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.lifted_at IS NOT NULL
           OR NEW.lifted_at IS NULL OR NEW.lift_request_id IS NULL OR NEW.lift_reason IS NULL
           OR (NEW.id, NEW.estate_id, NEW.start, NEW."end", NEW.reason, NEW.locked_at,
               NEW.locked_by) IS DISTINCT FROM
              (OLD.id, OLD.estate_id, OLD.start, OLD."end", OLD.reason, OLD.locked_at,
               OLD.locked_by) THEN
            RAISE EXCEPTION 'period lock % may only be lifted, once', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER period_locks_lift_only BEFORE UPDATE OR DELETE ON period_locks "
    "FOR EACH ROW EXECUTE FUNCTION period_locks_lift_only()",
    "CREATE TRIGGER period_locks_no_truncate BEFORE TRUNCATE ON period_locks "
    "FOR EACH STATEMENT EXECUTE FUNCTION period_locks_lift_only()",
]


def upgrade() -> None:
    op.add_column("period_locks", sa.Column("lifted_at", UTCDateTime(), nullable=True))
    op.add_column("period_locks", sa.Column("lift_request_id", sa.Integer(), nullable=True))
    op.add_column("period_locks", sa.Column("lift_reason", sa.String(length=500), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS period_locks_no_truncate ON period_locks")
        op.execute("DROP TRIGGER IF EXISTS period_locks_lift_only ON period_locks")
        op.execute("DROP FUNCTION IF EXISTS period_locks_lift_only()")
    with op.batch_alter_table("period_locks") as batch:
        batch.drop_column("lift_reason")
        batch.drop_column("lift_request_id")
        batch.drop_column("lifted_at")
