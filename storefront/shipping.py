"""Shipping methods per market, with fees in the market's minor units (gross in VAT markets).

A method's fee can drop to zero once the goods total reaches its free-shipping threshold.
The tax on shipping is worked out in storefront.pricing, from the goods it delivers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShippingMethod:
    """A way to deliver an order in one market, and what it costs."""

    code: str
    name: str
    delivery: str
    fee_minor: int
    free_from_minor: int | None = None  # goods total (after discounts) that ships free

    def fee_for(self, goods_total_minor: int) -> int:
        """The fee for an order whose goods cost `goods_total_minor` after discounts."""
        if self.free_from_minor is not None and goods_total_minor >= self.free_from_minor:
            return 0
        return self.fee_minor


SHIPPING_METHODS: dict[str, tuple[ShippingMethod, ...]] = {
    "US": (
        ShippingMethod("standard", "Standard shipping", "5 to 7 business days", 599, 7500),
        ShippingMethod("express", "2-day express", "2 business days", 1499),
    ),
    "GB": (
        ShippingMethod("standard", "Standard delivery", "3 to 5 working days", 399, 5000),
        ShippingMethod("next_day", "Next-day delivery", "Next working day", 899),
    ),
    "DE": (
        ShippingMethod("standard", "Standard shipping", "2 to 4 working days", 490, 5000),
        ShippingMethod("express", "Express shipping", "Next working day", 990),
    ),
    "SE": (
        ShippingMethod(
            "pickup_point", "Pickup point", "2 to 4 days, to a pickup point", 4900, 50000
        ),
        ShippingMethod("home_delivery", "Home delivery", "1 to 3 days, to your door", 9900),
    ),
}


def shipping_methods(market_code: str) -> tuple[ShippingMethod, ...]:
    """The methods offered in a market, cheapest first."""
    return SHIPPING_METHODS[market_code]


def shipping_method(market_code: str, code: str | None) -> ShippingMethod | None:
    """The method with this code in this market, or None if the market does not offer it."""
    return next((method for method in SHIPPING_METHODS[market_code] if method.code == code), None)
