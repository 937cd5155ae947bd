"""The back office's subscriptions: list, one subscription with its Klarna token read back,
renew now, pause, resume (a declined period is sent again with a new key) and cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from storefront.extensions import db
from storefront.i18n import N_
from storefront.klarna.bodies import token_order_body
from storefront.klarna.call_log import mask_secret
from storefront.klarna.customer_tokens import CustomerTokens
from storefront.klarna.errors import KlarnaError
from storefront.klarna_extension import get_klarna
from storefront.klarna_purchase import klarna_purchase
from storefront.services.klarna_requests import merchant_context
from storefront.services.renewal_pricing import due_date, renewal_snapshot
from storefront.services.renewals import RenewReport, renew_subscription, renewal_key
from storefront.services.subscription_states import InvalidSubscriptionTransition, move
from storefront.services.subscriptions import SubscriptionRefused, cancel
from storefront.subscription_models import (
    Renewal,
    RenewalStatus,
    Subscription,
    SubscriptionStatus,
)


@dataclass(frozen=True)
class SubscriptionAdminView:
    """One subscription for the admin: the row, its token masked, Klarna's read of it."""

    subscription: Subscription
    masked_token: str
    token_status: str  # Klarna's ACTIVE / SUSPENDED / CANCELLED, or why it could not be read


def list_subscriptions() -> list[Subscription]:
    """Every subscription, newest first, with its product loaded."""
    return list(
        db.session.scalars(
            sa.select(Subscription)
            .options(selectinload(Subscription.product))
            .order_by(Subscription.id.desc())
        )
    )


def subscription_for_admin(subscription_id: int) -> SubscriptionAdminView | None:
    """The subscription, with its token's status read from Klarna now (None if no such id)."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        return None
    token = subscription.customer_token
    if token is None:
        return SubscriptionAdminView(subscription, "none", "no token")
    tokens = CustomerTokens(get_klarna(subscription.billing_address["country"]))
    try:
        status = tokens.read(token).status
    except KlarnaError as error:
        status = f"not read ({error.error_code or error.status})"
    return SubscriptionAdminView(subscription, mask_secret(token), status)


def found(subscription_id: int) -> Subscription:
    """The subscription, or SubscriptionRefused."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        raise SubscriptionRefused("There is no such subscription.")
    return subscription


def renew_now(subscription_id: int) -> RenewReport:
    """Charge the next period now (and any overdue before it), each exactly once."""
    subscription = found(subscription_id)
    if subscription.status != SubscriptionStatus.ACTIVE or subscription.customer_token is None:
        raise SubscriptionRefused("Only an active subscription with a token can be renewed.")
    until = datetime.combine(due_date(subscription), time.max, tzinfo=UTC)
    db.session.commit()
    report = RenewReport()
    renew_subscription(subscription_id, until, report)
    return report


def pause(subscription_id: int) -> None:
    """Pause: no renewals until resumed."""
    change(found(subscription_id), SubscriptionStatus.PAUSED, N_("paused by the shop"))


def resume(subscription_id: int) -> None:
    """Resume; a period Klarna declined is claimed again at today's prices with a new key."""
    subscription = found(subscription_id)
    declined = db.session.scalars(
        sa.select(Renewal).where(
            Renewal.subscription_id == subscription.id,
            Renewal.period == subscription.next_period,
            Renewal.status == RenewalStatus.DECLINED,
        )
    ).one_or_none()
    snapshot = renewal_snapshot(subscription)
    if declined is not None and snapshot is not None:
        purchase = klarna_purchase(snapshot)
        retry = sum(1 for r in subscription.renewals if r.status == RenewalStatus.DECLINED)
        declined.status = RenewalStatus.PLACING
        declined.request_body = token_order_body(purchase, merchant_context(declined.payment))
        declined.amount_minor = purchase.amount_minor
        declined.idempotency_key = renewal_key(
            subscription, f"renewal-{declined.period}-again-{declined.attempts}-{retry}"
        )
        declined.claim_expires_at = None
        declined.attempts = 0
        declined.detail = ""
    change(subscription, SubscriptionStatus.ACTIVE, "")


def cancel_subscription(subscription_id: int) -> None:
    """Cancel, the Klarna token with it (see services.subscriptions.cancel)."""
    cancel(found(subscription_id))


def change(subscription: Subscription, status: SubscriptionStatus, reason: str) -> None:
    """Move the subscription, or SubscriptionRefused naming why not."""
    try:
        move(subscription, status, reason=reason)
    except InvalidSubscriptionTransition as refused:
        db.session.rollback()
        raise SubscriptionRefused(f"This subscription cannot be {status} now.") from refused
    db.session.commit()
