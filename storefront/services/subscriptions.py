"""The shopper's subscriptions: find them, skip the next delivery, cancel (and the Klarna token).

A checkout's subscriptions are found by its order number (the first order's, or the number a
free trial's checkout reserved) and seen by whoever may see that order. Cancelling sets the
Klarna customer token to CANCELLED first, so no later renewal can charge it; a token other
subscriptions still use is kept.
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext

from storefront.extensions import db
from storefront.klarna.customer_tokens import CustomerTokens
from storefront.klarna.errors import KlarnaError, KlarnaNotFoundError
from storefront.klarna_extension import get_klarna
from storefront.models import Payment
from storefront.plans import cadence_label
from storefront.services.errors import ShopError
from storefront.services.payments import new_order_number
from storefront.services.renewal_pricing import due_date, next_amount
from storefront.services.renewals import renewal_key
from storefront.services.subscription_states import InvalidSubscriptionTransition, move
from storefront.subscription_models import (
    Renewal,
    RenewalStatus,
    Subscription,
    SubscriptionStatus,
    TokenClaim,
)


class SubscriptionRefused(ShopError):
    """A change the subscription's state does not allow, or Klarna could not be reached."""


@dataclass(frozen=True)
class SubscriptionView:
    """One subscription as its page shows it."""

    id: int
    name: str
    quantity: int
    cadence: str
    status: str
    pause_reason: str
    next_date: date | None
    next_amount_minor: int | None


def checkout_subscriptions(number: str) -> list[Subscription]:
    """The subscriptions of the checkout with this order number (empty if none)."""
    return list(
        db.session.scalars(
            sa.select(Subscription)
            .join(TokenClaim)
            .join(Payment, Payment.id == TokenClaim.payment_id)
            .where(Payment.order_number == number)
            .order_by(Subscription.id)
        )
    )


def look_up_subscriptions(number: str, email: str) -> bool:
    """Whether a checkout with this number has subscriptions for this e-mail address."""
    found = checkout_subscriptions(number.strip().upper())
    return any(s.email.casefold() == email.strip().casefold() for s in found)


def view_of(subscription: Subscription) -> SubscriptionView:
    """What the page shows: cadence, state, and the next delivery's date and price today."""
    upcoming = subscription.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PENDING)
    return SubscriptionView(
        id=subscription.id,
        name=subscription.product.name,
        quantity=subscription.quantity,
        cadence=cadence_label(subscription.plan),
        status=subscription.status,
        pause_reason=subscription.pause_reason,
        next_date=due_date(subscription) if upcoming else None,
        next_amount_minor=next_amount(subscription) if upcoming else None,
    )


def owned(number: str, subscription_id: int) -> Subscription:
    """The checkout's subscription with this id, or SubscriptionRefused."""
    found = next((s for s in checkout_subscriptions(number) if s.id == subscription_id), None)
    if found is None:
        raise SubscriptionRefused(gettext("That subscription is not part of this order."))
    return found


def skip_next(number: str, subscription_id: int) -> None:
    """Skip the next delivery: its period is settled as SKIPPED, nothing is charged for it."""
    subscription = owned(number, subscription_id)
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise SubscriptionRefused(gettext("Only an active subscription's delivery can be skipped."))
    period = subscription.next_period
    if db.session.scalar(
        sa.select(Renewal.id).where(
            Renewal.subscription_id == subscription.id, Renewal.period == period
        )
    ):
        raise SubscriptionRefused(
            gettext("The next delivery is already on its way; skip the one after.")
        )
    db.session.add(
        Renewal(
            subscription=subscription,
            payment=Payment(order_number=new_order_number(), market=subscription.market),
            period=period,
            idempotency_key=renewal_key(subscription, f"skip-{period}"),
            status=RenewalStatus.SKIPPED,
        )
    )
    subscription.next_period = period + 1
    db.session.commit()


def cancel(subscription: Subscription) -> None:
    """Cancel a subscription; its Klarna token too, unless another live one still uses it."""
    try:
        move(subscription, SubscriptionStatus.CANCELLED)
    except InvalidSubscriptionTransition:
        db.session.rollback()
        raise SubscriptionRefused(gettext("This subscription cannot be cancelled now.")) from None
    token = subscription.customer_token
    sharing = [
        other
        for other in subscription.token_claim.subscriptions
        if other.id != subscription.id and other.status != SubscriptionStatus.CANCELLED
    ]
    if token is not None and not sharing:
        try:
            CustomerTokens(get_klarna(subscription.billing_address["country"])).cancel(token)
        except KlarnaNotFoundError:
            pass  # Klarna has no such token any more: nothing can charge it
        except KlarnaError:
            db.session.rollback()
            raise SubscriptionRefused(
                gettext("Klarna could not be reached to stop the payments; please try again.")
            ) from None
    db.session.commit()


def cancel_for_shopper(number: str, subscription_id: int) -> None:
    """The shopper cancels one of their subscriptions."""
    cancel(owned(number, subscription_id))
