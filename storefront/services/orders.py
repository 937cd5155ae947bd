"""Order service: turn a Klarna authorization into exactly one shop order, then follow it.

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
Every way create order can fail has a named outcome (see `after_failure`): the claim is
released when Klarna certainly made no order, and kept (PLACING) when it may have made one,
for a later attempt to send the identical request again (`take_over_stalled_claim`).
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storefront.extensions import db
from storefront.klarna.bodies import order_body, purchase_fingerprint
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
from storefront.klarna_extension import get_klarna
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import MARKETS
from storefront.models import (
    Cart,
    InvalidTransition,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentEventKind,
)
from storefront.pricing import PricedOrder, price_order
from storefront.services.checkout import CheckoutStep, checkout_snapshot, require_step
from storefront.services.errors import (
    AuthorizeAgain,
    CallbackReplayed,
    OrderInProgress,
    PaymentDeclined,
    PaymentError,
    PaymentOutcomeUnknown,
    PaymentUnavailable,
)
from storefront.services.payment import (
    DECLINED_MESSAGE,
    UNAVAILABLE_MESSAGE,
    as_utc,
    checked,
    decline,
    existing_payment,
    klarna_for,
    matches_secret,
    merchant_context,
    record,
    utcnow,
)
from storefront.snapshot import CheckoutSnapshot

log = logging.getLogger(__name__)
T = TypeVar("T")

# How often a waiting attempt looks again at an order another attempt is placing: from
# FIRST_POLL_SECONDS, doubling up to MAX_POLL_SECONDS (see poll_delay).
FIRST_POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 1.0
# Added to the slowest create order's time to make a claim's lease (see claim_lease).
CLAIM_LEASE_MARGIN_SECONDS = 5
# Tries at writing down Klarna's answer while the database is busy (see with_database_retries).
DATABASE_ATTEMPTS = 4
# After an answer got lost, how soon another attempt may send the same create order again.
RESEND_AFTER_UNKNOWN = timedelta(seconds=10)

# Klarna's fraud_status on create order and in Order Management -> the order's status.
# Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/more-actions/pending-orders
STATUS_FOR_FRAUD_STATUS = {
    "ACCEPTED": OrderStatus.PAID,
    "PENDING": OrderStatus.ON_HOLD,
    "REJECTED": OrderStatus.REJECTED,
}

OUTCOME_UNKNOWN_MESSAGE = (
    "We could not confirm your payment with Klarna yet. Please don't pay again: "
    "your order page will show the result."
)
CHANGED_MESSAGE = (
    "Your order changed after you confirmed it with Klarna, so we have not charged you. "
    "Please check your order and confirm again."
)
EXPIRED_MESSAGE = "Your Klarna confirmation has expired. Please confirm your payment again."


@dataclass(frozen=True)
class Placement:
    """The order a place-order attempt ended with; `redirect_url` only for the one that made it.

    Klarna's `redirect_url` lets Klarna set its cookie before sending the shopper on to the
    confirmation page; an attempt that found the order placed already has none.
    """

    order: Order
    redirect_url: str | None = None


def place_order(
    payment_id: int,
    authorization_token: str,
    *,
    klarna_session_id: str,
    today: date,
    purchase_fingerprint_seen: str | None = None,
    wait_seconds: float = 0.0,
    cancel_unused: bool = True,
) -> Placement:
    """Place the order for an authorization of `klarna_session_id`, exactly once.

    `purchase_fingerprint_seen` is the fingerprint of the purchase the page had the shopper
    authorize (None from the callback, which cannot know it). An attempt that finds another
    one placing the order waits up to `wait_seconds` for it, then raises OrderInProgress.
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
        if order is None:
            claimed = claim(
                payment,
                authorization_token,
                klarna_session_id=klarna_session_id,
                today=today,
                purchase_fingerprint_seen=purchase_fingerprint_seen,
                cancel_unused=cancel_unused,
            )
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
) -> Placement:
    """Klarna's authorization callback: place the order unless the browser has; answer once.

    Klarna asks for idempotent handling: the first callback for the
    session is answered with the order, placed now or by the browser before. After that
    answer, a callback for the session again, or one carrying another token than the order's,
    is a replay: CallbackReplayed, and nothing changes. Never cancels an authorization (see
    `place_order`'s `cancel_unused`).
    Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/authorization-callback
    """
    order = payment.order
    replayed = any(event.kind == PaymentEventKind.CALLBACK_CONFIRMED for event in payment.events)
    if replayed or (
        order is not None
        and not matches_secret(authorization_token, order.klarna_authorization_token)
    ):
        raise CallbackReplayed(f"order {payment.order_number} was confirmed to Klarna already")
    placement = place_order(
        payment.id,
        authorization_token,
        klarna_session_id=klarna_session_id,
        today=today,
        cancel_unused=False,
    )
    record(
        placement.order.payment,
        PaymentEventKind.CALLBACK_CONFIRMED,
        klarna_reference=placement.order.klarna_order_id,
    )
    db.session.commit()
    return placement


