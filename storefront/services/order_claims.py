"""Claims on a Klarna session's order: taken, taken over when stalled, released.

Exactly one attempt holds the claim on an order being placed: it inserted the order as PLACING
(the unique constraints let one insert win), or took over a claim whose lease ran out. Every
write that settles or hands on a claim is guarded on status PLACING (`hold_if_placing`), so
of two attempts exactly one goes on, on any database.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from storefront.clock import as_utc, utcnow
from storefront.extensions import db
from storefront.i18n import market_language
from storefront.klarna.bodies import Purchase, order_body, purchase_fingerprint
from storefront.klarna.errors import KlarnaError, KlarnaNotFoundError
from storefront.klarna_extension import get_klarna
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import MARKETS
from storefront.models import Order, OrderLine, OrderStatus, Payment, PaymentEventKind
from storefront.pricing import PricedOrder, price_order
from storefront.security import matches_secret
from storefront.services.checkout import CheckoutStep, checkout_snapshot, require_step
from storefront.services.errors import (
    CHANGED_MESSAGE,
    DECLINED_MESSAGE,
    EXPIRED_MESSAGE,
    AuthorizeAgain,
    KlarnaSwitchedOff,
    PaymentDeclined,
    PaymentError,
)
from storefront.services.klarna_requests import checked, klarna_for, merchant_context
from storefront.services.klarna_switch import klarna_enabled
from storefront.services.payment_events import record
from storefront.services.subscription_setup import add_subscriptions
from storefront.snapshot import CheckoutSnapshot
from storefront.subscription_models import TokenClaim

log = logging.getLogger(__name__)

# Added to the slowest create order's time to make a claim's lease (see claim_lease).
CLAIM_LEASE_MARGIN_SECONDS = 5


@dataclass(frozen=True)
class Claim:
    """An order this attempt holds the claim on, and the exact create order to send for it.

    Plain values, read before the claim was committed: the Klarna call that follows touches no
    database object, so no connection is held while Klarna answers.
    """

    order_id: int
    authorization_token: str
    request_body: dict[str, Any]
    cancel_unused: bool  # see order_placement.place_order


def claim(
    payment: Payment,
    authorization_token: str,
    *,
    klarna_session_id: str,
    today: date,
    purchase_fingerprint_seen: str | None,
    cancel_unused: bool,
    language: str | None = None,
) -> Claim | TokenClaim | None:
    """Insert the order as PLACING with its create-order body; None if another attempt won.

    A purchase with subscriptions also gets its token claim and subscriptions, in the same
    transaction; a `tokenize` purchase (nothing to pay today) gets only those, no order.
    """
    snapshot, purchase = claimable_purchase(
        payment,
        authorization_token,
        klarna_session_id=klarna_session_id,
        today=today,
        purchase_fingerprint_seen=purchase_fingerprint_seen,
        language=language,
    )
    try:
        body = checked(payment.id, order_body(purchase, merchant_context(payment)))
    except PaymentError:
        if cancel_unused:
            cancel_authorization(payment, authorization_token, reason="pre-flight refused it")
            db.session.commit()
        raise
    try:
        # Any flush from here on may hit the unique constraints: the claim is all or nothing.
        order = None
        if purchase.intent != "tokenize":
            priced = price_order(snapshot)
            order = new_order(payment, snapshot, priced, authorization_token, body, language)
            db.session.add(order)
            record(payment, PaymentEventKind.ORDER_CLAIMED, amount_minor=order.total_minor)
        token_claim = add_subscriptions(
            payment, snapshot, purchase, authorization_token, order=order, today=today
        )
        db.session.flush()
        claimed: Claim | TokenClaim | None = token_claim
        if order is not None:
            claimed = Claim(order.id, authorization_token, body, cancel_unused)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return claimed


def claimable_purchase(
    payment: Payment,
    authorization_token: str,
    *,
    klarna_session_id: str,
    today: date,
    purchase_fingerprint_seen: str | None,
    language: str | None = None,
) -> tuple[CheckoutSnapshot, Purchase]:
    """The cart's snapshot and purchase, if its authorization may become an order now.

    Raises (and commits, releasing the lock) when it may not: declined, Klarna switched off,
    another session, the checkout incomplete, or the cart changed after authorize().
    """
    if payment.declined_at is not None:
        raise PaymentDeclined(DECLINED_MESSAGE)
    if not klarna_enabled(payment.market):
        # Switched off after the shopper authorized: no order is made, and no Klarna call
        # either (not even a cancel); the unused authorization lapses by itself (60 minutes).
        db.session.commit()
        raise KlarnaSwitchedOff(MARKETS[payment.market].country)
    cart = payment.cart
    if cart is None or payment.klarna_session_id != klarna_session_id:
        # Authorized in a session this cart no longer uses (it expired and was replaced while
        # the page was open), or a token of someone else's session: either way nothing ties
        # the token to this payment, so it is not cancelled but left to lapse (60 minutes).
        db.session.commit()
        raise AuthorizeAgain(EXPIRED_MESSAGE)
    snapshot = checkout_snapshot(cart, today=today)
    require_step(snapshot, CheckoutStep.SUMMARY)
    purchase = klarna_purchase(snapshot, language)
    if purchase_fingerprint_seen is not None and not matches_secret(
        purchase_fingerprint_seen, purchase_fingerprint(purchase)
    ):
        cancel_authorization(payment, authorization_token, reason="cart changed after authorize")
        db.session.commit()
        raise AuthorizeAgain(CHANGED_MESSAGE)
    return snapshot, purchase


def new_order(
    payment: Payment,
    snapshot: CheckoutSnapshot,
    priced: PricedOrder,
    authorization_token: str,
    request_body: dict[str, Any],
    language: str | None = None,
) -> Order:
    """The order (status PLACING) with the snapshot's lines, amounts, contact and addresses.

    `language`: the shopper's (None, from Klarna's callback: the market's).
    """
    assert payment.klarna_session_id is not None
    now = utcnow()
    return order_from(
        payment,
        snapshot,
        priced,
        klarna_session_id=payment.klarna_session_id,
        klarna_authorization_token=authorization_token,
        klarna_order_request=request_body,
        status=OrderStatus.PLACING,
        claimed_at=now,
        claim_expires_at=now + claim_lease(),
        language=language or market_language(snapshot.market),
    )


def order_from(
    payment: Payment, snapshot: CheckoutSnapshot, priced: PricedOrder, **fields: Any
) -> Order:
    """A shop order of a priced snapshot (lines, amounts, contact, addresses) and `fields`."""
    assert snapshot.billing_address is not None and snapshot.shipping_address is not None
    return Order(
        number=payment.order_number,
        payment=payment,
        market=snapshot.market.code,
        currency=snapshot.market.currency,
        email=snapshot.email,
        phone=snapshot.phone,
        billing_address=asdict(snapshot.billing_address),
        shipping_address=asdict(snapshot.shipping_address),
        total_minor=priced.total_minor,
        tax_minor=priced.tax_minor,
        tax_included=snapshot.market.prices_include_tax,
        coupon_code=priced.coupon.code if priced.coupon else None,
        shipping_method=snapshot.shipping_method.code if snapshot.shipping_method else None,
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
        **fields,
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
    docs/klarna-notes.md#repeated-create-order).
    The guarded UPDATE lets exactly one attempt take over, on any database.
    """
    now = utcnow()
    held = order.claim_expires_at is not None and as_utc(order.claim_expires_at) > now
    token = order.klarna_authorization_token
    if held or order.klarna_order_request is None or token is None:
        return None
    lease_over = sa.or_(Order.claim_expires_at.is_(None), Order.claim_expires_at <= now)
    if not hold_if_placing(order, lease_over, claim_expires_at=now + claim_lease()):
        return None
    # Whoever claimed it first, the token's origin is not known here: never cancel it.
    claimed = Claim(order.id, token, order.klarna_order_request, False)
    log.warning("order %s: taking over a stalled claim; sending create order again", order.number)
    record(order.payment, PaymentEventKind.ORDER_CLAIM_TAKEN_OVER, amount_minor=order.total_minor)
    db.session.commit()
    return claimed


