"""coupon.is_demo: only demo coupons are listed on the home page

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 11:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.drop_column("is_demo")
