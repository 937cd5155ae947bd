"""Generate a checkout's customer token exactly once, even when Klarna's answer is lost.

The token claim is inserted with the checkout's claim (`subscription_setup`). Whoever settles
it first (the shopper's Buy, Klarna's callback, the order page, `subscriptions renew`) takes
it with a guarded UPDATE, sends create-customer-token, and records the answer with writes
guarded on status CREATING, so of two attempts exactly one goes on, on any database. A lost
answer is asked once more with the identical request; an answer still unknown keeps the
claim for a later attempt, like create order (`order_claims`).
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, cast

import sqlalchemy as sa

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.i18n import N_
from storefront.klarna.customer_tokens import CustomerTokens
from storefront.klarna.errors import KlarnaError, KlarnaForbiddenError, KlarnaUnavailableError
from storefront.klarna_extension import get_klarna
from storefront.models import OrderStatus
from storefront.services.database_retries import with_database_retries
from storefront.services.order_claims import claim_lease
from storefront.services.subscription_states import move, pause_and_tell
from storefront.subscription_models import SubscriptionStatus, TokenClaim, TokenClaimStatus

log = logging.getLogger(__name__)
RESEND_AFTER_UNKNOWN = timedelta(seconds=10)
PLACED_STATUSES = frozenset(set(OrderStatus) - {OrderStatus.PLACING, OrderStatus.REJECTED})
NOT_SAVED = N_("Klarna could not save your payment method for the subscription")


@dataclass(frozen=True)
class TokenSend:
    """A taken token claim, as plain values: no database object is touched while Klarna answers."""

    claim_id: int
    authorization_token: str
    body: dict[str, Any]


def settle_customer_token(payment_id: int) -> TokenClaimStatus | None:
    """Generate the payment's customer token unless it is made or being made; its claim's status."""
    claim = db.session.scalars(
        sa.select(TokenClaim).where(TokenClaim.payment_id == payment_id)
    ).one_or_none()
    if claim is None:
        db.session.commit()
        return None
    order = claim.payment.order
    # With an order, the token follows it: only once Klarna placed it (not refused it).
    order_placed = order is None or order.status in PLACED_STATUSES
    if claim.status == TokenClaimStatus.CREATING and order_placed:
        taken = take(claim)
        if taken is None:
            db.session.expire_all()
        else:
            return send(taken)
    status = TokenClaimStatus(claim.status)
    db.session.commit()
    return status


def settle_stalled_tokens() -> int:
    """Settle every token claim nobody holds any more (a crash, a lost answer); how many."""
    now = utcnow()
    payment_ids = db.session.scalars(
        sa.select(TokenClaim.payment_id).where(
            TokenClaim.status == TokenClaimStatus.CREATING,
            sa.or_(TokenClaim.claim_expires_at.is_(None), TokenClaim.claim_expires_at <= now),
        )
    ).all()
    for payment_id in payment_ids:
        settle_customer_token(payment_id)
    return len(payment_ids)


def take(claim: TokenClaim) -> TokenSend | None:
    """Hold the claim for one send (guarded UPDATE); None if another attempt holds it."""
    now = utcnow()
    free = sa.or_(TokenClaim.claim_expires_at.is_(None), TokenClaim.claim_expires_at <= now)
    if not write_claim(claim.id, free, claim_expires_at=now + 2 * claim_lease()):
        return None
    taken = TokenSend(claim.id, claim.authorization_token, dict(claim.request_body))
    db.session.commit()
    return taken


def write_claim(claim_id: int, *conditions: sa.ColumnElement[bool], **values: Any) -> bool:
    """Write `values` if the claim is still CREATING and `conditions` hold; else roll back."""
    written = cast(
        sa.CursorResult[Any],
        db.session.execute(
            sa.update(TokenClaim)
            .where(
                TokenClaim.id == claim_id,
                TokenClaim.status == TokenClaimStatus.CREATING,
                *conditions,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    if written.rowcount != 1:
        db.session.rollback()
        return False
    return True


def send(taken: TokenSend) -> TokenClaimStatus:
    """Send create-customer-token for a taken claim, record what Klarna answered; the status."""
    tokens = CustomerTokens(get_klarna(taken.body["purchase_country"]))
    try:
        token = generate(tokens, taken)
    except KlarnaError as error:
        return with_database_retries(partial(record_failure, taken, error))
    return with_database_retries(partial(record_token, taken, token))


def generate(tokens: CustomerTokens, taken: TokenSend) -> str:
    """Create the token; after a lost answer, send the identical request once more."""
    try:
        return tokens.generate(taken.authorization_token, taken.body)
    except KlarnaUnavailableError as error:
        if not error.outcome_unknown:
            raise
        log.warning(
            "token claim %s: create customer token outcome unknown; asking again", taken.claim_id
        )
    return tokens.generate(taken.authorization_token, taken.body)


def record_token(taken: TokenSend, token: str) -> TokenClaimStatus:
    """Store the token on the claim's subscriptions and start them; consume a tokenize cart."""
    if not write_claim(taken.claim_id, status=TokenClaimStatus.CREATED, claim_expires_at=None):
        log.error(
            "token claim %s: settled meanwhile; Klarna's new token not stored", taken.claim_id
        )
        return TokenClaimStatus.FAILED
    claim = db.session.get(TokenClaim, taken.claim_id, populate_existing=True)
    assert claim is not None
    for subscription in claim.subscriptions:
        subscription.customer_token = token
        if subscription.status == SubscriptionStatus.PENDING:
            move(subscription, SubscriptionStatus.ACTIVE)
    payment = claim.payment
    if payment.cart is not None and payment.order is None:
        # A free trial's checkout became these subscriptions: the next visit starts a new cart.
        cart = payment.cart
        payment.cart = None
        db.session.delete(cart)
    db.session.commit()
    return TokenClaimStatus.CREATED


