"""order create-order request body and claim lease, rate limit windows

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limit_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_window")),
        sa.UniqueConstraint(
            "action",
            "client_key",
            "window_start",
            name=op.f("uq_rate_limit_window_action"),
        ),
    )
    with op.batch_alter_table("rate_limit_window", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_limit_window_window_start"), ["window_start"], unique=False
        )
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("klarna_order_request", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.drop_column("claim_expires_at")
        batch_op.drop_column("klarna_order_request")
    with op.batch_alter_table("rate_limit_window", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_window_window_start"))
    op.drop_table("rate_limit_window")
