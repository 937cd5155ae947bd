"""The cart's payment record: found or created with its order number, and marked declined."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.models import Cart, Payment, PaymentEventKind
from storefront.services.payment_events import record

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


def decline(payment: Payment, *, detail: str) -> None:
    """Stop offering Klarna for this cart after Klarna's hard decline."""
    if payment.declined_at is None:
        payment.declined_at = utcnow()
        record(payment, PaymentEventKind.DECLINED, detail=detail)


def record_decline(cart: Cart) -> None:
    """Remember that Klarna's authorize() hard-declined this cart (the page reported it)."""
    decline(payment_for(cart), detail="authorize() answered approved false, show_form false")
    db.session.commit()
