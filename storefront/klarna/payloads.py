"""Build the Klarna Payments payload from a checkout snapshot: the one place Klarna's fields appear.

`build_payload` is pure: the same snapshot always gives the same dict, so it can be
fingerprinted, and create-session, update-session, authorize() and create-order all send
amounts and lines that cannot differ. Every amount comes from storefront.pricing, which the
pages render too. Klarna docs (fields and rules):
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
"""

from __future__ import annotations

from typing import Any

from storefront.addresses import PostalAddress
from storefront.klarna.preflight import MAX_LINE_AMOUNT
from storefront.money import allocate
from storefront.pricing import LineKind, PricedLine, PricedOrder, price_order
from storefront.snapshot import CheckoutSnapshot

KLARNA_LINE_TYPES = {LineKind.GOODS: "physical", LineKind.SHIPPING: "shipping_fee"}


def build_payload(snapshot: CheckoutSnapshot, *, include_customer: bool = False) -> dict[str, Any]:
    """The Klarna payload for a snapshot; with `include_customer`, its billing/shipping address.

    Klarna recommends leaving personal data out of create-session and giving it to
    authorize() instead (https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-2-checkout),
    so sessions use the default and authorize()/create-order ask for the customer.
    """
    priced = price_order(snapshot)
    market = snapshot.market
    lines = [order_line(line, vat=market.prices_include_tax) for line in priced.lines]
    lines += sales_tax_lines(priced.sales_tax_minor)
    payload: dict[str, Any] = {
        "purchase_country": market.country,
        "purchase_currency": market.currency,
        "locale": market.locale,
        "order_amount": priced.total_minor,
        "order_tax_amount": order_tax_amount(priced),
        "order_lines": lines,
    }
    if include_customer and snapshot.billing_address is not None:
        shipping = snapshot.shipping_address or snapshot.billing_address
        payload["billing_address"] = klarna_address(snapshot.billing_address, snapshot)
        payload["shipping_address"] = klarna_address(shipping, snapshot)
    return payload


def order_tax_amount(priced: PricedOrder) -> int:
    """VAT markets: the sum of the lines' tax. US: the sales-tax line, as Klarna's US example."""
    if priced.market.prices_include_tax:
        return sum(line.tax_minor for line in priced.lines)
    return priced.sales_tax_minor


def order_line(line: PricedLine, *, vat: bool) -> dict[str, Any]:
    """One Klarna order line; US lines carry no tax, since sales tax is its own line."""
    klarna_line: dict[str, Any] = {
        "type": KLARNA_LINE_TYPES[line.kind],
        "reference": line.reference,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price_minor,
        "tax_rate": line.tax_rate_bp if vat else 0,
        "total_amount": line.total_minor,
        "total_discount_amount": line.discount_minor,
        "total_tax_amount": line.tax_minor,
    }
    if line.kind is LineKind.GOODS:
        klarna_line["quantity_unit"] = "pcs"
    if line.product_url:
        klarna_line["product_url"] = line.product_url
    if line.image_url:
        klarna_line["image_url"] = line.image_url
    return klarna_line


def sales_tax_lines(sales_tax_minor: int) -> list[dict[str, Any]]:
    """US sales tax as `sales_tax` line(s), split only past Klarna's per-line maximum.

    Klarna docs (one or more sales_tax lines, tax_rate 0, order_tax_amount = their total):
    https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling
    """
    if sales_tax_minor == 0:
        return []
    count = -(-sales_tax_minor // MAX_LINE_AMOUNT)
    return [
        {
            "type": "sales_tax",
            "reference": "SALES-TAX" if count == 1 else f"SALES-TAX-{index}",
            "name": "Sales tax",
            "quantity": 1,
            "unit_price": part,
            "tax_rate": 0,
            "total_amount": part,
            "total_discount_amount": 0,
            "total_tax_amount": 0,
        }
        for index, part in enumerate(allocate(sales_tax_minor, [1] * count), start=1)
    ]


def klarna_address(address: PostalAddress, snapshot: CheckoutSnapshot) -> dict[str, str]:
    """A Klarna address object with the shopper's email and phone; empty fields left out."""
    fields = {
        "given_name": address.given_name,
        "family_name": address.family_name,
        "email": snapshot.email,
        "phone": snapshot.phone,
        "street_address": address.street_address,
        "street_address2": address.street_address2,
        "postal_code": address.postal_code,
        "city": address.city,
        "region": address.region,
        "country": address.country,
    }
    return {name: value for name, value in fields.items() if value}
