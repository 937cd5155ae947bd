"""API Klarna payments: the order's Klarna session as a payment source, and its authorization.

Creating one, and refreshing it (`_update`), run the payment page's own session service
(`klarna_session.start_payment`): a Klarna session is created when the order has none, updated
only when the session body's fingerprint changed, and left alone (no Klarna call) otherwise.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from storefront.api_models import ApiKlarnaPayment, ApiOrder
from storefront.clock import utcnow
from storefront.extensions import db
from storefront.klarna.bodies import purchase_fingerprint
from storefront.klarna_purchase import klarna_purchase
from storefront.services.api_clients import Grant, ResourceNotFound
from storefront.services.api_orders import editable_cart
from storefront.services.checkout import checkout_snapshot
from storefront.services.errors import DECLINED_MESSAGE, PaymentDeclined, ShopError
from storefront.services.klarna_session import start_payment

MAX_AUTH_TOKEN_LENGTH = 255


class PaymentSourceDetached(ShopError):
    """The klarna_payments is no longer the order's payment source (the order was edited)."""


@dataclass(frozen=True)
class KlarnaPaymentInput:
    """What a client may set on a new klarna_payments."""

    reference: str = ""
    reference_origin: str = ""
    metadata: dict[str, Any] | None = None


def create_klarna_payment(
    order: ApiOrder, given: KlarnaPaymentInput, *, today: date
) -> ApiKlarnaPayment:
    """Bring the order's Klarna session in step and make it the order's payment source.

    Raises the session service's errors (CheckoutIncomplete, PaymentDeclined, ...).
    """
    session_id = sync_session(order, today=today)
    now = utcnow()
    for old in order.klarna_payments:
        if old.detached_at is None:
            old.detached_at = now
    payment = ApiKlarnaPayment(
        public_id=secrets.token_urlsafe(24),
        order=order,
        klarna_session_id=session_id,
        reference=given.reference,
        reference_origin=given.reference_origin,
        metadata_json=given.metadata or {},
        created_at=now,
        updated_at=now,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def refresh_klarna_payment(payment: ApiKlarnaPayment, *, today: date) -> None:
    """`_update`: the Klarna session made to hold the order as it is now; the payment source again.

    No Klarna call when the order's session body is unchanged. The authorization stays only
    while the session does: a new session needs a new authorize().
    """
    order = payment.order
    session_id = sync_session(order, today=today)
    now = utcnow()
    for other in order.klarna_payments:
        if other is not payment and other.detached_at is None:
            other.detached_at = now
    if session_id != payment.klarna_session_id:
        payment.auth_token = payment.purchase_fingerprint = None
    payment.klarna_session_id = session_id
    payment.detached_at = None
    payment.updated_at = now
    db.session.commit()


def sync_session(order: ApiOrder, *, today: date) -> str | None:
    """Run the payment page's session service for the order's cart; the session id it holds."""
    cart = editable_cart(order)
    page = start_payment(cart, today=today)
    if page.declined:
        raise PaymentDeclined(DECLINED_MESSAGE)
    return page.payment.klarna_session_id


def record_authorization(payment: ApiKlarnaPayment, auth_token: str, *, today: date) -> None:
    """Record the token Klarna's authorize() gave for this payment source's session."""
    if payment.detached_at is not None:
        raise PaymentSourceDetached(
            "The order changed after this klarna_payments was created: create a new one"
            " (or refresh this one with _update) and authorize again."
        )
    cart = editable_cart(payment.order)
    payment.auth_token = auth_token
    payment.purchase_fingerprint = purchase_fingerprint(
        klarna_purchase(checkout_snapshot(cart, today=today))
    )
    payment.updated_at = utcnow()
    db.session.commit()


def find_klarna_payment(grant: Grant, public_id: str) -> ApiKlarnaPayment:
    """The client's klarna_payments in the token's market, or ResourceNotFound."""
    payment = db.session.scalars(
        sa.select(ApiKlarnaPayment)
        .join(ApiOrder)
        .where(
            ApiKlarnaPayment.public_id == public_id,
            ApiOrder.api_client_id == grant.client_pk,
            ApiOrder.market == grant.market,
        )
    ).one_or_none()
    if payment is None:
        raise ResourceNotFound(public_id)
    return payment
