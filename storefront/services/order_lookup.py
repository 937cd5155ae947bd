"""Order lookups: an order by number (and email), by Klarna's id; a payment by session or token."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from storefront.extensions import db
from storefront.models import Cart, Order, Payment
from storefront.security import matches_secret
from storefront.services.payments import ORDER_NUMBER_LENGTH, existing_payment

# Letters and digits of an order number: "FF" and its random characters (services.payments).
ORDER_NUMBER_CHARS = 2 + ORDER_NUMBER_LENGTH


def find_payment(
    cart: Cart | None, klarna_session_id: str, authorization_token: str
) -> Payment | None:
    """The payment a place-order POST is for, or None if the poster has no claim to one.

    If that token already placed an order for that session, its payment (the poster holds the
    token, so they authorized it; the cart was consumed, maybe by Klarna's callback). Else
    the payment of the shopper's own cart.
    The cart's payment is looked up first: if Klarna's callback consumes the cart meanwhile,
    that lookup finds nothing, and the order lookup after it already sees the callback's order.
    """
    payment = existing_payment(cart) if cart is not None else None
    order = db.session.scalars(
        sa.select(Order).where(Order.klarna_session_id == klarna_session_id)
    ).one_or_none()
    if order is not None and matches_secret(authorization_token, order.klarna_authorization_token):
        return order.payment
    return payment


def find_order(number: str) -> Order | None:
    """The order with this number, with its lines and payment loaded."""
    return db.session.scalars(
        sa.select(Order)
        .where(Order.number == number)
        .options(selectinload(Order.lines), selectinload(Order.payment))
    ).one_or_none()


def normal_order_number(typed: str) -> str:
    """An order number as stored (FF-7K3Q-M9XD), however typed: any case, spaces or dashes."""
    compact = "".join(char for char in typed.upper() if char.isalnum())
    if len(compact) != ORDER_NUMBER_CHARS or not compact.startswith("FF"):
        return compact  # not an order number's shape: finds nothing
    half = 2 + ORDER_NUMBER_LENGTH // 2
    return f"{compact[:2]}-{compact[2:half]}-{compact[half:]}"


def look_up_order(number: str, email: str) -> Order | None:
    """The order with this number (with or without dashes) and email (any spacing or case)."""
    order = find_order(normal_order_number(number))
    if order is None or order.email.casefold() != email.strip().casefold():
        return None
    return order


def find_payment_by_session(klarna_session_id: str) -> Payment | None:
    """The payment whose current Klarna session this is."""
    return db.session.scalars(
        sa.select(Payment).where(Payment.klarna_session_id == klarna_session_id)
    ).one_or_none()


def find_order_by_klarna_id(klarna_order_id: str) -> Order | None:
    """The order Klarna knows by this id."""
    return db.session.scalars(
        sa.select(Order).where(Order.klarna_order_id == klarna_order_id)
    ).one_or_none()
