"""Placing an API order (`_place`): the shop's one placement service, with the recorded token.

`_place` ends in `order_placement.place_order`, as the payment page's place-order POST and
Klarna's authorization callback do, so exactly one order comes out of a Klarna session however
many of them race. An order placed already is the answer to a repeated `_place`.
"""

from __future__ import annotations

from datetime import date

from storefront.api_models import ApiOrder
from storefront.models import Order, OrderStatus
from storefront.services.errors import DECLINED_MESSAGE, PaymentDeclined, ShopError
from storefront.services.order_placement import PLACE_ORDER_WAIT_SECONDS, Subscribed, place_order


class MissingPaymentSource(ShopError):
    """`_place` on an order without a payment source, or one with no authorization recorded."""


# The API's order status and payment status for each shop order status (Commerce Layer's words).
API_STATUS = {
    OrderStatus.PLACING: ("placing", "unpaid"),
    OrderStatus.PAID: ("placed", "authorized"),
    OrderStatus.ON_HOLD: ("placed", "pending"),  # Klarna reviews it (fraud_status PENDING)
    OrderStatus.REJECTED: ("rejected", "unpaid"),
    OrderStatus.CANCELLED: ("cancelled", "voided"),
    OrderStatus.EXPIRED: ("cancelled", "voided"),
    OrderStatus.PART_CAPTURED: ("approved", "partially_paid"),
    OrderStatus.CAPTURED: ("approved", "paid"),
    OrderStatus.PART_REFUNDED: ("approved", "partially_refunded"),
    OrderStatus.REFUNDED: ("approved", "refunded"),
}


def api_status(order: ApiOrder) -> tuple[str, str]:
    """(status, payment_status) of an API order."""
    placed = order.payment.order
    if placed is not None:
        return API_STATUS[OrderStatus(placed.status)]
    cart = order.payment.cart
    return ("pending" if cart is not None and cart.lines else "draft"), "unpaid"


def place_api_order(order: ApiOrder, *, today: date) -> Order:
    """Place the order with its payment source's authorization, exactly once.

    Raises MissingPaymentSource, and the placement service's errors (AuthorizeAgain,
    PaymentDeclined, PaymentUnavailable, PaymentOutcomeUnknown, OrderInProgress, ...).
    """
    placed = order.payment.order
    if placed is None or placed.status == OrderStatus.PLACING:
        placed = place_with_source(order, today=today)
    if placed.status == OrderStatus.REJECTED:
        raise PaymentDeclined(DECLINED_MESSAGE)
    return placed


def place_with_source(order: ApiOrder, *, today: date) -> Order:
    """Send the payment source's authorization to the placement service."""
    source = order.payment_source
    if source is None or source.klarna_session_id is None:
        raise MissingPaymentSource(
            "The order has no payment source: create a klarna_payments for it."
        )
    if source.auth_token is None:
        raise MissingPaymentSource(
            "Record the auth_token Klarna's authorize() gave on the klarna_payments first."
        )
    placement = place_order(
        order.payment_id,
        source.auth_token,
        klarna_session_id=source.klarna_session_id,
        today=today,
        purchase_fingerprint_seen=source.purchase_fingerprint,
        wait_seconds=PLACE_ORDER_WAIT_SECONDS,  # as long as the page's POST waits
    )
    if isinstance(placement, Subscribed):
        # line_items take no subscription plan, so an API order is never a `tokenize` checkout
        raise TypeError("the placement of an API order made no order")
    return placement.order
