"""A checkout as Klarna's fields: line mapping, US sales tax, customer data on request."""

from __future__ import annotations

import json
from dataclasses import replace

from storefront.coupons import CouponKind, CouponTerms
from storefront.klarna.bodies import purchase_body
from storefront.klarna.preflight import MAX_LINE_AMOUNT, payload_problems
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import MARKETS, TaxClass
from storefront.pricing import price_order
from storefront.shipping import shipping_method
from storefront.snapshot import CheckoutSnapshot, LineItem
from tests.support.personas import PERSONAS

TEE = LineItem(
    "TEE-ORG",
    "Organic Cotton Tee",
    TaxClass.STANDARD,
    2000,
    2,
    "http://shop.test/products/organic-cotton-tee",
    "http://shop.test/static/img/products/tee.svg",
)
BOOK = LineItem("BOOK-BRD", "The Bread Book", TaxClass.BOOKS, 2250, 1)


def full_snapshot(market: str, *items: LineItem, **changes) -> CheckoutSnapshot:
    """A complete checkout in a market: persona addresses, first shipping method."""
    email, phone, address = PERSONAS[market]
    method = shipping_method(market, {"SE": "pickup_point"}.get(market, "standard"))
    snapshot = CheckoutSnapshot(
        MARKETS[market], items, None, method, email, phone, address, address
    )
    return replace(snapshot, **changes)


def test_payload_maps_a_vat_cart_to_klarna_fields() -> None:
    payload = purchase_body(klarna_purchase(full_snapshot("GB", TEE)))
    assert payload["order_lines"][0] == {
        "type": "physical",
        "reference": "TEE-ORG",
        "name": "Organic Cotton Tee",
        "quantity": 2,
        "quantity_unit": "pcs",
        "unit_price": 2000,
        "tax_rate": 2000,
        "total_amount": 4000,
        "total_discount_amount": 0,
        "total_tax_amount": 667,
        "product_url": "http://shop.test/products/organic-cotton-tee",
        "image_url": "http://shop.test/static/img/products/tee.svg",
    }
    assert payload["order_lines"][1]["type"] == "shipping_fee"
    assert (payload["purchase_country"], payload["purchase_currency"], payload["locale"]) == (
        "GB",
        "GBP",
        "en-GB",
    )
    assert payload_problems(payload) == []


def test_payload_amounts_are_the_pages_amounts() -> None:
    snapshot = full_snapshot("SE", TEE, BOOK, coupon=CouponTerms("X", CouponKind.PERCENT, 1500))
    payload = purchase_body(klarna_purchase(snapshot))
    priced = price_order(snapshot)
    assert payload["order_amount"] == priced.total_minor
    assert payload["order_tax_amount"] == priced.tax_minor


def test_payload_sends_us_sales_tax_as_its_own_line() -> None:
    payload = purchase_body(klarna_purchase(full_snapshot("US", TEE, BOOK)))
    *others, tax_line = payload["order_lines"]
    assert tax_line["type"] == "sales_tax"
    assert (
        tax_line["total_amount"] == payload["order_tax_amount"] == 274
    )  # NY: 4 % of 6250 + 599 shipping
    assert all(line["tax_rate"] == 0 and line["total_tax_amount"] == 0 for line in others)
    assert payload["order_amount"] == sum(line["total_amount"] for line in payload["order_lines"])
    assert payload_problems(payload) == []


def test_payload_splits_sales_tax_above_the_line_maximum() -> None:
    huge = replace(TEE, unit_price_minor=1_000_000, quantity=99)
    snapshot = full_snapshot("US", *(replace(huge, sku=f"SKU-{n}") for n in range(30)))
    payload = purchase_body(klarna_purchase(snapshot))
    tax_lines = [line for line in payload["order_lines"] if line["type"] == "sales_tax"]
    assert len(tax_lines) == 2
    assert all(line["total_amount"] <= MAX_LINE_AMOUNT for line in tax_lines)
    assert payload_problems(payload) == []


def test_payload_leaves_customer_data_out_unless_asked() -> None:
    snapshot = full_snapshot("DE", TEE)
    without = purchase_body(klarna_purchase(snapshot))
    with_customer = purchase_body(klarna_purchase(snapshot), include_customer=True)
    assert "billing_address" not in without
    assert with_customer["billing_address"] == {
        "given_name": "Mock",
        "family_name": "Mock",
        "email": "customer@email.de",
        "phone": "+49017614284340",
        "street_address": "Neue Schönhauser Str. 2",
        "postal_code": "10178",
        "city": "Berlin",
        "country": "DE",
    }
    assert with_customer["shipping_address"] == with_customer["billing_address"]
    assert {k: v for k, v in with_customer.items() if "address" not in k} == without
    assert payload_problems(with_customer) == []


def test_payload_is_deterministic() -> None:
    snapshot = full_snapshot("GB", TEE, BOOK)
    first = json.dumps(
        purchase_body(klarna_purchase(snapshot), include_customer=True), sort_keys=True
    )
    assert first == json.dumps(
        purchase_body(klarna_purchase(snapshot), include_customer=True), sort_keys=True
    )
