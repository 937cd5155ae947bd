"""Send a claimed renewal's token order and record what Klarna's answer means.

- An order: the renewal becomes a normal shop order (captured and refunded like any other);
  the subscription moves on to its next period.
- An unknown outcome (a lost answer, a timeout, a 5xx): the claim is kept and its lease cut
  short, so the next run sends it again with the same `Klarna-Idempotency-Key`; after
  MAX_ATTEMPTS sends the subscription is paused instead of retried for ever.
- A refusal (TOKEN_SUSPENDED, TOKEN_CANCELED, PAYMENT_METHOD_FAILED, ...): nothing charged;
  the subscription is paused with the reason and the shopper told by e-mail.
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.i18n import N_
from storefront.klarna.customer_tokens import CustomerTokens
from storefront.klarna.errors import KlarnaError, KlarnaUnavailableError
from storefront.klarna.results import PlacedOrder
from storefront.klarna_extension import get_klarna
from storefront.models import OrderStatus, PaymentEventKind
from storefront.pricing import price_order
from storefront.services.database_retries import with_database_retries
from storefront.services.fraud_decisions import STATUS_FOR_FRAUD_STATUS
from storefront.services.order_claims import order_from
from storefront.services.payment_events import record
from storefront.services.renewal_pricing import renewal_snapshot
from storefront.services.subscription_states import pause_and_tell
from storefront.subscription_models import Renewal, RenewalStatus

log = logging.getLogger(__name__)
RESEND_AFTER_UNKNOWN = timedelta(seconds=5)
MAX_ATTEMPTS = 5
# Klarna's token-order refusals, in the shopper's words.
REASONS = {
    "TOKEN_SUSPENDED": N_("Klarna has suspended the saved payment method"),
    "TOKEN_CANCELED": N_("the saved Klarna payment method was cancelled"),
    "TOKEN_NOT_FOUND": N_("the saved Klarna payment method no longer exists"),
    "PAYMENT_METHOD_FAILED": N_("Klarna could not charge the saved payment method"),
    "UNAVAILABLE_PAYMENT_METHOD": N_("the saved payment method is not available any more"),
}
DECLINED = N_("Klarna declined the renewal")


@dataclass(frozen=True)
class RenewalSend:
    """A held renewal claim as plain values: nothing in the database is touched meanwhile."""

    renewal_id: int
    customer_token: str
    body: dict[str, Any]
    idempotency_key: str
    country: str


def send_renewal(taken: RenewalSend) -> str:
    """Send the token order of a held claim; the outcome, for the run's report."""
    tokens = CustomerTokens(get_klarna(taken.country))
    try:
        placed = tokens.create_order(
            taken.customer_token, taken.body, idempotency_key=taken.idempotency_key
        )
    except KlarnaError as error:
        return with_database_retries(partial(record_failure, taken, error))
    return with_database_retries(partial(record_order, taken, placed))


def held_renewal(taken: RenewalSend) -> Renewal | None:
    """The renewal, if it is still PLACING (else another run settled it meanwhile)."""
    renewal = db.session.scalars(
        sa.select(Renewal)
        .where(Renewal.id == taken.renewal_id, Renewal.status == RenewalStatus.PLACING)
        .with_for_update()
    ).one_or_none()
    if renewal is None:
        db.session.rollback()
    return renewal


def record_order(taken: RenewalSend, placed: PlacedOrder) -> str:
    """Make Klarna's order a shop order and settle the period."""
    renewal = held_renewal(taken)
    if renewal is None:
        return "settled by another run"
    subscription = renewal.subscription
    snapshot = renewal_snapshot(subscription)
    assert snapshot is not None
    status = STATUS_FOR_FRAUD_STATUS.get(placed.fraud_status, OrderStatus.ON_HOLD)
    now = utcnow()
    order = order_from(
        renewal.payment,
        snapshot,
        price_order(snapshot),
        klarna_order_request=renewal.request_body,
        klarna_order_id=placed.order_id,
        klarna_fraud_status=placed.fraud_status,
        klarna_payment_method=placed.authorized_payment_method,
        status=status,
        claimed_at=now,
        claim_expires_at=None,
    )
    if order.total_minor != renewal.amount_minor:
        # A price changed between the claim and Klarna's answer: Klarna charged the claim.
        log.error("renewal %s: shop order total differs from the charged amount", renewal.id)
    db.session.add(order)
    renewal.order = order
    renewal.status = RenewalStatus.PLACED
    renewal.claim_expires_at = None
    record(
        renewal.payment,
        PaymentEventKind.ORDER_CREATED,
        amount_minor=renewal.amount_minor,
        klarna_reference=placed.order_id,
        detail=f"renewal {renewal.period}, fraud_status {placed.fraud_status}",
    )
    if status is OrderStatus.REJECTED:
        pause_and_tell(subscription, DECLINED)
    elif subscription.next_period == renewal.period:
        subscription.next_period = renewal.period + 1
    db.session.commit()
    return "order placed"


def record_failure(taken: RenewalSend, error: KlarnaError) -> str:
    """Keep an unknown outcome for the next run (bounded); pause on a refusal."""
    renewal = held_renewal(taken)
    if renewal is None:
        return "settled by another run"
    if isinstance(error, KlarnaUnavailableError) and renewal.attempts < MAX_ATTEMPTS:
        renewal.claim_expires_at = utcnow() + RESEND_AFTER_UNKNOWN
        renewal.detail = f"outcome unknown: {error}"[:255]
        log.warning("renewal %s: outcome unknown, sent again next run: %s", renewal.id, error)
        db.session.commit()
        return "outcome unknown, kept for the next run"
    reason = REASONS.get(error.error_code or "", DECLINED)
    renewal.status = RenewalStatus.DECLINED
    renewal.claim_expires_at = None
    renewal.detail = f"{error.error_code or error.status}: {error}"[:255]
    record(
        renewal.payment,
        PaymentEventKind.ORDER_REFUSED,
        amount_minor=renewal.amount_minor,
        correlation_id=error.correlation_id,
        detail=renewal.detail,
    )
    pause_and_tell(renewal.subscription, reason)
    db.session.commit()
    return f"declined: {error.error_code or error.status}"