def claimed_order(claimed: Claim) -> Order | None:
    """The claimed order as the database has it now (None if its claim was released)."""
    return db.session.get(Order, claimed.order_id, populate_existing=True)


def hold_if_placing(order: Order, *conditions: sa.ColumnElement[bool], **values: Any) -> bool:
    """Write `values` to the order if it is still PLACING (and `conditions` hold); else False.

    The guarded UPDATE is the first write of the caller's transaction, so it also takes the
    row (on SQLite, the database) until the caller commits: of two attempts settling or
    taking over the same claim, exactly one goes on, on any database.
    """
    # An UPDATE's result is a CursorResult, which counts the rows it matched.
    written = cast(
        sa.CursorResult[Any],
        db.session.execute(
            sa.update(Order)
            .where(Order.id == order.id, Order.status == OrderStatus.PLACING, *conditions)
            .values(**values)
            .execution_options(synchronize_session=False),
        ),
    )
    if written.rowcount != 1:
        db.session.rollback()
        return False
    for name, value in values.items():
        set_committed_value(order, name, value)
    return True


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

    Only a token Klarna names as the authorization of this payment's current session is
    cancelled: the browser posts whatever token it likes, and cancelling by a posted token
    alone would let a leaked token of another shopper be cancelled. So Klarna's read of the
    session is asked first; a token it does not name is left to lapse by itself (60 minutes).
    The cost: one read before each cancel, and an authorization of a session the cart no
    longer uses is held until it lapses.
    See docs/klarna-notes.md#authorization-token-in-read-session
    Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/cancel-an-authorization
    """
    if payment.klarna_session_id is None:
        return
    klarna = klarna_for(payment)
    try:
        session = klarna.read_session(payment.klarna_session_id)
        if session.authorization_token is None or not matches_secret(
            authorization_token, session.authorization_token
        ):
            log.warning("payment %s: not cancelling a token its session does not hold", payment.id)
            return
        klarna.cancel_authorization(authorization_token)
    except KlarnaNotFoundError:
        return  # expired, replaced or cancelled already: nothing is held
    except KlarnaError as error:
        # The hold lapses by itself when the token expires; the shopper is not blocked.
        log.warning("payment %s: could not cancel an authorization: %s", payment.id, error)
        return
    record(payment, PaymentEventKind.AUTHORIZATION_CANCELLED, detail=reason)
