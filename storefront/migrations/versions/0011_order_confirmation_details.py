"""Order confirmation details: the category paid in, the plan, coupon, shipping, mail sent

payment.payment_method_category: the category the shopper authorized in; order: Klarna's plan
(days or instalments), the coupon code and shipping method it was placed with, and when its
confirmation e-mail was sent (once). Orders placed before this revision have none of them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ORDER_COLUMNS = (
    ("klarna_payment_days", sa.Integer()),
    ("klarna_instalments", sa.Integer()),
    ("coupon_code", sa.String(32)),
    ("shipping_method", sa.String(32)),
    ("confirmation_mailed_at", sa.DateTime(timezone=True)),
)


def upgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_method_category", sa.String(32)))
    with op.batch_alter_table("order", schema=None) as batch_op:
        for name, column_type in ORDER_COLUMNS:
            batch_op.add_column(sa.Column(name, column_type))


def downgrade():
    with op.batch_alter_table("order", schema=None) as batch_op:
        for name, _ in reversed(ORDER_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_column("payment_method_category")
