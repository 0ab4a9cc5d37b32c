"""household keys for the personal-data check: ``households.name_key`` and
``households.phone_key`` (the owner's name and phone as ``trustfund.ledger.privacy`` brings
them to one form — NFKC, case folded, no spaces, punctuation or invisible characters, ASCII
digits; ``NULL`` when too short to compare), filled here for the households already recorded
and kept up to date by the model from then on; and an index on the estate's keys, the only
columns the check reads.

Revision ID: 0020_household_keys
Revises: 0019_inquiries
"""

import sqlalchemy as sa
from alembic import op

from trustfund.ledger import privacy

revision = "0020_household_keys"
down_revision = "0019_inquiries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("households") as batch:
        batch.add_column(sa.Column("name_key", sa.String(privacy.MAX_KEY), nullable=True))
        batch.add_column(sa.Column("phone_key", sa.String(30), nullable=True))
    households = sa.table(
        "households",
        sa.column("id", sa.Integer),
        sa.column("owner_name", sa.String),
        sa.column("phone", sa.String),
        sa.column("name_key", sa.String),
        sa.column("phone_key", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(households.c.id, households.c.owner_name, households.c.phone).where(
            sa.or_(households.c.owner_name.is_not(None), households.c.phone.is_not(None))
        )
    ).all()
    keys = [
        {
            "row_id": id_,
            "new_name_key": privacy.name_key(name),
            "new_phone_key": privacy.phone_key(phone),
        }
        for id_, name, phone in rows
    ]
    if keys:
        connection.execute(
            households.update()
            .where(households.c.id == sa.bindparam("row_id"))
            .values(name_key=sa.bindparam("new_name_key"), phone_key=sa.bindparam("new_phone_key")),
            keys,
        )
    op.create_index(
        "ix_households_privacy_keys", "households", ["estate_id", "name_key", "phone_key"]
    )


def downgrade() -> None:
    op.drop_index("ix_households_privacy_keys", table_name="households")
    with op.batch_alter_table("households") as batch:
        batch.drop_column("phone_key")
        batch.drop_column("name_key")
