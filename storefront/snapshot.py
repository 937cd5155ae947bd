"""The checkout snapshot: everything that decides an order's amounts, as frozen plain values.

Services read the cart, market, coupon, shipping choice and addresses from the database into
one `CheckoutSnapshot`; pricing and the Klarna payload builder are pure functions of it, so
the same snapshot always gives the same payload (and the same fingerprint).
"""

from __future__ import annotations

from dataclasses import dataclass

from storefront.addresses import PostalAddress
from storefront.coupons import CouponTerms
from storefront.markets import Market, TaxClass
from storefront.shipping import ShippingMethod


@dataclass(frozen=True)
class LineItem:
    """One product in the cart, priced in the cart's market."""

    sku: str
    name: str
    tax_class: TaxClass
    unit_price_minor: int
    quantity: int
    product_url: str = ""
    image_url: str = ""
    plan: str = ""  # a storefront.plans code, or "" (storefront.plans.ONE_TIME) for a one-off
    free_trial: bool = False  # a subscription's free first delivery, priced 0


@dataclass(frozen=True)
class CheckoutSnapshot:
    """A cart in one market with the shopper's choices so far (any of them may be missing)."""

    market: Market
    items: tuple[LineItem, ...]
    coupon: CouponTerms | None = None
    shipping_method: ShippingMethod | None = None
    email: str = ""
    phone: str = ""
    billing_address: PostalAddress | None = None
    shipping_address: PostalAddress | None = None
