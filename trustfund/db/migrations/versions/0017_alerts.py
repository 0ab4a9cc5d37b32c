"""alerts: per-estate alert thresholds and acknowledgements (issue 18.4,
``trustfund.oversight``). On PostgreSQL acknowledgements are never updated or deleted.

Revision ID: 0017_alerts
Revises: 0016_bank_statements
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0017_alerts"
down_revision = "0016_bank_statements"
branch_labels = None
depends_on = None

PG_UP = [
    """
    CREATE FUNCTION alert_acknowledgements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'alert acknowledgements are never changed (%)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "CREATE TRIGGER alert_acknowledgements_append_only BEFORE UPDATE OR DELETE ON "
    "alert_acknowledgements FOR EACH ROW EXECUTE FUNCTION alert_acknowledgements_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "alert_settings",
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_alert_settings_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("estate_id", name=op.f("pk_alert_settings")),
    )
    op.create_table(
        "alert_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("acknowledged_by", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"],
            ["estates.id"],
            name=op.f("fk_alert_acknowledgements_estate_id_estates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_acknowledgements")),
        sa.UniqueConstraint(
            "estate_id", "alert_key", name=op.f("uq_alert_acknowledgements_estate_id_alert_key")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS alert_acknowledgements_append_only ON alert_acknowledgements"
        )
        op.execute("DROP FUNCTION IF EXISTS alert_acknowledgements_append_only()")
    op.drop_table("alert_acknowledgements")
    op.drop_table("alert_settings")
