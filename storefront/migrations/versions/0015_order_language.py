"""order.language: the shop language an order was placed in, for its confirmation e-mail

Orders placed before this revision have none; their e-mail (if ever re-sent) reads in the
language of their market.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 15:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(8)))


def downgrade():
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.drop_column("language")
