"""order management: order actions, captures, refunds and their lines; order totals

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("order", schema=None) as batch_op:
        for name in ("captured_minor", "refunded_minor", "released_minor"):
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), server_default="0", nullable=False)
            )
        batch_op.add_column(
            sa.Column("authorization_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "order_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=36), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("request_body", sa.JSON(), nullable=True),
        sa.Column("line_quantities", sa.JSON(), nullable=False),
        sa.Column("target_klarna_id", sa.String(length=64), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("klarna_resource_id", sa.String(length=64), nullable=True),
        sa.Column("correlation_id", sa.String(length=64), nullable=True),
        sa.Column("failure", sa.String(length=255), nullable=False),
        sa.Column("requested_by", sa.String(length=99), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["order.id"],
            name=op.f("fk_order_action_order_id_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_action")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_order_action_idempotency_key")),
        sa.UniqueConstraint("order_id", "sequence", name=op.f("uq_order_action_order_id")),
    )
    for table, klarna_id in (
        ("order_capture", "klarna_capture_id"),
        ("order_refund", "klarna_refund_id"),
    ):
        op.create_table(table, *settlement_columns(table, klarna_id))
    op.create_table(
        "settled_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("line_index", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "(capture_id IS NULL) <> (refund_id IS NULL)",
            name=op.f("ck_settled_line_capture_or_refund"),
        ),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["order_capture.id"],
            name=op.f("fk_settled_line_capture_id_order_capture"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"],
            ["order_refund.id"],
            name=op.f("fk_settled_line_refund_id_order_refund"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settled_line")),
    )


def settlement_columns(table, klarna_id):
    """The columns of order_capture or order_refund (they differ in one column)."""
    extra = (
        sa.Column("shipping_info", sa.JSON(), nullable=False)
        if table == "order_capture"
        else sa.Column("description", sa.String(length=255), nullable=False)
    )
    return (
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column(klarna_id, sa.String(length=64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        extra,
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["order_action.id"], name=op.f(f"fk_{table}_action_id_order_action")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["order.id"],
            name=op.f(f"fk_{table}_order_id_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(klarna_id, name=op.f(f"uq_{table}_{klarna_id}")),
    )


def downgrade():
    op.drop_table("settled_line")
    op.drop_table("order_refund")
    op.drop_table("order_capture")
    op.drop_table("order_action")
    with op.batch_alter_table("order", schema=None) as batch_op:
        for name in (
            "authorization_expires_at",
            "released_minor",
            "refunded_minor",
            "captured_minor",
        ):
            batch_op.drop_column(name)
