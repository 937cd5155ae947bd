"""api_client, api_address, api_order, api_klarna_payment: the JSON:API door

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 14:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def created_at(name="created_at"):
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        server_default=sa.text("(CURRENT_TIMESTAMP)"),
        nullable=False,
    )


def upgrade():
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=99), nullable=False),
        created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("client_id", name=op.f("uq_api_client_client_id")),
    )
    op.create_table(
        "api_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=64), nullable=False),
        sa.Column("api_client_id", sa.Integer(), nullable=False),
        sa.Column("market", sa.String(length=2), nullable=False),
        sa.Column("first_name", sa.String(length=99), nullable=False),
        sa.Column("last_name", sa.String(length=99), nullable=False),
        sa.Column("line_1", sa.String(length=99), nullable=False),
        sa.Column("line_2", sa.String(length=99), nullable=False),
        sa.Column("city", sa.String(length=99), nullable=False),
        sa.Column("zip_code", sa.String(length=10), nullable=False),
        sa.Column("state_code", sa.String(length=99), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("phone", sa.String(length=99), nullable=False),
        sa.Column("email", sa.String(length=99), nullable=False),
        created_at(),
        sa.ForeignKeyConstraint(
            ["api_client_id"],
            ["api_client.id"],
            name=op.f("fk_api_address_api_client_id_api_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_address")),
        sa.UniqueConstraint("public_id", name=op.f("uq_api_address_public_id")),
    )
    op.create_table(
        "api_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("api_client_id", sa.Integer(), nullable=False),
        sa.Column("market", sa.String(length=2), nullable=False),
        sa.Column("billing_address_id", sa.Integer(), nullable=True),
        sa.Column("shipping_address_id", sa.Integer(), nullable=True),
        created_at(),
        created_at("updated_at"),
        sa.ForeignKeyConstraint(
            ["api_client_id"], ["api_client.id"], name=op.f("fk_api_order_api_client_id_api_client")
        ),
        sa.ForeignKeyConstraint(
            ["billing_address_id"],
            ["api_address.id"],
            name=op.f("fk_api_order_billing_address_id_api_address"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shipping_address_id"],
            ["api_address.id"],
            name=op.f("fk_api_order_shipping_address_id_api_address"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_api_order_payment_id_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_order")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_api_order_payment_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_api_order_public_id")),
    )
    op.create_table(
        "api_klarna_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=64), nullable=False),
        sa.Column("api_order_id", sa.Integer(), nullable=False),
        sa.Column("klarna_session_id", sa.String(length=64), nullable=True),
        sa.Column("auth_token", sa.String(length=255), nullable=True),
        sa.Column("purchase_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.String(length=255), nullable=False),
        sa.Column("reference_origin", sa.String(length=255), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("detached_at", sa.DateTime(timezone=True), nullable=True),
        created_at(),
        created_at("updated_at"),
        sa.ForeignKeyConstraint(
            ["api_order_id"],
            ["api_order.id"],
            name=op.f("fk_api_klarna_payment_api_order_id_api_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_klarna_payment")),
        sa.UniqueConstraint("public_id", name=op.f("uq_api_klarna_payment_public_id")),
    )


def downgrade():
    op.drop_table("api_klarna_payment")
    op.drop_table("api_order")
    op.drop_table("api_address")
    op.drop_table("api_client")