def poll_delay(polls_so_far: int) -> float:
    """Seconds before the next look at an order being placed: doubling, capped, jittered.

    Fifty attempts waiting on one order must not crowd out the one attempt placing it: each
    look costs a database connection, and that attempt needs one to record Klarna's answer.
    """
    ceiling = min(MAX_POLL_SECONDS, FIRST_POLL_SECONDS * 2**polls_so_far)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - spreading load, not a secret


def locked_payment(payment_id: int) -> Payment:
    """The payment with its order, its row locked until the next commit (PostgreSQL)."""
    db.session.expire_all()  # see what other attempts committed meanwhile
    query = sa.select(Payment).where(Payment.id == payment_id).with_for_update(of=Payment)
    return db.session.scalars(query).one()


@dataclass(frozen=True)
class Claim:
    """An order this attempt holds the claim on, and the exact create order to send for it.

    Plain values, read before the claim was committed: the Klarna call that follows touches no
    database object, so no connection is held while Klarna answers.
    """

    order_id: int
    authorization_token: str
    request_body: dict[str, Any]
    cancel_unused: bool  # see place_order


def claim(
    payment: Payment,
    authorization_token: str,
    *,
    klarna_session_id: str,
    today: date,
    purchase_fingerprint_seen: str | None,
    cancel_unused: bool,
) -> Claim | None:
    """Insert the order as PLACING with its create-order body; None if another attempt won."""
    if payment.declined_at is not None:
        raise PaymentDeclined(DECLINED_MESSAGE)
    cart = payment.cart
    if cart is None or payment.klarna_session_id != klarna_session_id:
        # The shopper authorized in a Klarna session this cart no longer uses (it expired
        # and was replaced while the page was open): release that authorization.
        cancel_authorization(payment, authorization_token, reason="session was replaced")
        db.session.commit()
        raise AuthorizeAgain(EXPIRED_MESSAGE)
    snapshot = checkout_snapshot(cart, today=today)
    require_step(snapshot, CheckoutStep.SUMMARY)
    if purchase_fingerprint_seen is not None and not matches_secret(
        purchase_fingerprint_seen, purchase_fingerprint(klarna_purchase(snapshot))
    ):
        cancel_authorization(payment, authorization_token, reason="cart changed after authorize")
        db.session.commit()
        raise AuthorizeAgain(CHANGED_MESSAGE)
    try:
        body = checked(payment.id, order_body(klarna_purchase(snapshot), merchant_context(payment)))
    except PaymentError:
        if cancel_unused:
            cancel_authorization(payment, authorization_token, reason="pre-flight refused it")
            db.session.commit()
        raise
    try:
        # Any flush from here on may hit the unique constraints: the claim is all or nothing.
        order = new_order(payment, snapshot, price_order(snapshot), authorization_token, body)
        db.session.add(order)
        record(payment, PaymentEventKind.ORDER_CLAIMED, amount_minor=order.total_minor)
        db.session.flush()
        claimed = Claim(order.id, authorization_token, body, cancel_unused)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return claimed


