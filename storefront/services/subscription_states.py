"""A subscription's status changes along SUBSCRIPTION_TRANSITIONS, the shopper told of a pause."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from storefront import mail
from storefront.i18n import BABEL_LOCALES, market_language
from storefront.markets import MARKETS
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
    # In the market's language: a renewal runs from the command line, with no shopper's request.
    with force_locale(BABEL_LOCALES[market_language(MARKETS[subscription.market])]):
        subject = gettext(
            "Your %(product)s subscription is paused", product=subscription.product.name
        )
        body = gettext(
            "We could not charge your Klarna payment method: %(reason)s.\n"
            "Nothing was charged. Look up your order to restart or cancel the subscription.",
            reason=gettext(reason),
        )
    mail.send(subscription.email, subject, body)
