"""A subscription's status changes along SUBSCRIPTION_TRANSITIONS, the shopper told of a pause."""

from __future__ import annotations

from storefront import mail
from storefront.subscription_models import (
    SUBSCRIPTION_TRANSITIONS,
    Subscription,
    SubscriptionStatus,
)


class InvalidSubscriptionTransition(Exception):
    """A subscription was asked to move to a status its current status does not lead to."""

    def __init__(self, current: str, requested: str) -> None:
        super().__init__(f"a subscription cannot go from {current} to {requested}")
        self.current = current
        self.requested = requested


def move(subscription: Subscription, status: SubscriptionStatus, *, reason: str = "") -> None:
    """Change the status (the caller commits); InvalidSubscriptionTransition if not allowed."""
    current = SubscriptionStatus(subscription.status)
    if status is current:
        return
    if status not in SUBSCRIPTION_TRANSITIONS[current]:
        raise InvalidSubscriptionTransition(current, status)
    subscription.status = status
    subscription.pause_reason = reason[:255] if status is SubscriptionStatus.PAUSED else ""


def pause_and_tell(subscription: Subscription, reason: str) -> None:
    """Pause a subscription Klarna will not charge, and e-mail the shopper why (caller commits)."""
    if subscription.status == SubscriptionStatus.CANCELLED:
        return
    move(subscription, SubscriptionStatus.PAUSED, reason=reason)
    mail.send(
        subscription.email,
        f"Your {subscription.product.name} subscription is paused",
        f"We could not charge your Klarna payment method: {reason}.\n"
        "Nothing was charged. Look up your order to restart or cancel the subscription.",
    )