def record_failure(taken: TokenSend, error: KlarnaError) -> TokenClaimStatus:
    """An unknown outcome keeps the claim for a later attempt; any other failure ends it.

    A 403 INVALID_OPERATION ("Authorization token already consumed") after a lost answer
    means Klarna made a token whose id never reached the shop: it cannot be read back. With
    an order (its first delivery paid), the subscriptions are paused and the shopper asked to
    set up payment again; without one (a free trial), nothing was bought: the claim is
    released and the cart kept, so the shopper can simply pay again.
    """
    if isinstance(error, KlarnaUnavailableError) and error.outcome_unknown:
        write_claim(taken.claim_id, claim_expires_at=utcnow() + RESEND_AFTER_UNKNOWN)
        log.error("token claim %s: outcome unknown: %s", taken.claim_id, error)
        db.session.commit()
        return TokenClaimStatus.CREATING
    consumed = isinstance(error, KlarnaForbiddenError) and error.error_code == "INVALID_OPERATION"
    detail = "token made, answer lost" if consumed else f"refused: {error}"
    if not write_claim(taken.claim_id, status=TokenClaimStatus.FAILED, detail=detail[:255]):
        return TokenClaimStatus.FAILED
    claim = db.session.get(TokenClaim, taken.claim_id, populate_existing=True)
    assert claim is not None
    log.warning("token claim %s: no customer token (%s)", claim.id, detail)
    if claim.payment.order is None and claim.payment.cart is not None:
        release(claim)
    else:
        for subscription in claim.subscriptions:
            pause_and_tell(subscription, NOT_SAVED)
    db.session.commit()
    return TokenClaimStatus.FAILED


def release(claim: TokenClaim) -> None:
    """Delete a free trial's claim and subscriptions (nothing was bought); the cart stays."""
    for subscription in claim.subscriptions:
        db.session.delete(subscription)
    db.session.delete(claim)
