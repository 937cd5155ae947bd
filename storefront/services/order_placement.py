"""Order placement: turn a Klarna authorization into exactly one shop order, then follow it.

`place_order` runs for the shopper's browser (they pressed Buy) and for Klarna's authorization
callback (they may have closed the tab), possibly at the same instant, twice over (a double
click, a back-button resubmit). Exactly one order comes out per Klarna session:
1. The payment row is locked (SELECT ... FOR UPDATE): on PostgreSQL a second attempt waits
   here until the first has made its claim. SQLite has no row locks, hence step 3.
2. An order that exists already is the answer; an attempt still placing it is waited for,
   unless its claim's lease ran out: then this attempt takes the claim over (step 4).
3. Otherwise the attempt claims the session by inserting the order as PLACING, with the exact
   create-order body. The unique constraints on `order.klarna_session_id` and
   `order.payment_id` let exactly one insert win on any database; the loser goes back to
   step 2 and answers with the winner's order.
4. Only the claim's holder calls create order, outside any lock and without a database
   connection, and records Klarna's answer with writes guarded on status PLACING.
Klarna's answer, or what its failure means, is recorded by `placement_outcomes`; the claims
themselves are kept by `order_claims`.
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from storefront.extensions import db
from storefront.klarna.errors import KlarnaError, KlarnaUnavailableError
from storefront.klarna.results import PlacedOrder
from storefront.klarna_extension import get_klarna
from storefront.models import Order, OrderStatus, Payment, PaymentEventKind
from storefront.security import matches_secret
from storefront.services.customer_tokens import settle_customer_token
from storefront.services.database_retries import poll_delay, with_database_retries
from storefront.services.errors import CallbackReplayed, OrderInProgress
from storefront.services.order_claims import Claim, claim, take_over_stalled_claim
from storefront.services.order_mail import mail_confirmation
from storefront.services.payment_events import record
from storefront.services.payments import record_category
from storefront.services.placement_outcomes import Placement, after_failure, record_placed
from storefront.subscription_models import TokenClaim, TokenClaimStatus

log = logging.getLogger(__name__)
T = TypeVar("T")

# How long a shopper's place-order request (the page's POST, a headless placeOrder) waits for
# an attempt already placing the order (Klarna's callback, or a double click) before answering.
PLACE_ORDER_WAIT_SECONDS = 15.0


@dataclass(frozen=True)
class Subscribed:
    """A `tokenize` checkout (nothing to pay today): subscriptions and a token, no order."""

    order_number: str  # the checkout's reserved number, which finds its subscriptions
    token_status: TokenClaimStatus | None


def place_order(
    payment_id: int,
    authorization_token: str,
    *,
    klarna_session_id: str,
    today: date,
    purchase_fingerprint_seen: str | None = None,
    language: str | None = None,
    wait_seconds: float = 0.0,
    cancel_unused: bool = True,
    payment_method_category: str | None = None,
) -> Placement | Subscribed:
    """Place the order for an authorization of `klarna_session_id`, exactly once; then the
    customer token of its subscriptions, if any (`customer_tokens`), from the same token.

    A `tokenize` checkout makes no order: the answer is `Subscribed`.
    `payment_method_category`: the category the shopper authorized in, as the page knows it
    (recorded on the payment for the confirmation; the callback cannot know it). Other
    arguments and the errors as `place_claimed`.
    """
    if payment_method_category:
        record_category(payment_id, payment_method_category)
    placed = place_claimed(
        payment_id,
        authorization_token,
        klarna_session_id=klarna_session_id,
        today=today,
        purchase_fingerprint_seen=purchase_fingerprint_seen,
        language=language,
        wait_seconds=wait_seconds,
        cancel_unused=cancel_unused,
    )
    if isinstance(placed, Subscribed):
        return Subscribed(placed.order_number, settle_customer_token(payment_id))
    if placed.order.status in (OrderStatus.PAID, OrderStatus.ON_HOLD):
        settle_customer_token(payment_id)
    return placed


def place_claimed(
    payment_id: int,
    authorization_token: str,
    *,
    klarna_session_id: str,
    today: date,
    purchase_fingerprint_seen: str | None = None,
    language: str | None = None,
    wait_seconds: float = 0.0,
    cancel_unused: bool = True,
) -> Placement | Subscribed:
    """Place the order for an authorization of `klarna_session_id`, exactly once.

    `purchase_fingerprint_seen` is the fingerprint of the purchase the page had the shopper
    authorize (None from the callback, which cannot know it); `language` the shopper's, as the
    page gave it to the session (the create-order body's locale; None: the market's). An
    attempt that finds another one placing the order waits up to `wait_seconds` for it, then
    raises OrderInProgress.
    `cancel_unused`: cancel the authorization if it cannot become the order. False for
    Klarna's callback: nothing ties its token to this cart but the callback itself, so a
    failure there leaves the token to lapse rather than cancel what may be another cart's.
    Raises AuthorizeAgain, PaymentDeclined, PaymentUnavailable, PaymentOutcomeUnknown and
    CheckoutIncomplete; each leaves no claim behind unless Klarna may have made the order.
    """
    deadline = time.monotonic() + wait_seconds
    polls = 0
    while True:
        payment = locked_payment(payment_id)
        order = payment.order
        if order is None and has_token_claim(payment_id):
            db.session.commit()  # a `tokenize` checkout, claimed already
            return Subscribed(payment.order_number, None)
        if order is None:
            claimed = claim(
                payment,
                authorization_token,
                klarna_session_id=klarna_session_id,
                today=today,
                purchase_fingerprint_seen=purchase_fingerprint_seen,
                language=language,
                cancel_unused=cancel_unused,
            )
            if isinstance(claimed, TokenClaim):
                return Subscribed(payment.order_number, None)
            if claimed is not None:
                return send_claimed(claimed)
            continue  # another attempt inserted its claim first: answer with its order
        if order.status != OrderStatus.PLACING:
            db.session.commit()  # release the lock
            return Placement(order)
        taken_over = take_over_stalled_claim(order)
        if taken_over is not None:
            return send_claimed(taken_over)
        number = order.number
        # Release the lock and the connection: a waiting attempt holds neither while it sleeps.
        db.session.commit()
        if time.monotonic() >= deadline:
            raise OrderInProgress(number)
        time.sleep(poll_delay(polls))
        polls += 1


def place_from_callback(
    payment: Payment, authorization_token: str, *, klarna_session_id: str, today: date
) -> Placement | Subscribed:
    """Klarna's authorization callback: place the order unless the browser has; answer once.

    Klarna asks for idempotent handling. The rule: the first callback for the session is
    answered with the order (placed now, or by the browser before); after that, a callback for
    the session again, or one carrying another token than the order's, is a replay:
    CallbackReplayed, and nothing changes. The answer is given once even to callbacks arriving
    at the same instant: each places the order idempotently (one claim wins, see
    `place_order`), then each tries to insert the payment's `callback_confirmed` event, which a
    partial unique index allows once per payment: the one insert that wins is answered with
    the order, every other with CallbackReplayed. A callback waiting for the order still being
    placed gets OrderInProgress (Klarna is asked to call again). Never cancels an
    authorization (see `place_order`'s `cancel_unused`).
    Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/authorization-callback
    """
    order = payment.order
    replayed = CallbackReplayed(f"order {payment.order_number} was confirmed to Klarna already")
    confirmed = any(event.kind == PaymentEventKind.CALLBACK_CONFIRMED for event in payment.events)
    if confirmed or (
        order is not None
        and not matches_secret(authorization_token, order.klarna_authorization_token)
    ):
        raise replayed  # the common replay, refused without a write; the index decides races
    payment_id = payment.id
    placement = place_order(
        payment_id,
        authorization_token,
        klarna_session_id=klarna_session_id,
        today=today,
        cancel_unused=False,
    )
    reference = None if isinstance(placement, Subscribed) else placement.order.klarna_order_id
    confirmed_payment = db.session.get(Payment, payment_id)
    assert confirmed_payment is not None
    record(confirmed_payment, PaymentEventKind.CALLBACK_CONFIRMED, klarna_reference=reference)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a simultaneous callback was answered with the order first
        raise replayed from None
    return placement


def resume_placement(order: Order) -> Order:
    """Finish placing an order whose claim stalled; the order as it stands afterwards.

    The order page calls this while it shows "confirming your payment", so an order whose
    attempt died is settled by the shopper's next look, not left PLACING for ever.
    Raises the PaymentErrors of `send_claimed` (the claim is released or kept as they say).
    """
    if order.status != OrderStatus.PLACING:
        return order
    taken_over = take_over_stalled_claim(order)
    if taken_over is None:
        return order
    placed = send_claimed(taken_over)
    if placed.order.status in (OrderStatus.PAID, OrderStatus.ON_HOLD):
        settle_customer_token(placed.order.payment_id)
    return placed.order


def has_token_claim(payment_id: int) -> bool:
    """Whether the payment's subscriptions were claimed (with or without an order)."""
    query = sa.select(TokenClaim.id).where(TokenClaim.payment_id == payment_id)
    return db.session.scalar(query) is not None


def locked_payment(payment_id: int) -> Payment:
    """The payment with its order, its row locked until the next commit (PostgreSQL)."""
    db.session.expire_all()  # see what other attempts committed meanwhile
    query = sa.select(Payment).where(Payment.id == payment_id).with_for_update(of=Payment)
    return db.session.scalars(query).one()


def send_claimed(claimed: Claim) -> Placement:
    """Send create order for a claim and record Klarna's answer, or raise what it means."""
    try:
        placed = send_create_order(claimed.authorization_token, claimed.request_body)
    except KlarnaError as error:
        return with_database_retries(partial(after_failure, claimed, error))
    placement = with_database_retries(partial(record_placed, claimed, placed))
    mail_confirmation(placement.order)  # once per order, whichever attempt gets here first
    return placement


def send_create_order(authorization_token: str, body: dict[str, Any]) -> PlacedOrder:
    """Create order; after an answer that got lost, send the identical request once more.

    One authorization can become only one order, so the same token with the same body cannot
    charge twice: Klarna answers the repeat with the order it made, or with an error if the
    first request did make one (then the outcome stays unknown).
    """
    klarna = get_klarna(body["purchase_country"])
    try:
        return klarna.create_order(authorization_token, body)
    except KlarnaUnavailableError as error:
        if not error.outcome_unknown:
            raise
        log.warning("create order outcome unknown (%s); asking once more", error)
    return klarna.create_order(authorization_token, body)
