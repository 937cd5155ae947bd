"""Paying with Klarna through a headless door: the pages' session, placement and claim services.

Nothing here decides anything the payment page does not: the Klarna session is kept in step by
`klarna_session.start_payment` (created once, updated only when its body's fingerprint
changed), and the order is placed by `order_placement.place_order`, so exactly one order comes
out of a Klarna session whichever door (page, callback, GraphQL, JSON:API) gets there first.
What a headless client adds is the choice of payment method with its authorization token,
kept on the cart between its two requests (set payment method, then place order).
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

from datetime import date

from storefront.extensions import db
from storefront.klarna.bodies import purchase_fingerprint
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import MARKETS
from storefront.models import Cart, OrderStatus
from storefront.services.checkout import CheckoutStep, checkout_snapshot, require_step
from storefront.services.errors import (
    DECLINED_MESSAGE,
    AuthorizeAgain,
    CheckoutIncomplete,
    KlarnaSwitchedOff,
    OrderInProgress,
    PaymentDeclined,
    PaymentMethodMissing,
    PaymentMethodUnavailable,
)
from storefront.services.klarna_session import (
    OfferedCategory,
    PaymentPage,
    offered_categories,
    start_payment,
)
from storefront.services.klarna_switch import klarna_enabled
from storefront.services.order_lookup import find_payment
from storefront.services.order_placement import PLACE_ORDER_WAIT_SECONDS, Subscribed, place_order
from storefront.services.payments import existing_payment

# A Klarna payment method category is offered as the payment method "klarna_<identifier>".
KLARNA_CODE_PREFIX = "klarna_"
# Klarna's authorization tokens are UUIDs; the order keeps at most this many characters.
MAX_TOKEN_LENGTH = 255
UNAVAILABLE_METHOD_MESSAGE = "The requested Payment Method is not available."
MISSING_METHOD_MESSAGE = "The payment method is missing. Select the payment method and try again."


def payment_method_code(category: OfferedCategory) -> str:
    """The payment method code a Klarna category is offered as, e.g. "klarna_pay_later"."""
    return f"{KLARNA_CODE_PREFIX}{category.identifier}"


def klarna_session(cart: Cart, *, today: date) -> PaymentPage:
    """The cart's Klarna session, in step with the cart: created now, or the one it has.

    Raises what `start_payment` raises, and PaymentDeclined while Klarna's decline stands.
    """
    page = start_payment(cart, today=today)
    if page.declined:
        raise PaymentDeclined(DECLINED_MESSAGE)
    return page


def available_methods(cart: Cart, *, today: date) -> tuple[OfferedCategory, ...]:
    """The Klarna categories the cart may pay with now, the session refreshed from the cart.

    The same refresh as a payment-page load: no Klarna call when nothing changed. Empty while
    the checkout misses a step, Klarna is switched off for the market or declined the cart.
    Raises PaymentUnavailable and PaymentOutcomeUnknown, and OrderInProgress.
    """
    try:
        return klarna_session(cart, today=today).categories
    except (CheckoutIncomplete, KlarnaSwitchedOff, PaymentDeclined):
        return ()


def select_klarna_method(cart: Cart, code: str, authorization_token: str, *, today: date) -> None:
    """Keep the client's Klarna category and the authorization its authorize() gave.

    The purchase's fingerprint is kept with it: placing the order refuses (and cancels) the
    authorization if the cart changed since, as the page does. No Klarna call is made.
    """
    if not klarna_enabled(cart.market):
        raise KlarnaSwitchedOff(MARKETS[cart.market].country)
    payment = existing_payment(cart)
    offered = (
        {payment_method_code(category) for category in offered_categories(payment)}
        if payment is not None and payment.klarna_session_id is not None
        else set()
    )
    if payment is None or code not in offered:
        raise PaymentMethodUnavailable(UNAVAILABLE_METHOD_MESSAGE)
    if not 0 < len(authorization_token) <= MAX_TOKEN_LENGTH:
        raise PaymentMethodUnavailable('Required parameter "authorization_token" is missing.')
    snapshot = checkout_snapshot(cart, today=today)
    require_step(snapshot, CheckoutStep.SUMMARY)
    cart.selected_payment = {
        "code": code,
        "authorization_token": authorization_token,
        "klarna_session_id": payment.klarna_session_id or "",
        "purchase_fingerprint": purchase_fingerprint(klarna_purchase(snapshot)),
    }
    db.session.commit()


def selected_method(cart: Cart) -> str | None:
    """The payment method code the client chose, if any."""
    return cart.selected_payment["code"] if cart.selected_payment else None


def place_headless_order(cart: Cart, *, today: date) -> str:
    """Place the order with the chosen authorization, exactly once; the order's number.

    Through `place_order`, as the page's POST and Klarna's callback: if another attempt is
    placing it, its order is the answer (its number, once placed or still placing). Raises
    PaymentMethodMissing, AuthorizeAgain (the choice is cleared: authorize again),
    PaymentDeclined, PaymentUnavailable, PaymentOutcomeUnknown and CheckoutIncomplete.
    """
    selected = cart.selected_payment
    if not selected:
        raise PaymentMethodMissing(MISSING_METHOD_MESSAGE)
    # As the page's POST: the cart's payment, or, if another door placed the order with this
    # token since the cart was read (and so consumed the cart), that order's payment.
    payment = find_payment(cart, selected["klarna_session_id"], selected["authorization_token"])
    if payment is None:
        raise PaymentMethodMissing(MISSING_METHOD_MESSAGE)
    payment_id, cart_id = payment.id, cart.id
    db.session.commit()  # no lock is held while the order is placed
    try:
        placement = place_order(
            payment_id,
            selected["authorization_token"],
            klarna_session_id=selected["klarna_session_id"],
            today=today,
            purchase_fingerprint_seen=selected["purchase_fingerprint"],
            wait_seconds=PLACE_ORDER_WAIT_SECONDS,
        )
    except OrderInProgress as error:
        return error.number
    except AuthorizeAgain:
        forget_selection(cart_id)
        raise
    if isinstance(placement, Subscribed):
        return placement.order_number  # a free trial: subscriptions and a token, no order
    if placement.order.status == OrderStatus.REJECTED:
        raise PaymentDeclined(DECLINED_MESSAGE)
    return placement.order.number


def forget_selection(cart_id: int) -> None:
    """Drop a chosen authorization that cannot become the order (the cart may be gone)."""
    cart = db.session.get(Cart, cart_id)
    if cart is not None:
        cart.selected_payment = None
        db.session.commit()
