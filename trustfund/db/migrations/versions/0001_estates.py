"""estates, sites, buildings, households, occupancies.

Revision ID: 0001_estates
Revises:
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0001_estates"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "estates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("community", sa.String(100), nullable=False),
        sa.Column("street_office", sa.String(100), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_estates"),
        sa.UniqueConstraint("slug", name="uq_estates_slug"),
    )
    op.create_index("ix_estates_community", "estates", ["community"])
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(["estate_id"], ["estates.id"], name="fk_sites_estate_id_estates"),
        sa.PrimaryKeyConstraint("id", name="pk_sites"),
        sa.UniqueConstraint("estate_id", "code", name="uq_sites_estate_id_code"),
    )
    op.create_index("ix_sites_estate_id", "sites", ["estate_id"])
    op.create_table(
        "buildings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_buildings_estate_id_estates"
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_buildings_site_id_sites"),
        sa.PrimaryKeyConstraint("id", name="pk_buildings"),
        sa.UniqueConstraint("estate_id", "number", name="uq_buildings_estate_id_number"),
    )
    op.create_index("ix_buildings_estate_id", "buildings", ["estate_id"])
    op.create_index("ix_buildings_site_id", "buildings", ["site_id"])
    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("entrance", sa.String(10), nullable=False),
        sa.Column("room", sa.String(20), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("owner_name", sa.String(50), nullable=True),
        sa.Column("phone", sa.String(30), nullable=True),
        sa.Column("area_m2", sa.Numeric(8, 2), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name="ck_households_area_positive"),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name="fk_households_building_id_buildings"
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name="fk_households_estate_id_estates"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_households"),
        sa.UniqueConstraint(
            "building_id", "entrance", "room", name="uq_households_building_id_entrance_room"
        ),
        sa.UniqueConstraint("estate_id", "code", name="uq_households_estate_id_code"),
    )
    op.create_index("ix_households_estate_id", "households", ["estate_id"])
    op.create_index("ix_households_building_id", "households", ["building_id"])
    op.create_table(
        "household_occupancies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name="fk_household_occupancies_household_id_households",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_household_occupancies"),
        sa.UniqueConstraint(
            "household_id",
            "effective_from",
            name="uq_household_occupancies_household_id_effective_from",
        ),
    )
    op.create_index(
        "ix_household_occupancies_household_id", "household_occupancies", ["household_id"]
    )


def downgrade() -> None:
    for table in ("household_occupancies", "households", "buildings", "sites", "estates"):
        op.drop_table(table)
