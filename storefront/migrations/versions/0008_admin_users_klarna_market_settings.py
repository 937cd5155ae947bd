"""admin_user, klarna_market_setting, order.klarna_expires_at: the merchant's admin area

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-06 11:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "admin_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_user")),
        sa.UniqueConstraint("session_token", name=op.f("uq_admin_user_session_token")),
        sa.UniqueConstraint("username", name=op.f("uq_admin_user_username")),
    )
    op.create_table(
        "klarna_market_setting",
        sa.Column("market", sa.String(length=2), nullable=False),
        sa.Column("klarna_enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("market", name=op.f("pk_klarna_market_setting")),
    )
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("klarna_expires_at", sa.DateTime(timezone=True)))


def downgrade():
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.drop_column("klarna_expires_at")
    op.drop_table("klarna_market_setting")
    op.drop_table("admin_user")
