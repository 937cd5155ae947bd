"""Renewals: charge every due subscription period exactly once with its customer token.

For each due period a `Renewal` row is inserted first (unique per subscription and period,
so of two processes exactly one claims it, on any database), with the token order's exact
body and a `Klarna-Idempotency-Key` derived from the subscription and period. Only the
claim's holder sends the order; a claim whose holder died, or whose answer was lost, is
taken over once its lease runs out and sent again with the same key, which Klarna answers
with the order it made. Amounts come from today's prices through `price_order`.
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from storefront.clock import as_utc, utcnow
from storefront.extensions import db
from storefront.i18n import N_
from storefront.klarna.bodies import token_order_body
from storefront.klarna.idempotency import idempotency_key
from storefront.klarna.preflight import PreflightError, ensure_valid
from storefront.klarna_purchase import klarna_purchase
from storefront.models import Payment
from storefront.services.customer_tokens import settle_stalled_tokens
from storefront.services.klarna_requests import merchant_context
from storefront.services.order_claims import claim_lease
from storefront.services.payments import new_order_number
from storefront.services.renewal_outcomes import RenewalSend, send_renewal
from storefront.services.renewal_pricing import due_date, renewal_snapshot
from storefront.services.subscription_states import pause_and_tell
from storefront.subscription_models import Renewal, RenewalStatus, Subscription, SubscriptionStatus

log = logging.getLogger(__name__)
UNSELLABLE = N_("the product is no longer sold in your country")
NOT_PREPARED = N_("the renewal could not be prepared")


@dataclass
class RenewReport:
    """What one `renew` run did, counted by outcome."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        """Count one period's outcome."""
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


def renew_due(until: datetime) -> RenewReport:
    """Charge every active subscription's periods due by `until`; what happened."""
    report = RenewReport()
    settle_stalled_tokens()
    ids = db.session.scalars(
        sa.select(Subscription.id)
        .where(
            Subscription.status == SubscriptionStatus.ACTIVE,
            Subscription.customer_token.is_not(None),
        )
        .order_by(Subscription.id)
    ).all()
    db.session.commit()
    for subscription_id in ids:
        renew_subscription(subscription_id, until, report)
    return report


def renew_subscription(subscription_id: int, until: datetime, report: RenewReport) -> None:
    """Charge the subscription's due periods one after the other, each exactly once."""
    while True:
        db.session.expire_all()
        subscription = db.session.get(Subscription, subscription_id)
        assert subscription is not None
        if (
            subscription.status != SubscriptionStatus.ACTIVE
            or due_date(subscription) > until.date()
        ):
            db.session.commit()
            return
        period = subscription.next_period
        renewal = db.session.scalars(
            sa.select(Renewal).where(
                Renewal.subscription_id == subscription_id, Renewal.period == period
            )
        ).one_or_none()
        if renewal is None:
            taken = claim_period(subscription, period)
        elif renewal.status in (RenewalStatus.PLACED, RenewalStatus.SKIPPED):
            advance(subscription_id, period)
            continue
        elif renewal.status == RenewalStatus.PLACING:
            taken = take_over(renewal)
        else:
            db.session.commit()
            return  # declined: the subscription is paused until someone resumes it
        if taken is None:
            report.add("held by another run")
            return
        report.add(send_renewal(taken))


def claim_period(subscription: Subscription, period: int) -> RenewalSend | None:
    """Insert the period's claim with its order's body; None if another run claimed it."""
    snapshot = renewal_snapshot(subscription)
    if snapshot is None:
        pause_and_tell(subscription, UNSELLABLE)
        db.session.commit()
        return None
    payment = Payment(order_number=new_order_number(), market=subscription.market)
    purchase = klarna_purchase(snapshot)
    body = token_order_body(purchase, merchant_context(payment))
    try:
        ensure_valid({**body, "purchase_country": purchase.country})
    except PreflightError as error:
        log.error("subscription %s: pre-flight refused the renewal: %s", subscription.id, error)
        pause_and_tell(subscription, NOT_PREPARED)
        db.session.commit()
        return None
    key = renewal_key(subscription, f"renewal-{period}")
    renewal = Renewal(
        subscription=subscription,
        payment=payment,
        period=period,
        idempotency_key=key,
        status=RenewalStatus.PLACING,
        request_body=body,
        amount_minor=purchase.amount_minor,
        claim_expires_at=utcnow() + renewal_lease(),
        attempts=1,
    )
    db.session.add_all([payment, renewal])
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # another run claimed this period first
        return None
    taken = sent_for(renewal, subscription)
    db.session.commit()
    return taken


def take_over(renewal: Renewal) -> RenewalSend | None:
    """Take a claim nobody holds (a crash, a lost answer) to send it again with its key."""
    now = utcnow()
    if renewal.claim_expires_at is not None and as_utc(renewal.claim_expires_at) > now:
        db.session.commit()
        return None
    written = cast(
        sa.CursorResult[Any],
        db.session.execute(
            sa.update(Renewal)
            .where(
                Renewal.id == renewal.id,
                Renewal.status == RenewalStatus.PLACING,
                sa.or_(Renewal.claim_expires_at.is_(None), Renewal.claim_expires_at <= now),
            )
            .values(claim_expires_at=now + renewal_lease(), attempts=Renewal.attempts + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if written.rowcount != 1:
        db.session.rollback()
        return None
    taken = sent_for(renewal, renewal.subscription)
    db.session.commit()
    return taken


def sent_for(renewal: Renewal, subscription: Subscription) -> RenewalSend:
    """The plain values a send needs, read before the claim is committed."""
    assert subscription.customer_token is not None and renewal.request_body is not None
    return RenewalSend(
        renewal_id=renewal.id,
        customer_token=subscription.customer_token,
        body=dict(renewal.request_body),
        idempotency_key=renewal.idempotency_key,
        country=subscription.billing_address["country"],
    )


def advance(subscription_id: int, period: int) -> None:
    """Move the subscription past a settled period (guarded: only from that period)."""
    db.session.execute(
        sa.update(Subscription)
        .where(Subscription.id == subscription_id, Subscription.next_period == period)
        .values(next_period=period + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def renewal_key(subscription: Subscription, operation: str) -> str:
    """The `Klarna-Idempotency-Key` of one period of one subscription, e.g. "renewal-3".

    Named by the checkout's random order number, not the row id alone: ids start again in
    another database (a restore, a second shop), order numbers do not.
    """
    number = subscription.token_claim.payment.order_number
    return idempotency_key(number, f"subscription-{subscription.id}-{operation}")


def renewal_lease() -> Any:
    """How long a run holds a period: longer than a token order with its retries."""
    return 2 * claim_lease()
