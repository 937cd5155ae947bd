"""What Klarna's answer to create order means: the order recorded, or its claim settled.

Every way create order can fail has a named outcome (see `after_failure`): the claim is
released when Klarna certainly made no order, and kept (PLACING) when it may have made one,
for a later attempt to send the identical request again (`take_over_stalled_claim`).
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.klarna.errors import (
    KlarnaConflictError,
    KlarnaError,
    KlarnaForbiddenError,
    KlarnaNotFoundError,
    KlarnaRejectedError,
    KlarnaSessionCompletedError,
    KlarnaUnavailableError,
)
from storefront.klarna.results import PlacedOrder
from storefront.models import Order, OrderStatus, PaymentEventKind
from storefront.services.errors import (
    CHANGED_MESSAGE,
    DECLINED_MESSAGE,
    EXPIRED_MESSAGE,
    OUTCOME_UNKNOWN_MESSAGE,
    UNAVAILABLE_MESSAGE,
    AuthorizeAgain,
    PaymentDeclined,
    PaymentOutcomeUnknown,
    PaymentUnavailable,
)
from storefront.services.fraud_decisions import STATUS_FOR_FRAUD_STATUS
from storefront.services.klarna_requests import klarna_for
from storefront.services.order_claims import (
    Claim,
    cancel_authorization,
    claimed_order,
    hold_if_placing,
    release_claim,
)
from storefront.services.payment_events import record
from storefront.services.payments import decline

log = logging.getLogger(__name__)

# After an answer got lost, how soon another attempt may send the same create order again.
RESEND_AFTER_UNKNOWN = timedelta(seconds=10)


@dataclass(frozen=True)
class Placement:
    """The order a place-order attempt ended with; `redirect_url` only for the one that made it.

    Klarna's `redirect_url` lets Klarna set its cookie before sending the shopper on to the
    confirmation page; an attempt that found the order placed already has none.
    """

    order: Order
    redirect_url: str | None = None


def record_placed(claimed: Claim, placed: PlacedOrder) -> Placement:
    """Store Klarna's order and fraud decision; consume the cart unless Klarna refused."""
    order = claimed_order(claimed)
    if order is None:
        # Only a claim taken over and released (Klarna said no order) while this attempt's
        # create order was still on its way can end here: support must join the two.
        log.error("Klarna order %s has no shop order (claim released)", placed.order_id)
        raise PaymentOutcomeUnknown(OUTCOME_UNKNOWN_MESSAGE, reference=placed.order_id)
    status = STATUS_FOR_FRAUD_STATUS.get(placed.fraud_status)
    if status is None:
        # Not one of Klarna's three values: hold the order rather than ship it unchecked.
        log.warning("order %s: unknown fraud_status %r", order.number, placed.fraud_status)
        status = OrderStatus.ON_HOLD
    Order.check_transition(OrderStatus.PLACING, status)
    if not hold_if_placing(order, status=status, claim_expires_at=None):
        return Placement(claimed_order(claimed) or order)  # another attempt recorded it
    payment = order.payment
    order.klarna_order_id = placed.order_id
    order.klarna_fraud_status = placed.fraud_status
    order.klarna_payment_method = placed.authorized_payment_method
    order.klarna_payment_days = placed.number_of_days
    order.klarna_instalments = placed.number_of_installments
    record(
        payment,
        PaymentEventKind.ORDER_CREATED,
        amount_minor=order.total_minor,
        klarna_reference=placed.order_id,
        detail=f"fraud_status {placed.fraud_status}",
    )
    if status is OrderStatus.REJECTED:
        decline(payment, detail="create order answered fraud_status REJECTED")
    elif payment.cart is not None:
        # The cart became this order: the shopper's next visit starts a new, empty one.
        cart = payment.cart
        payment.cart = None
        db.session.delete(cart)
    db.session.commit()
    return Placement(order, placed.redirect_url)


