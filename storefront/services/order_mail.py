"""The order confirmation e-mail: sent once per order, whichever attempt placed it.

The shopper's browser and Klarna's callback may both finish placing the same order, and a
callback may be replayed; a guarded UPDATE of `order.confirmation_mailed_at` (from NULL) lets
exactly one of them send, on any database. A mail that fails is logged with the order number
and its mark taken back, so the order shows it was never sent; no attempt sends it twice.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any, cast

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext

from storefront import mail
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.i18n import BABEL_LOCALES, LANGUAGES, market_language
from storefront.markets import MARKETS
from storefront.models import Order
from storefront.order_status import OrderStatus
from storefront.services.order_receipts import order_receipt

log = logging.getLogger(__name__)

# A confirmation goes out for an order Klarna accepted or is reviewing, never for a refusal.
MAILED_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.ON_HOLD})


def mail_confirmation(order: Order) -> bool:
    """Send the order's confirmation unless it went out already; True if this call sent it.

    The order stands whatever happens to its e-mail: a failure is logged, never raised, so the
    shopper (or Klarna's callback) still gets the placed order as the answer.
    """
    if order.status not in MAILED_STATUSES or order.confirmation_mailed_at is not None:
        return False
    try:
        message = confirmation_message(order)
    except Exception:  # a broken template or lookup must not turn a placed order into a 500
        log.exception("order %s: confirmation e-mail could not be written", order.number)
        return False
    if not mark_mailed(order.id, sent=True):
        return False  # another attempt sent it
    try:
        mail.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.error("order %s: confirmation e-mail not sent: %s", order.number, error)
        mark_mailed(order.id, sent=False)
        return False
    return True


def mark_mailed(order_id: int, *, sent: bool) -> bool:
    """Set (or take back) the order's mailed mark; True if this call changed it."""
    column = Order.confirmation_mailed_at
    changed = cast(
        sa.CursorResult[Any],
        db.session.execute(
            sa.update(Order)
            .where(Order.id == order_id, column.is_(None) if sent else column.is_not(None))
            .values(confirmation_mailed_at=utcnow() if sent else None)
            .execution_options(synchronize_session=False)
        ),
    )
    db.session.commit()
    return changed.rowcount == 1


def confirmation_message(order: Order) -> mail.Message:
    """The confirmation e-mail, in the language the order was placed in."""
    language = order_language(order)
    with force_locale(BABEL_LOCALES[language]):
        receipt = order_receipt(order, absolute=True)
        subject = gettext("Your order %(number)s", number=order.number)
        if order.status == OrderStatus.ON_HOLD:
            subject = gettext("Your order %(number)s is being reviewed", number=order.number)
        body = render_template("mail/order_confirmation.txt", receipt=receipt)
        html = render_template("mail/order_confirmation.html", receipt=receipt, language=language)
        return mail.Message(to=order.email, subject=subject, body=body, html=html)


def order_language(order: Order) -> str:
    """The language the order was placed in; its market's for an order from before 0015."""
    if order.language in LANGUAGES:
        return order.language
    return market_language(MARKETS[order.market])
