"""Pricing: discounts, shipping, VAT and US sales tax, in every market."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storefront.coupons import CouponKind, CouponTerms
from storefront.markets import MARKETS, TaxClass
from storefront.pricing import price_order
from storefront.shipping import shipping_method
from storefront.snapshot import CheckoutSnapshot, LineItem
from tests.support.personas import PERSONAS

TEE = LineItem("TEE", "Tee", TaxClass.STANDARD, 1000, 2)
BOOK = LineItem("BOOK", "Book", TaxClass.BOOKS, 2250, 1)
CANDY = LineItem("CHOC", "Chocolate", TaxClass.CONFECTIONERY, 450, 1)
TEN_PERCENT = CouponTerms("TEN", CouponKind.PERCENT, percent_off_bp=1000)


def snapshot(market: str, *items: LineItem, **choices) -> CheckoutSnapshot:
    """A snapshot in a market; pass shipping="<code>" and state="<US state>" as needed."""
    method = shipping_method(market, choices.pop("shipping", None))
    state = choices.pop("state", None)
    address = PERSONAS[market][2]
    if state:
        address = replace(address, region=state)
    return CheckoutSnapshot(
        MARKETS[market],
        items,
        shipping_method=method,
        shipping_address=address if state or market != "US" else None,
        **choices,
    )


def test_price_order_reproduces_the_worked_gb_cart() -> None:
    tee_shirts = LineItem("TS-1", "T-shirt", TaxClass.STANDARD, 1000, 2)
    priced = price_order(snapshot("GB", tee_shirts, shipping="standard"))
    # The worked GB cart (docs/klarna-notes.md#worked-gb-cart) prices shipping at 4.99; the
    # shop's GB standard fee is 3.99.
    assert [line.tax_minor for line in priced.lines] == [333, 67]
    assert priced.total_minor == 2399
    assert priced.tax_minor == 400


def test_price_order_vat_breakdown_per_rate() -> None:
    priced = price_order(snapshot("SE", TEE, BOOK))
    assert [(band.rate_bp, band.tax_minor) for band in priced.tax_bands] == [
        (2500, 400),
        (600, 127),
    ]
    assert priced.total_minor == 4250


def test_percent_coupon_reduces_each_line_in_proportion() -> None:
    priced = price_order(snapshot("DE", TEE, BOOK, coupon=TEN_PERCENT))
    assert [line.discount_minor for line in priced.goods_lines] == [200, 225]
    assert priced.discount_minor == 425
    assert priced.total_minor == 4250 - 425


def test_coupon_below_its_minimum_does_not_apply_and_says_how_much_is_missing() -> None:
    coupon = replace(TEN_PERCENT, minimum_subtotal_minor=5000)
    priced = price_order(snapshot("GB", TEE, coupon=coupon))
    assert priced.coupon is None
    assert priced.coupon_shortfall_minor == 3000
    assert priced.discount_minor == 0


def test_fixed_coupon_never_takes_more_than_the_goods() -> None:
    coupon = CouponTerms("BIG", CouponKind.FIXED_AMOUNT, amount_off_minor=10**6)
    priced = price_order(snapshot("GB", TEE, shipping="standard", coupon=coupon))
    assert priced.discount_minor == 2000
    assert priced.total_minor == 399  # the goods are free; shipping is not


def test_shipping_is_split_over_the_goods_vat_rates() -> None:
    priced = price_order(snapshot("GB", TEE, BOOK, shipping="standard"))
    shipping = priced.shipping_lines
    assert [(line.tax_rate_bp, line.unit_price_minor) for line in shipping] == [
        (2000, 188),
        (0, 211),
    ]
    assert sum(line.unit_price_minor for line in shipping) == 399
    assert shipping[0].tax_minor == 31


def test_standard_shipping_is_free_above_the_threshold() -> None:
    priced = price_order(snapshot("GB", replace(TEE, quantity=5), shipping="standard"))
    assert priced.shipping_minor == 0
    assert len(priced.shipping_lines) == 1


def test_free_shipping_coupon_discounts_every_shipping_line() -> None:
    coupon = CouponTerms("SHIP", CouponKind.FREE_SHIPPING)
    priced = price_order(snapshot("GB", TEE, BOOK, shipping="next_day", coupon=coupon))
    assert priced.shipping_minor == 0
    assert priced.shipping_discount_minor == 899
    assert priced.total_minor == 4250


def test_us_sales_tax_depends_on_the_ship_to_state() -> None:
    california = price_order(snapshot("US", TEE, BOOK, CANDY, shipping="standard", state="CA"))
    texas = price_order(snapshot("US", TEE, BOOK, CANDY, shipping="standard", state="TX"))
    oregon = price_order(snapshot("US", TEE, BOOK, CANDY, shipping="standard", state="OR"))
    # CA: 7.25 % on tee and book, candy exempt, shipping not taxed.
    assert california.sales_tax_minor == 308
    # TX: 6.25 % on everything including candy and shipping: (4700 + 599) * 6.25 %.
    assert texas.sales_tax_minor == 331
    assert oregon.sales_tax_minor == 0
    assert all(line.tax_minor == 0 for line in california.lines)
    assert california.total_minor == 4700 + 599 + 308


def test_us_sales_tax_is_pending_until_the_ship_to_state_is_known() -> None:
    priced = price_order(snapshot("US", TEE))
    assert priced.sales_tax_pending
    assert priced.total_minor == 2000


@pytest.mark.parametrize("market", ["GB", "DE", "SE"])
def test_vat_total_is_the_sum_of_line_taxes(market: str) -> None:
    priced = price_order(snapshot(market, TEE, BOOK, CANDY, coupon=TEN_PERCENT))
    assert priced.tax_minor == sum(line.tax_minor for line in priced.lines)
