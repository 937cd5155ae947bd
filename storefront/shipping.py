"""Shipping methods per market, with fees in the market's minor units (gross in VAT markets).

A method's fee can drop to zero once the goods total reaches its free-shipping threshold.
The tax on shipping is worked out in storefront.pricing, from the goods it delivers.
"""

from __future__ import annotations

from dataclasses import dataclass

from storefront.i18n import N_


@dataclass(frozen=True)
class ShippingMethod:
    """A way to deliver an order in one market, and what it costs."""

    code: str
    # English, as Klarna's order line gets it; pages show them translated (_(name)).
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
        ShippingMethod("standard", N_("Standard shipping"), N_("5 to 7 business days"), 599, 7500),
        ShippingMethod("express", N_("2-day express"), N_("2 business days"), 1499),
    ),
    "GB": (
        ShippingMethod("standard", N_("Standard delivery"), N_("3 to 5 working days"), 399, 5000),
        ShippingMethod("next_day", N_("Next-day delivery"), N_("Next working day"), 899),
    ),
    "DE": (
        ShippingMethod("standard", N_("Standard shipping"), N_("2 to 4 working days"), 490, 5000),
        ShippingMethod("express", N_("Express shipping"), N_("Next working day"), 990),
    ),
    "SE": (
        ShippingMethod(
            "pickup_point", N_("Pickup point"), N_("2 to 4 days, to a pickup point"), 4900, 50000
        ),
        ShippingMethod("home_delivery", N_("Home delivery"), N_("1 to 3 days, to your door"), 9900),
    ),
}


def shipping_methods(market_code: str) -> tuple[ShippingMethod, ...]:
    """The methods offered in a market, cheapest first."""
    return SHIPPING_METHODS[market_code]


def shipping_method(market_code: str, code: str | None) -> ShippingMethod | None:
    """The method with this code in this market, or None if the market does not offer it."""
    return next((method for method in SHIPPING_METHODS[market_code] if method.code == code), None)
