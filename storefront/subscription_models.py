"""Subscription models: what a shopper subscribed to, its Klarna customer token, its renewals.

A checkout with subscription lines makes one `TokenClaim` (the exactly-once record of the
create-customer-token call for its authorization) and one `Subscription` per subscribed
product. Each renewal period is claimed once by a `Renewal` row (unique per subscription and
period) before Klarna's token order is sent with the row's `Klarna-Idempotency-Key`.
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import Model
from storefront.models import Order, Payment, Product


class TokenClaimStatus(StrEnum):
    """Where the create-customer-token call of a checkout stands."""

    CREATING = "creating"  # claimed; being sent, or its answer was lost
    CREATED = "created"  # Klarna's token is stored on the subscriptions
    FAILED = "failed"  # Klarna certainly made no token


class SubscriptionStatus(StrEnum):
    """A subscription's state; moves only along SUBSCRIPTION_TRANSITIONS."""

    PENDING = "pending"  # waiting for its customer token
    ACTIVE = "active"
    PAUSED = "paused"
    CANCELLED = "cancelled"


SUBSCRIPTION_TRANSITIONS: dict[SubscriptionStatus, frozenset[SubscriptionStatus]] = {
    SubscriptionStatus.PENDING: frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED}),
    SubscriptionStatus.ACTIVE: frozenset({SubscriptionStatus.PAUSED, SubscriptionStatus.CANCELLED}),
    SubscriptionStatus.PAUSED: frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.CANCELLED}),
    SubscriptionStatus.CANCELLED: frozenset(),
}


class RenewalStatus(StrEnum):
    """Where one period's token order stands."""

    PLACING = "placing"  # claimed; sent, or its answer was lost (resent with the same key)
    PLACED = "placed"  # Klarna's order is the shop order `order_id`
    DECLINED = "declined"  # Klarna refused it; the subscription is paused
    SKIPPED = "skipped"  # the shopper skipped this delivery


class TokenClaim(Model):
    """The one create-customer-token call of a checkout's authorization."""

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), unique=True)
    authorization_token: Mapped[str] = mapped_column(sa.String(255))
    request_body: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16))  # a TokenClaimStatus
    # While CREATING: until when the attempt sending it holds the claim.
    claim_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    detail: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    payment: Mapped[Payment] = relationship()
    subscriptions: Mapped[list[Subscription]] = relationship(back_populates="token_claim")


class Subscription(Model):
    """One subscribed product: its plan, where it goes, and the token that pays for it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_claim_id: Mapped[int] = mapped_column(sa.ForeignKey("token_claim.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    # The first order (None for a free trial: nothing was ordered at checkout).
    first_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order.id"))
    quantity: Mapped[int]
    plan: Mapped[str] = mapped_column(sa.String(16))  # a storefront.plans code
    market: Mapped[str] = mapped_column(sa.String(2))
    shipping_method: Mapped[str] = mapped_column(sa.String(32))
    email: Mapped[str] = mapped_column(sa.String(99))
    phone: Mapped[str] = mapped_column(sa.String(99))
    billing_address: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    shipping_address: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16))  # a SubscriptionStatus
    pause_reason: Mapped[str] = mapped_column(sa.String(255), default="")
    # Klarna's customer token: a secret that charges the shopper; never logged or shown whole.
    customer_token: Mapped[str | None] = mapped_column(sa.String(255))
    starts_on: Mapped[date] = mapped_column(sa.Date)  # period 0: the checkout's date
    next_period: Mapped[int] = mapped_column(default=1)  # the next period to charge
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    token_claim: Mapped[TokenClaim] = relationship(back_populates="subscriptions")
    product: Mapped[Product] = relationship()
    first_order: Mapped[Order | None] = relationship()
    renewals: Mapped[list[Renewal]] = relationship(
        back_populates="subscription", order_by="Renewal.period"
    )


class Renewal(Model):
    """The claim on one period's token order: at most one per subscription and period."""

    __table_args__ = (sa.UniqueConstraint("subscription_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("subscription.id"))
    # The renewal's own payment record: its order number and event log.
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), unique=True)
    period: Mapped[int]
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16))  # a RenewalStatus
    request_body: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order.id"), unique=True)
    claim_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)  # token orders sent for this period
    detail: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    payment: Mapped[Payment] = relationship()
    subscription: Mapped[Subscription] = relationship(back_populates="renewals")
    order: Mapped[Order | None] = relationship()
