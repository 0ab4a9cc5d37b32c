"""grants tables: sources, projects, budget lines and revisions, funding plans, gifts
(money and in kind), disbursements (claim ↔ budget line), transfers and refunds, project
status history.

Revision ID: 0007_grants
Revises: 0006_disclosure
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0007_grants"
down_revision = "0006_disclosure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grant_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=31), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("applicant", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                "implementing",
                "settled",
                "closed",
                name="projectstatus",
                native_enum=False,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_grant_projects_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_projects")),
        sa.UniqueConstraint("estate_id", "code", name=op.f("uq_grant_projects_estate_id_code")),
    )
    with op.batch_alter_table("grant_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_projects_estate_id"), ["estate_id"], unique=False
        )

    op.create_table(
        "grant_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "government",
                "community",
                "venture",
                "sponsorship",
                "public_revenue",
                "crowdfunding",
                name="sourcekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("donor_name", sa.String(length=100), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_grant_sources_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_sources")),
        sa.UniqueConstraint(
            "estate_id",
            "kind",
            "donor_name",
            name=op.f("uq_grant_sources_estate_id_kind_donor_name"),
        ),
    )
    with op.batch_alter_table("grant_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_sources_estate_id"), ["estate_id"], unique=False)

    op.create_table(
        "grant_budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("approved_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_grant_budget_lines_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["grant_projects.id"],
            name=op.f("fk_grant_budget_lines_project_id_grant_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_budget_lines")),
        sa.UniqueConstraint(
            "project_id", "position", name=op.f("uq_grant_budget_lines_project_id_position")
        ),
    )
    with op.batch_alter_table("grant_budget_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_budget_lines_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "grant_budget_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("lines_json", sa.Text(), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "void",
                name="revisionstatus",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_grant_budget_revisions_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["grant_projects.id"],
            name=op.f("fk_grant_budget_revisions_project_id_grant_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_budget_revisions")),
    )
    with op.batch_alter_table("grant_budget_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_budget_revisions_estate_id"), ["estate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grant_budget_revisions_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "grant_funding_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_grant_funding_plans_amount_positive")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["grant_projects.id"],
            name=op.f("fk_grant_funding_plans_project_id_grant_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["grant_sources.id"],
            name=op.f("fk_grant_funding_plans_source_id_grant_sources"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_funding_plans")),
        sa.UniqueConstraint(
            "project_id", "position", name=op.f("uq_grant_funding_plans_project_id_position")
        ),
    )
    with op.batch_alter_table("grant_funding_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_funding_plans_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grant_funding_plans_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "grant_gifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("household_code", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("entry_seq", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_grant_gifts_amount_positive")),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_grant_gifts_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["grant_projects.id"],
            name=op.f("fk_grant_gifts_project_id_grant_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["grant_sources.id"], name=op.f("fk_grant_gifts_source_id_grant_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_gifts")),
    )
    with op.batch_alter_table("grant_gifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_gifts_estate_id"), ["estate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grant_gifts_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grant_gifts_source_id"), ["source_id"], unique=False)

    op.create_table(
        "grant_in_kind_gifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("estimated_value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("entry_seq", sa.Integer(), nullable=True),
        sa.Column("use_entry_seq", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "estimated_value IS NULL OR estimated_value > 0",
            name=op.f("ck_grant_in_kind_gifts_value_positive"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_grant_in_kind_gifts_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_grant_in_kind_gifts_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["grant_projects.id"],
            name=op.f("fk_grant_in_kind_gifts_project_id_grant_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["grant_sources.id"],
            name=op.f("fk_grant_in_kind_gifts_source_id_grant_sources"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_in_kind_gifts")),
    )
    with op.batch_alter_table("grant_in_kind_gifts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_in_kind_gifts_estate_id"), ["estate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grant_in_kind_gifts_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grant_in_kind_gifts_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "grant_project_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=15), nullable=True),
        sa.Column("to_status", sa.String(length=15), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["grant_projects.id"],
            name=op.f("fk_grant_project_events_project_id_grant_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_project_events")),
    )
    with op.batch_alter_table("grant_project_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_project_events_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "grant_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("transfer", "refund", name="transferkind", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("from_fund", sa.String(length=40), nullable=False),
        sa.Column("to_fund", sa.String(length=40), nullable=True),
        sa.Column("gift_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "posted",
                name="transferstatus",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("entry_seq", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_grant_transfers_amount_positive")),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_grant_transfers_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["gift_id"], ["grant_gifts.id"], name=op.f("fk_grant_transfers_gift_id_grant_gifts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_transfers")),
    )
    with op.batch_alter_table("grant_transfers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_transfers_estate_id"), ["estate_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_grant_transfers_gift_id"), ["gift_id"], unique=False)

    op.create_table(
        "grant_disbursements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("budget_line_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["grant_budget_lines.id"],
            name=op.f("fk_grant_disbursements_budget_line_id_grant_budget_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_grant_disbursements_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_grant_disbursements_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["grant_projects.id"],
            name=op.f("fk_grant_disbursements_project_id_grant_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_disbursements")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_grant_disbursements_claim_id")),
    )
    with op.batch_alter_table("grant_disbursements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grant_disbursements_budget_line_id"), ["budget_line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grant_disbursements_estate_id"), ["estate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grant_disbursements_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("grant_disbursements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_disbursements_project_id"))
        batch_op.drop_index(batch_op.f("ix_grant_disbursements_estate_id"))
        batch_op.drop_index(batch_op.f("ix_grant_disbursements_budget_line_id"))

    op.drop_table("grant_disbursements")
    with op.batch_alter_table("grant_transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_transfers_gift_id"))
        batch_op.drop_index(batch_op.f("ix_grant_transfers_estate_id"))

    op.drop_table("grant_transfers")
    with op.batch_alter_table("grant_project_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_project_events_project_id"))

    op.drop_table("grant_project_events")
    with op.batch_alter_table("grant_in_kind_gifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_in_kind_gifts_source_id"))
        batch_op.drop_index(batch_op.f("ix_grant_in_kind_gifts_project_id"))
        batch_op.drop_index(batch_op.f("ix_grant_in_kind_gifts_estate_id"))

    op.drop_table("grant_in_kind_gifts")
    with op.batch_alter_table("grant_gifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_gifts_source_id"))
        batch_op.drop_index(batch_op.f("ix_grant_gifts_project_id"))
        batch_op.drop_index(batch_op.f("ix_grant_gifts_estate_id"))

    op.drop_table("grant_gifts")
    with op.batch_alter_table("grant_funding_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_funding_plans_source_id"))
        batch_op.drop_index(batch_op.f("ix_grant_funding_plans_project_id"))

    op.drop_table("grant_funding_plans")
    with op.batch_alter_table("grant_budget_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_budget_revisions_project_id"))
        batch_op.drop_index(batch_op.f("ix_grant_budget_revisions_estate_id"))

    op.drop_table("grant_budget_revisions")
    with op.batch_alter_table("grant_budget_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_budget_lines_project_id"))

    op.drop_table("grant_budget_lines")
    with op.batch_alter_table("grant_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_sources_estate_id"))

    op.drop_table("grant_sources")
    with op.batch_alter_table("grant_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_projects_estate_id"))

    op.drop_table("grant_projects")
