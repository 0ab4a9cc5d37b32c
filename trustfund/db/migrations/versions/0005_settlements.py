"""settlements tables: approvals (rules, requests, decisions), contractors, repair contracts,
reference price lists, work orders, claims and their lines, vouchers, goods and slips.

Revision ID: 0005_settlements
Revises: 0004_fees
"""

import sqlalchemy as sa
from alembic import op

from trustfund.db.base import UTCDateTime

revision = "0005_settlements"
down_revision = "0004_fees"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "void",
                name="requeststatus",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("rule_label", sa.String(length=200), nullable=False),
        sa.Column("approvals_needed", sa.Integer(), nullable=False),
        sa.Column("approver_roles", sa.String(length=100), nullable=False),
        sa.Column("owners_vote_required", sa.Boolean(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=True),
        sa.Column("vote_households_total", sa.Integer(), nullable=True),
        sa.Column("vote_households_voted", sa.Integer(), nullable=True),
        sa.Column("vote_households_for", sa.Integer(), nullable=True),
        sa.Column("vote_area_total", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("vote_area_voted", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("vote_area_for", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("vote_held_on", sa.Date(), nullable=True),
        sa.Column("vote_recorded_by", sa.Integer(), nullable=True),
        sa.Column("vote_passed", sa.Boolean(), nullable=True),
        sa.CheckConstraint(
            "approvals_needed >= 1", name=op.f("ck_approval_requests_approvals_needed_positive")
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_approval_requests_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["users.id"], name=op.f("fk_approval_requests_submitted_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
    )
    op.create_index(
        op.f("ix_approval_requests_estate_id"), "approval_requests", ["estate_id"], unique=False
    )
    op.create_index(
        "ix_approval_requests_subject",
        "approval_requests",
        ["subject_kind", "subject_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_approval_requests_submitted_by"),
        "approval_requests",
        ["submitted_by"],
        unique=False,
    )
    op.create_table(
        "approval_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("up_to", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("approvals_needed", sa.Integer(), nullable=True),
        sa.Column("approver_role", sa.String(length=20), nullable=False),
        sa.Column("owners_vote", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "approvals_needed IS NULL OR approvals_needed >= 1",
            name=op.f("ck_approval_rules_approvals_needed_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_approval_rules_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_rules")),
        sa.UniqueConstraint(
            "estate_id",
            "subject_kind",
            "position",
            name=op.f("uq_approval_rules_estate_id_subject_kind_position"),
        ),
    )
    op.create_index(
        op.f("ix_approval_rules_estate_id"), "approval_rules", ["estate_id"], unique=False
    )
    op.create_table(
        "contractors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("credit_code", sa.String(length=30), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_contractors_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractors")),
        sa.UniqueConstraint("estate_id", "name", name=op.f("uq_contractors_estate_id_name")),
    )
    op.create_index(op.f("ix_contractors_estate_id"), "contractors", ["estate_id"], unique=False)
    op.create_table(
        "goods_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_goods_items_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goods_items")),
        sa.UniqueConstraint("estate_id", "name", name=op.f("uq_goods_items_estate_id_name")),
    )
    op.create_index(op.f("ix_goods_items_estate_id"), "goods_items", ["estate_id"], unique=False)
    op.create_table(
        "price_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_price_lists_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_lists")),
        sa.UniqueConstraint(
            "estate_id", "effective_from", name=op.f("uq_price_lists_estate_id_effective_from")
        ),
    )
    op.create_index(op.f("ix_price_lists_estate_id"), "price_lists", ["estate_id"], unique=False)
    op.create_table(
        "approval_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("approve", "reject", name="decision", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["approval_requests.id"],
            name=op.f("fk_approval_decisions_request_id_approval_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_approval_decisions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_decisions")),
        sa.UniqueConstraint(
            "request_id", "user_id", name=op.f("uq_approval_decisions_request_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_approval_decisions_request_id"), "approval_decisions", ["request_id"], unique=False
    )
    op.create_index(
        op.f("ix_approval_decisions_user_id"), "approval_decisions", ["user_id"], unique=False
    )
    op.create_table(
        "price_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("price_list_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.CheckConstraint("unit_price > 0", name=op.f("ck_price_items_unit_price_positive")),
        sa.ForeignKeyConstraint(
            ["price_list_id"],
            ["price_lists.id"],
            name=op.f("fk_price_items_price_list_id_price_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_items")),
        sa.UniqueConstraint(
            "price_list_id", "code", name=op.f("uq_price_items_price_list_id_code")
        ),
    )
    op.create_index(
        op.f("ix_price_items_price_list_id"), "price_items", ["price_list_id"], unique=False
    )
    op.create_table(
        "repair_contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("estimated_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                name="contractstatus",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_repair_contracts_term_positive")),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_repair_contracts_contractor_id_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_repair_contracts_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_contracts")),
    )
    op.create_index(
        op.f("ix_repair_contracts_contractor_id"),
        "repair_contracts",
        ["contractor_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_repair_contracts_estate_id"), "repair_contracts", ["estate_id"], unique=False
    )
    op.create_table(
        "work_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(length=20), nullable=False),
        sa.Column("entrance", sa.String(length=10), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("problem", sa.String(length=500), nullable=False),
        sa.Column("reporter", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "reported",
                "assigned",
                "done",
                "settled",
                name="workorderstatus",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("contractor_id", sa.Integer(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractors.id"],
            name=op.f("fk_work_orders_contractor_id_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_work_orders_estate_id_estates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_orders")),
    )
    op.create_index(
        op.f("ix_work_orders_contractor_id"), "work_orders", ["contractor_id"], unique=False
    )
    op.create_index(op.f("ix_work_orders_estate_id"), "work_orders", ["estate_id"], unique=False)
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("payee", sa.String(length=100), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=True),
        sa.Column("fund", sa.String(length=40), nullable=False),
        sa.Column("expense_item", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "payable",
                "paid",
                "rejected",
                "void",
                name="claimstatus",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("rejected_reason", sa.String(length=500), nullable=True),
        sa.Column("payable_on", sa.Date(), nullable=True),
        sa.Column("payable_entry_seq", sa.Integer(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("paid_entry_seq", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_claims_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["contractor_id"], ["contractors.id"], name=op.f("fk_claims_contractor_id_contractors")
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_claims_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_orders.id"], name=op.f("fk_claims_work_order_id_work_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
    )
    op.create_index(op.f("ix_claims_contractor_id"), "claims", ["contractor_id"], unique=False)
    op.create_index(op.f("ix_claims_estate_id"), "claims", ["estate_id"], unique=False)
    op.create_index(op.f("ix_claims_status"), "claims", ["status"], unique=False)
    op.create_index(op.f("ix_claims_work_order_id"), "claims", ["work_order_id"], unique=False)
    op.create_table(
        "claim_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=30), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reference_price", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("over_reference", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("over_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_claim_lines_quantity_positive")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_claim_lines_unit_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_lines_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_lines")),
        sa.UniqueConstraint("claim_id", "position", name=op.f("uq_claim_lines_claim_id_position")),
    )
    op.create_index(op.f("ix_claim_lines_claim_id"), "claim_lines", ["claim_id"], unique=False)
    op.create_table(
        "goods_slips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("purchase", "donation", "issue", name="slipkind", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("slip_date", sa.Date(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("donor", sa.String(length=100), nullable=False),
        sa.Column("estimated_value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_goods_slips_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_goods_slips_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_goods_slips_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["goods_items.id"], name=op.f("fk_goods_slips_item_id_goods_items")
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_goods_slips_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goods_slips")),
    )
    op.create_index(op.f("ix_goods_slips_claim_id"), "goods_slips", ["claim_id"], unique=False)
    op.create_index(op.f("ix_goods_slips_estate_id"), "goods_slips", ["estate_id"], unique=False)
    op.create_index(op.f("ix_goods_slips_item_id"), "goods_slips", ["item_id"], unique=False)
    op.create_index(
        op.f("ix_goods_slips_work_order_id"), "goods_slips", ["work_order_id"], unique=False
    )
    op.create_table(
        "vouchers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("contains_personal_data", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_vouchers_size_positive")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_vouchers_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["estate_id"], ["estates.id"], name=op.f("fk_vouchers_estate_id_estates")
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_vouchers_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vouchers")),
    )
    op.create_index(op.f("ix_vouchers_claim_id"), "vouchers", ["claim_id"], unique=False)
    op.create_index(op.f("ix_vouchers_estate_id"), "vouchers", ["estate_id"], unique=False)
    op.create_index(op.f("ix_vouchers_sha256"), "vouchers", ["sha256"], unique=False)
    op.create_index(op.f("ix_vouchers_work_order_id"), "vouchers", ["work_order_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_vouchers_work_order_id"), table_name="vouchers")
    op.drop_index(op.f("ix_vouchers_sha256"), table_name="vouchers")
    op.drop_index(op.f("ix_vouchers_estate_id"), table_name="vouchers")
    op.drop_index(op.f("ix_vouchers_claim_id"), table_name="vouchers")
    op.drop_table("vouchers")
    op.drop_index(op.f("ix_goods_slips_work_order_id"), table_name="goods_slips")
    op.drop_index(op.f("ix_goods_slips_item_id"), table_name="goods_slips")
    op.drop_index(op.f("ix_goods_slips_estate_id"), table_name="goods_slips")
    op.drop_index(op.f("ix_goods_slips_claim_id"), table_name="goods_slips")
    op.drop_table("goods_slips")
    op.drop_index(op.f("ix_claim_lines_claim_id"), table_name="claim_lines")
    op.drop_table("claim_lines")
    op.drop_index(op.f("ix_claims_work_order_id"), table_name="claims")
    op.drop_index(op.f("ix_claims_status"), table_name="claims")
    op.drop_index(op.f("ix_claims_estate_id"), table_name="claims")
    op.drop_index(op.f("ix_claims_contractor_id"), table_name="claims")
    op.drop_table("claims")
    op.drop_index(op.f("ix_work_orders_estate_id"), table_name="work_orders")
    op.drop_index(op.f("ix_work_orders_contractor_id"), table_name="work_orders")
    op.drop_table("work_orders")
    op.drop_index(op.f("ix_repair_contracts_estate_id"), table_name="repair_contracts")
    op.drop_index(op.f("ix_repair_contracts_contractor_id"), table_name="repair_contracts")
    op.drop_table("repair_contracts")
    op.drop_index(op.f("ix_price_items_price_list_id"), table_name="price_items")
    op.drop_table("price_items")
    op.drop_index(op.f("ix_approval_decisions_user_id"), table_name="approval_decisions")
    op.drop_index(op.f("ix_approval_decisions_request_id"), table_name="approval_decisions")
    op.drop_table("approval_decisions")
    op.drop_index(op.f("ix_price_lists_estate_id"), table_name="price_lists")
    op.drop_table("price_lists")
    op.drop_index(op.f("ix_goods_items_estate_id"), table_name="goods_items")
    op.drop_table("goods_items")
    op.drop_index(op.f("ix_contractors_estate_id"), table_name="contractors")
    op.drop_table("contractors")
    op.drop_index(op.f("ix_approval_rules_estate_id"), table_name="approval_rules")
    op.drop_table("approval_rules")
    op.drop_index(op.f("ix_approval_requests_submitted_by"), table_name="approval_requests")
    op.drop_index("ix_approval_requests_subject", table_name="approval_requests")
    op.drop_index(op.f("ix_approval_requests_estate_id"), table_name="approval_requests")
    op.drop_table("approval_requests")
