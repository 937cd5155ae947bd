"""A checkout's subscriptions: made with its claim, in the same transaction, waiting for a token.

A purchase with a tokenizing intent gets one `TokenClaim` (the create-customer-token call still
to make, with its exact body) and one `Subscription` per subscribed product. They are inserted
with the order's claim (`order_claims.claim`), or alone for a `tokenize` checkout, so the
unique constraints that let one claim win also make the subscriptions exactly once.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from storefront.extensions import db
from storefront.klarna.bodies import Purchase, customer_token_body
from storefront.models import Cart, Order, Payment
from storefront.plans import plan_label
from storefront.snapshot import CheckoutSnapshot
from storefront.subscription_models import (
    Subscription,
    SubscriptionStatus,
    TokenClaim,
    TokenClaimStatus,
)

SHOP_NAME = "Fjord & Field"


def add_subscriptions(
    payment: Payment,
    snapshot: CheckoutSnapshot,
    purchase: Purchase,
    authorization_token: str,
    *,
    order: Order | None,
    today: date,
) -> TokenClaim | None:
    """Add the token claim and subscriptions of a tokenizing purchase (None for `buy`)."""
    cart = payment.cart
    if purchase.intent == "buy" or cart is None:
        return None
    assert snapshot.billing_address is not None and snapshot.shipping_address is not None
    sold = {item.sku for item in snapshot.items}
    lines = [line for line in cart.lines if line.plan and line.product.sku in sold]
    claim = TokenClaim(
        payment=payment,
        authorization_token=authorization_token,
        request_body=customer_token_body(purchase, token_description(cart)),
        status=TokenClaimStatus.CREATING,
        claim_expires_at=None,  # not held: the first attempt to settle it takes it
    )
    for line in lines:
        claim.subscriptions.append(
            Subscription(
                product=line.product,
                first_order=order,
                quantity=line.quantity,
                plan=line.plan,
                market=snapshot.market.code,
                shipping_method=cart.shipping_method or "",
                email=snapshot.email,
                phone=snapshot.phone,
                billing_address=asdict(snapshot.billing_address),
                shipping_address=asdict(snapshot.shipping_address),
                status=SubscriptionStatus.PENDING,
                pause_reason="",
                starts_on=today,
                next_period=1,
            )
        )
    db.session.add(claim)
    return claim


def token_description(cart: Cart) -> str:
    """What the customer token pays for, as Klarna shows it ("Fjord & Field: Coffee every ...")."""
    parts = [f"{line.product.name} {plan_label(line.plan)}" for line in cart.lines if line.plan]
    return f"{SHOP_NAME}: " + ", ".join(parts)
