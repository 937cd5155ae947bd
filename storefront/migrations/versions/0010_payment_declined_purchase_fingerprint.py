"""payment.declined_purchase_fingerprint: a hard decline covers one purchase, not the cart forever

Declines recorded before this revision have no fingerprint: the payment page binds each to
the purchase it shows next, so changing the cart or customer details lifts it from then on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declined_purchase_fingerprint", sa.String(64)))


def downgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_column("declined_purchase_fingerprint")