def after_failure(claimed: Claim, error: KlarnaError) -> Placement:
    """Record a failed create order and raise the shopper-facing error for it.

    - 409 (the data differs from what was authorized): no order; release the claim, cancel
      the authorization so the shopper's credit is not held, ask to authorize again.
    - 404 NOT_FOUND (token expired after 60 minutes, or replaced): no order; ask again.
    - 403 REJECTED: no order; Klarna declined the shopper, stop offering Klarna.
    - A lost answer, 404 SESSION_COMPLETED or 403 INVALID_OPERATION ("Authorization token
      already consumed"): Klarna may have made the order; keep the claim (PLACING) so nothing
      can place a second one, and let a later attempt send the same request again.
    - Anything else (400, 401, another 403, 429, a failure before sending): no order; cancel
      the authorization (a new one is needed: Klarna repeats a failed token's error) and let
      the shopper try again.
    Returns, instead of raising, when another attempt placed the order meanwhile.
    """
    order = claimed_order(claimed)
    if order is None:
        raise PaymentUnavailable(UNAVAILABLE_MESSAGE, reference=error.correlation_id) from error
    if order.status != OrderStatus.PLACING:
        return Placement(order)
    reference = error.correlation_id
    if may_have_made_an_order(error) or session_completed(order):
        # Hand the claim on: the next attempt, the order page or Klarna's callback asks again.
        if not hold_if_placing(order, claim_expires_at=utcnow() + RESEND_AFTER_UNKNOWN):
            return Placement(claimed_order(claimed) or order)
        log.error("order %s: create order outcome unknown: %s", order.number, error)
        record(
            order.payment,
            PaymentEventKind.ORDER_OUTCOME_UNKNOWN,
            amount_minor=order.total_minor,
            correlation_id=reference,
            detail=str(error),
        )
        db.session.commit()
        raise PaymentOutcomeUnknown(
            OUTCOME_UNKNOWN_MESSAGE, reference=reference or order.number
        ) from error
    payment = order.payment
    if not release_claim(order, detail=str(error), correlation_id=reference):
        return Placement(claimed_order(claimed) or order)
    if isinstance(error, KlarnaNotFoundError):
        raise AuthorizeAgain(EXPIRED_MESSAGE, reference=reference) from error
    if isinstance(error, KlarnaRejectedError):
        decline(payment, detail="create order answered 403 REJECTED")
        db.session.commit()
        raise PaymentDeclined(DECLINED_MESSAGE, reference=reference) from error
    if claimed.cancel_unused:
        cancel_authorization(payment, claimed.authorization_token, reason=f"create order: {error}")
        db.session.commit()
    if isinstance(error, KlarnaConflictError):
        raise AuthorizeAgain(CHANGED_MESSAGE, reference=reference) from error
    log.warning("order %s: create order failed: %s", order.number, error)
    raise PaymentUnavailable(UNAVAILABLE_MESSAGE, reference=reference) from error


def session_completed(order: Order) -> bool:
    """Whether Klarna shows the order's session completed, i.e. some create order made it.

    Asked only for a claim that was taken over, before releasing it on a "no order" answer:
    the attempt that stalled may have made the order after all. Klarna docs (session status
    `incomplete` -> `complete`): https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/check-the-details-of-a-payment-session
    """
    if order.klarna_session_id is None or not any(
        event.kind == PaymentEventKind.ORDER_CLAIM_TAKEN_OVER for event in order.payment.events
    ):
        return False
    try:
        details = klarna_for(order.payment).read_session(order.klarna_session_id)
    except KlarnaNotFoundError:
        return False
    except KlarnaError:
        return True  # cannot tell: keep the claim rather than risk a lost order
    return details.status == "complete"


def may_have_made_an_order(error: KlarnaError) -> bool:
    """True when a failed create order may still have made an order at Klarna."""
    if isinstance(error, KlarnaUnavailableError):
        return error.outcome_unknown
    if isinstance(error, KlarnaForbiddenError):
        # Klarna docs (error codes): "Authorization token already consumed".
        # https://docs.klarna.com/resources/developer-tools/error-handling/error-codes-and-messages-for-klarna-payments
        return error.error_code == "INVALID_OPERATION"
    return isinstance(error, KlarnaSessionCompletedError)