def new_order(
    payment: Payment,
    snapshot: CheckoutSnapshot,
    priced: PricedOrder,
    authorization_token: str,
    request_body: dict[str, Any],
) -> Order:
    """The order (status PLACING) with the snapshot's lines, amounts, contact and addresses."""
    assert snapshot.billing_address is not None and snapshot.shipping_address is not None
    assert payment.klarna_session_id is not None
    now = utcnow()
    return Order(
        number=payment.order_number,
        payment=payment,
        klarna_session_id=payment.klarna_session_id,
        klarna_authorization_token=authorization_token,
        klarna_order_request=request_body,
        status=OrderStatus.PLACING,
        market=snapshot.market.code,
        currency=snapshot.market.currency,
        email=snapshot.email,
        phone=snapshot.phone,
        billing_address=asdict(snapshot.billing_address),
        shipping_address=asdict(snapshot.shipping_address),
        total_minor=priced.total_minor,
        tax_minor=priced.tax_minor,
        tax_included=snapshot.market.prices_include_tax,
        claimed_at=now,
        claim_expires_at=now + claim_lease(),
        lines=[
            OrderLine(
                kind=line.kind,
                reference=line.reference,
                name=line.name,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                discount_minor=line.discount_minor,
                tax_rate_bp=line.tax_rate_bp,
                total_minor=line.total_minor,
            )
            for line in priced.lines
        ],
    )


def claim_lease() -> timedelta:
    """How long a claim is held: longer than the slowest create order that still answers.

    `send_create_order` sends at most twice, each send bounded by the client's connect and
    read timeouts; an attempt still inside that time may yet record Klarna's answer.
    """
    connect_seconds, read_seconds = get_klarna().timeout
    return timedelta(seconds=2 * (connect_seconds + read_seconds) + CLAIM_LEASE_MARGIN_SECONDS)


def take_over_stalled_claim(order: Order) -> Claim | None:
    """Take the claim on a PLACING order nobody is placing any more; None if it is held.

    The attempt that claimed it died, or gave up without learning Klarna's answer. Sending
    the stored create order again cannot charge twice: Klarna answers an identical repeat with
    the order it made, or makes it now if the first never arrived (UNCONFIRMED, see
    docs/klarna-notes.md#repeated-create-order). The guarded UPDATE lets exactly one attempt
    take over, on any database.
    """
    now = utcnow()
    held = order.claim_expires_at is not None and as_utc(order.claim_expires_at) > now
    if held or order.klarna_order_request is None:
        return None
    lease_over = sa.or_(Order.claim_expires_at.is_(None), Order.claim_expires_at <= now)
    if not hold_if_placing(order, lease_over, claim_expires_at=now + claim_lease()):
        return None
    # Whoever claimed it first, the token's origin is not known here: never cancel it.
    claimed = Claim(order.id, order.klarna_authorization_token, order.klarna_order_request, False)
    log.warning("order %s: taking over a stalled claim; sending create order again", order.number)
    record(order.payment, PaymentEventKind.ORDER_CLAIM_TAKEN_OVER, amount_minor=order.total_minor)
    db.session.commit()
    return claimed


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
    return send_claimed(taken_over).order


def send_claimed(claimed: Claim) -> Placement:
    """Send create order for a claim and record Klarna's answer, or raise what it means."""
    try:
        placed = send_create_order(claimed.authorization_token, claimed.request_body)
    except KlarnaError as error:
        return with_database_retries(partial(after_failure, claimed, error))
    return with_database_retries(partial(record_placed, claimed, placed))


