"""The cart's payment record: found or created with its order number, declined and un-declined."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.klarna.bodies import purchase_fingerprint
from storefront.klarna_purchase import klarna_purchase
from storefront.models import Cart, Payment, PaymentEventKind
from storefront.services.checkout import checkout_snapshot
from storefront.services.payment_events import record
from storefront.snapshot import CheckoutSnapshot

# Order numbers: unambiguous characters only (no 0/O, 1/I/L), read out over the phone.
ORDER_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ORDER_NUMBER_LENGTH = 8


def existing_payment(cart: Cart) -> Payment | None:
    """The cart's payment, if it has one, locked until the transaction ends (PostgreSQL)."""
    query = sa.select(Payment).where(Payment.cart_id == cart.id).with_for_update()
    return db.session.scalars(query).one_or_none()


def payment_for(cart: Cart) -> Payment:
    """The cart's payment, locked until the transaction ends; created with its order number."""
    payment = existing_payment(cart)
    if payment is not None:
        return payment
    payment = Payment(cart=cart, order_number=new_order_number(), market=cart.market)
    db.session.add(payment)
    try:
        db.session.flush()
    except IntegrityError:
        # The shopper's other tab created it a moment ago (only possible without row locks).
        db.session.rollback()
        return db.session.scalars(sa.select(Payment).where(Payment.cart_id == cart.id)).one()
    return payment


def new_order_number() -> str:
    """A fresh shop order number such as FF-7K3Q-M9XD (40 random bits, unique in the table)."""
    chars = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(ORDER_NUMBER_LENGTH))
    return f"FF-{chars[:4]}-{chars[4:]}"


def write_payment(payment_id: int, *conditions: sa.ColumnElement[bool], **values: Any) -> bool:
    """Write `values` to the payment if `conditions` hold; False, and nothing written, if not."""
    # An UPDATE's result is a CursorResult, which counts the rows it matched.
    written = cast(
        sa.CursorResult[Any],
        db.session.execute(
            sa.update(Payment)
            .where(Payment.id == payment_id, *conditions)
            .values(**values)
            .execution_options(synchronize_session=False),
        ),
    )
    return written.rowcount == 1


def decline(payment: Payment, *, detail: str, purchase: str | None = None) -> None:
    """Klarna hard-declined the purchase with fingerprint `purchase`: stop offering Klarna for it.

    Klarna declines a purchase with its customer details, not the shopper's cart for good
    (https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-2-checkout).
    Without `purchase` (create order refused) the decline covers the purchase the payment page
    shows next.
    """
    if payment.declined_at is None:
        payment.declined_at = utcnow()
        payment.declined_purchase_fingerprint = purchase
        record(payment, PaymentEventKind.DECLINED, detail=detail)


def decline_key(snapshot: CheckoutSnapshot) -> str:
    """What a hard decline covers: the purchase in the market's own locale.

    The shopper's language is left out, so changing only the language does not ask Klarna again.
    """
    return purchase_fingerprint(klarna_purchase(snapshot))


def record_decline(cart: Cart, *, today: date) -> None:
    """Remember that Klarna's authorize() hard-declined the cart's purchase (the page said so)."""
    purchase = decline_key(checkout_snapshot(cart, today=today))
    detail = "authorize() answered approved false, show_form false"
    decline(payment_for(cart), detail=detail, purchase=purchase)
    db.session.commit()


def lift_decline(payment: Payment) -> None:
    """Offer Klarna again: the cart or details Klarna declined changed (caller commits)."""
    payment.declined_at = None
    payment.declined_purchase_fingerprint = None
    record(payment, PaymentEventKind.DECLINE_LIFTED)


def record_category(payment_id: int, identifier: str) -> None:
    """Remember the payment_method_category the shopper authorized in, if the session offered it.

    The payment page posts it with the authorization token (any client of place_order may);
    a category Klarna did not offer for this payment is ignored, so nothing false is shown.
    """
    payment = db.session.get(Payment, payment_id)
    offered = payment.payment_method_categories if payment is not None else []
    if any(row.get("identifier") == identifier for row in offered):
        write_payment(payment_id, payment_method_category=identifier)
    db.session.commit()
