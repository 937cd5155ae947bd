"""cart.masked_id and cart.selected_payment: the headless doors' cart id and chosen payment

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 14:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cart", schema=None) as batch_op:
        batch_op.add_column(sa.Column("masked_id", sa.String(32)))
        batch_op.add_column(sa.Column("selected_payment", sa.JSON()))
        batch_op.create_unique_constraint("uq_cart_masked_id", ["masked_id"])


def downgrade():
    with op.batch_alter_table("cart", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cart_masked_id", type_="unique")
        batch_op.drop_column("selected_payment")
        batch_op.drop_column("masked_id")