def with_database_retries(write: Callable[[], T]) -> T:
    """Run a write that records Klarna's answer, again if the database was briefly busy.

    Klarna's answer exists only in this process until it is written down, so a full
    connection pool or SQLite's write lock must not lose it. Each write is guarded (see
    `hold_if_placing`), so running it twice records once.
    """
    for attempt in range(1, DATABASE_ATTEMPTS):
        try:
            return write()
        except (sa.exc.TimeoutError, sa.exc.OperationalError) as busy:
            db.session.rollback()
            log.warning("recording Klarna's answer failed (%s); trying again", busy)
        time.sleep(poll_delay(attempt))
    return write()  # the last try: its failure reaches the caller


def claimed_order(claimed: Claim) -> Order | None:
    """The claimed order as the database has it now (None if its claim was released)."""
    return db.session.get(Order, claimed.order_id, populate_existing=True)


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


def hold_if_placing(order: Order, *conditions: sa.ColumnElement[bool], **values: Any) -> bool:
    """Write `values` to the order if it is still PLACING (and `conditions` hold); else False.

    The guarded UPDATE is the first write of the caller's transaction, so it also takes the
    row (on SQLite, the database) until the caller commits: of two attempts settling or
    taking over the same claim, exactly one goes on, on any database.
    """
    written = db.session.execute(
        sa.update(Order)
        .where(Order.id == order.id, Order.status == OrderStatus.PLACING, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:
        db.session.rollback()
        return False
    for name, value in values.items():
        set_committed_value(order, name, value)
    return True


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
    if not any(
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


def release_claim(order: Order, *, detail: str, correlation_id: str | None = None) -> bool:
    """Delete a claim Klarna made no order for, so a new authorization can be placed.

    False, and nothing deleted, when another attempt settled the order first.
    """
    if not hold_if_placing(order, claim_expires_at=None):
        return False
    record(
        order.payment,
        PaymentEventKind.ORDER_REFUSED,
        amount_minor=order.total_minor,
        correlation_id=correlation_id,
        detail=detail,
    )
    db.session.delete(order)
    db.session.commit()
    return True


def cancel_authorization(payment: Payment, authorization_token: str, *, reason: str) -> None:
    """Release an authorization the shop will not turn into an order (the caller commits).

    Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/cancel-an-authorization
    """
    try:
        klarna_for(payment).cancel_authorization(authorization_token)
    except KlarnaNotFoundError:
        return  # expired, replaced or cancelled already: nothing is held
    except KlarnaError as error:
        # The hold lapses by itself when the token expires; the shopper is not blocked.
        log.warning("payment %s: could not cancel an authorization: %s", payment.id, error)
        return
    record(payment, PaymentEventKind.AUTHORIZATION_CANCELLED, detail=reason)


def apply_fraud_decision(order: Order) -> None:
    """Read the order back from Klarna and apply its fraud decision (pending-order notice).

    The notification itself is never trusted: Klarna docs say to read the order back.
    A decision that would revive an order the merchant cancelled is logged and ignored.
    Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/more-actions/pending-orders
    Raises PaymentUnavailable when Klarna cannot be asked (Klarna then sends the notice again).
    """
    assert order.klarna_order_id is not None
    try:
        details = get_klarna(MARKETS[order.market].country).get_order(order.klarna_order_id)
    except KlarnaError as error:
        raise PaymentUnavailable(UNAVAILABLE_MESSAGE, reference=error.correlation_id) from error
    status = STATUS_FOR_FRAUD_STATUS.get(details.fraud_status)
    if status is None or status == order.status:
        return
    try:
        order.transition_to(status)
    except InvalidTransition as refused:
        record(
            order.payment,
            PaymentEventKind.NOTIFICATION_IGNORED,
            klarna_reference=order.klarna_order_id,
            detail=str(refused),
        )
    else:
        order.klarna_fraud_status = details.fraud_status
        record(
            order.payment,
            PaymentEventKind.FRAUD_DECISION,
            klarna_reference=order.klarna_order_id,
            detail=f"fraud_status {details.fraud_status}",
        )
    db.session.commit()


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


def look_up_order(number: str, email: str) -> Order | None:
    """The order with this number and email (any spacing or case), or None."""
    order = find_order(number.strip().upper())
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
