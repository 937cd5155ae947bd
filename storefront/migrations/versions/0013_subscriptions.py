"""subscriptions: plans on products and cart lines, subscriptions, their Klarna claims, renewals

A renewal is a shop order made with a customer token, so an order's Klarna session and
authorization token become optional.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plans", sa.String(64), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("sold_one_time", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("free_trial", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("cart_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan", sa.String(16), nullable=False, server_default=""))
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.alter_column("klarna_session_id", existing_type=sa.String(64), nullable=True)
        batch_op.alter_column(
            "klarna_authorization_token", existing_type=sa.String(255), nullable=True
        )
    op.create_table(
        "token_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("authorization_token", sa.String(255), nullable=False),
        sa.Column("request_body", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail", sa.String(255), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_id"),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_claim_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("first_order_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(16), nullable=False),
        sa.Column("market", sa.String(2), nullable=False),
        sa.Column("shipping_method", sa.String(32), nullable=False),
        sa.Column("email", sa.String(99), nullable=False),
        sa.Column("phone", sa.String(99), nullable=False),
        sa.Column("billing_address", sa.JSON(), nullable=False),
        sa.Column("shipping_address", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pause_reason", sa.String(255), nullable=False),
        sa.Column("customer_token", sa.String(255), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("next_period", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["first_order_id"], ["order.id"]),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.ForeignKeyConstraint(["token_claim_id"], ["token_claim.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "renewal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("request_body", sa.JSON(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(255), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["order_id"], ["order.id"]),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"]),
        sa.ForeignKeyConstraint(["subscription_id"], ["subscription.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
        sa.UniqueConstraint("order_id"),
        sa.UniqueConstraint("payment_id"),
        sa.UniqueConstraint("subscription_id", "period"),
    )


def downgrade():
    op.drop_table("renewal")
    op.drop_table("subscription")
    op.drop_table("token_claim")
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.alter_column(
            "klarna_authorization_token", existing_type=sa.String(255), nullable=False
        )
        batch_op.alter_column("klarna_session_id", existing_type=sa.String(64), nullable=False)
    with op.batch_alter_table("cart_line", schema=None) as batch_op:
        batch_op.drop_column("plan")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_column("free_trial")
        batch_op.drop_column("sold_one_time")
        batch_op.drop_column("plans")
