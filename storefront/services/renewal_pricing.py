"""A subscription's next delivery priced as a checkout: today's price and tax, same code paths.

The renewal is a one-line snapshot (the subscribed product, its quantity, the stored shipping
method and addresses), so `price_order` and `klarna_purchase` give its amounts and Klarna
lines exactly as they would for a cart bought today.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from storefront.addresses import PostalAddress
from storefront.extensions import db
from storefront.markets import MARKETS, TaxClass
from storefront.models import ProductPrice
from storefront.plans import Plan
from storefront.pricing import price_order
from storefront.shipping import shipping_method
from storefront.snapshot import CheckoutSnapshot, LineItem
from storefront.subscription_models import Subscription
from storefront.urls import absolute_url


def renewal_snapshot(subscription: Subscription) -> CheckoutSnapshot | None:
    """The next delivery as a checkout snapshot; None if the product is no longer sold there."""
    product = subscription.product
    price = db.session.scalar(
        sa.select(ProductPrice.unit_price_minor).where(
            ProductPrice.product_id == product.id, ProductPrice.market == subscription.market
        )
    )
    if price is None:
        return None
    item = LineItem(
        sku=product.sku,
        name=product.name,
        tax_class=TaxClass(product.tax_class),
        unit_price_minor=price,
        quantity=subscription.quantity,
        product_url=absolute_url("catalog.product", slug=product.slug),
        image_url=absolute_url("static", filename=product.image),
        plan=subscription.plan,
    )
    return CheckoutSnapshot(
        market=MARKETS[subscription.market],
        items=(item,),
        shipping_method=shipping_method(subscription.market, subscription.shipping_method),
        email=subscription.email,
        phone=subscription.phone,
        billing_address=PostalAddress(**subscription.billing_address),
        shipping_address=PostalAddress(**subscription.shipping_address),
    )


def due_date(subscription: Subscription) -> date:
    """When the subscription's next period falls due."""
    plan = Plan.parse(subscription.plan)
    return plan.renewal_date(subscription.starts_on, subscription.next_period)


def next_amount(subscription: Subscription) -> int | None:
    """What the next delivery costs at today's prices (None if it can no longer be sold)."""
    snapshot = renewal_snapshot(subscription)
    return None if snapshot is None else price_order(snapshot).total_minor
