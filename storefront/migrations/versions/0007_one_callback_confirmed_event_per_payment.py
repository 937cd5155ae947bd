"""payment_event: at most one callback_confirmed event per payment

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 12:00:00.000000

Simultaneous identical authorization callbacks could each be answered 200 and each record a
callback_confirmed event. The partial unique index lets exactly one insert win from now on.
Duplicates recorded before it say the same thing again (the payment's first confirmation
stays), so the later ones are deleted first, or the index could not be built.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CONFIRMED = sa.text("kind = 'callback_confirmed'")


def upgrade():
    op.execute(
        """
        DELETE FROM payment_event
        WHERE kind = 'callback_confirmed'
          AND id NOT IN (
            SELECT MIN(id) FROM payment_event
            WHERE kind = 'callback_confirmed'
            GROUP BY payment_id
          )
        """
    )
    op.create_index(
        "uq_payment_event_callback_confirmed",
        "payment_event",
        ["payment_id"],
        unique=True,
        sqlite_where=CONFIRMED,
        postgresql_where=CONFIRMED,
    )


def downgrade():
    op.drop_index("uq_payment_event_callback_confirmed", table_name="payment_event")
