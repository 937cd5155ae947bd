"""klarna_call: each checkout's Klarna calls, scrubbed, for the developer panel

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-13 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXED = ("order_number", "klarna_session_id", "klarna_order_id")


def upgrade():
    op.create_table(
        "klarna_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=True),
        sa.Column("path", sa.String(length=255), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("correlation_id", sa.String(length=64), nullable=True),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("order_number", sa.String(length=16), nullable=True),
        sa.Column("klarna_session_id", sa.String(length=64), nullable=True),
        sa.Column("klarna_order_id", sa.String(length=64), nullable=True),
        sa.Column("request_body", sa.JSON(), nullable=True),
        sa.Column("response_body", sa.JSON(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_klarna_call")),
    )
    with op.batch_alter_table("klarna_call", schema=None) as batch_op:
        for column in INDEXED:
            batch_op.create_index(batch_op.f(f"ix_klarna_call_{column}"), [column], unique=False)


def downgrade():
    with op.batch_alter_table("klarna_call", schema=None) as batch_op:
        for column in INDEXED:
            batch_op.drop_index(batch_op.f(f"ix_klarna_call_{column}"))
    op.drop_table("klarna_call")
