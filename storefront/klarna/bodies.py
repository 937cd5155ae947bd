"""Klarna's request bodies, built from plain values: session, authorize() data, create order.

A `Purchase` holds what every body says about the purchase (market, amounts, order lines and
the shopper's addresses), already in Klarna's units: minor units and basis points. Every body
starts from `purchase_body`, so the lines and amounts Klarna sees in the session, in the
widget's authorize() and in create order cannot differ; the session and create order only add
what the merchant adds: the order number and the URLs Klarna calls back. Klarna rejects a
create order whose lines or addresses differ from what was authorized (409 "Not matching
fields"), so building them from one function is what keeps it from happening.
Klarna docs (fields and rules): https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
and https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .preflight import MAX_LINE_AMOUNT

# The personal data the page hands to authorize() and create order repeats.
CUSTOMER_KEYS = ("billing_address", "shipping_address")


@dataclass(frozen=True)
class SubscriptionTerms:
    """Klarna's `subscription` of an order line: what recurs and how often."""

    name: str
    interval: str  # "DAY", "WEEK", "MONTH" or "YEAR"
    interval_count: int


@dataclass(frozen=True)
class OrderLine:
    """One Klarna order line; `total_minor` is after the discount and includes any VAT."""

    line_type: str  # Klarna's `type`: "physical", "shipping_fee", "sales_tax", ...
    reference: str
    name: str
    quantity: int
    unit_price_minor: int
    tax_rate_bp: int
    total_minor: int
    discount_minor: int = 0
    tax_minor: int = 0
    quantity_unit: str = ""
    product_url: str = ""
    image_url: str = ""
    subscription: SubscriptionTerms | None = None


@dataclass(frozen=True)
class Address:
    """A Klarna address object: a person's postal address with their email and phone."""

    given_name: str
    family_name: str
    email: str
    phone: str
    street_address: str
    postal_code: str
    city: str
    country: str
    street_address2: str = ""
    region: str = ""  # ISO 3166-2 subdivision; Klarna requires it in the US and Australia


@dataclass(frozen=True)
class Purchase:
    """What every body says about one purchase; addresses only go where personal data may."""

    country: str
    currency: str
    locale: str
    amount_minor: int
    tax_minor: int  # VAT markets: the lines' VAT; US: the sales_tax lines' total
    lines: tuple[OrderLine, ...]
    billing_address: Address | None = None
    shipping_address: Address | None = None
    # Klarna's `intent`: "buy", or a tokenizing one ("tokenize", "buy_and_tokenize",
    # "buy_and_default_tokenize") that also saves the payment method as a customer token.
    intent: str = "buy"


@dataclass(frozen=True)
class MerchantContext:
    """What the shop adds to Klarna's bodies: its order number and the URLs Klarna calls."""

    order_number: str
    authorization_url: str = ""  # carries the payment's callback secret
    confirmation_url: str = ""
    notification_url: str = ""


def purchase_body(purchase: Purchase, *, include_customer: bool = False) -> dict[str, Any]:
    """The fields every body shares; with `include_customer`, the billing/shipping address.

    Klarna recommends leaving personal data out of create-session and giving it to
    authorize() instead (https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-2-checkout),
    so sessions use the default and authorize()/create-order ask for the customer.
    """
    body: dict[str, Any] = {
        "purchase_country": purchase.country,
        "purchase_currency": purchase.currency,
        "locale": purchase.locale,
        "order_amount": purchase.amount_minor,
        "order_tax_amount": purchase.tax_minor,
        "order_lines": [order_line_json(line) for line in purchase.lines],
    }
    if include_customer and purchase.billing_address is not None:
        body["billing_address"] = address_json(purchase.billing_address)
        if purchase.shipping_address is not None:
            body["shipping_address"] = address_json(purchase.shipping_address)
    return body


def order_line_json(line: OrderLine) -> dict[str, Any]:
    """One entry of `order_lines`; the optional fields only when set."""
    klarna_line: dict[str, Any] = {
        "type": line.line_type,
        "reference": line.reference,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price_minor,
        "tax_rate": line.tax_rate_bp,
        "total_amount": line.total_minor,
        "total_discount_amount": line.discount_minor,
        "total_tax_amount": line.tax_minor,
    }
    optional = {
        "quantity_unit": line.quantity_unit,
        "product_url": line.product_url,
        "image_url": line.image_url,
    }
    klarna_line.update({name: value for name, value in optional.items() if value})
    if line.subscription is not None:
        klarna_line["subscription"] = {
            "name": line.subscription.name,
            "interval": line.subscription.interval,
            "interval_count": line.subscription.interval_count,
        }
    return klarna_line


def address_json(address: Address) -> dict[str, str]:
    """A Klarna address object; empty fields left out."""
    fields = {
        "given_name": address.given_name,
        "family_name": address.family_name,
        "email": address.email,
        "phone": address.phone,
        "street_address": address.street_address,
        "street_address2": address.street_address2,
        "postal_code": address.postal_code,
        "city": address.city,
        "region": address.region,
        "country": address.country,
    }
    return {name: value for name, value in fields.items() if value}


def sales_tax_lines(sales_tax_minor: int) -> tuple[OrderLine, ...]:
    """US sales tax as `sales_tax` line(s), split evenly only past Klarna's per-line maximum.

    Klarna docs (one or more sales_tax lines, tax_rate 0, order_tax_amount = their total):
    https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling
    """
    if sales_tax_minor == 0:
        return ()
    count = -(-sales_tax_minor // MAX_LINE_AMOUNT)
    share, left_over = divmod(sales_tax_minor, count)
    # The minor units that do not divide evenly go one each to the first lines.
    parts = [share + 1 if index < left_over else share for index in range(count)]
    return tuple(
        OrderLine(
            line_type="sales_tax",
            reference="SALES-TAX" if count == 1 else f"SALES-TAX-{index}",
            name="Sales tax",
            quantity=1,
            unit_price_minor=part,
            tax_rate_bp=0,
            total_minor=part,
        )
        for index, part in enumerate(parts, start=1)
    )


def session_body(purchase: Purchase, merchant: MerchantContext) -> dict[str, Any]:
    """Create and update session: the cart without personal data, with the purchase's intent.

    Klarna recommends keeping personal data out of the session and giving it to authorize()
    (https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-2-checkout);
    `merchant_urls.authorization` is the server-side callback that still reaches the shop when
    the shopper closes the tab right after paying
    (https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/authorization-callback).
    The session also carries `confirmation` and `notification` (Klarna accepts every
    merchant URL on a session), the same URLs create order sends.
    """
    return {
        **purchase_body(purchase),
        "intent": purchase.intent,
        "merchant_reference1": merchant.order_number,
        "merchant_urls": {"authorization": merchant.authorization_url, **order_urls(merchant)},
    }


def authorize_data(purchase: Purchase) -> dict[str, Any]:
    """What the page passes to authorize(): the billing and shipping address, as create order."""
    body = purchase_body(purchase, include_customer=True)
    return {key: body[key] for key in CUSTOMER_KEYS if key in body}


def order_body(purchase: Purchase, merchant: MerchantContext) -> dict[str, Any]:
    """Create order: the authorized lines and addresses, the order number, the return URLs."""
    return {
        **purchase_body(purchase, include_customer=True),
        "merchant_reference1": merchant.order_number,
        "merchant_urls": order_urls(merchant),
    }


def customer_token_body(purchase: Purchase, description: str) -> dict[str, Any]:
    """Generate a customer token: market, billing address and what the token is for.

    Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
    """
    body: dict[str, Any] = {
        "purchase_country": purchase.country,
        "purchase_currency": purchase.currency,
        "locale": purchase.locale,
        "description": description[:255],
        "intended_use": "SUBSCRIPTION",
    }
    if purchase.billing_address is not None:
        body["billing_address"] = address_json(purchase.billing_address)
    return body


def token_order_body(purchase: Purchase, merchant: MerchantContext) -> dict[str, Any]:
    """Charge a customer token (a renewal): the lines, amounts and where the goods go.

    The token fixes the country and billing address, so only the shipping address is sent.
    Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
    """
    body = purchase_body(purchase, include_customer=True)
    body.pop("purchase_country")
    body.pop("billing_address", None)
    return {
        **body,
        "merchant_reference1": merchant.order_number,
        "merchant_urls": {"confirmation": merchant.confirmation_url},
    }


def order_urls(merchant: MerchantContext) -> dict[str, str]:
    """`merchant_urls.confirmation` and `notification`, as the session and create order send them.

    `confirmation` is where Klarna's redirect_url sends the shopper; `notification` receives
    the decision on an order Klarna placed on hold (fraud_status PENDING).
    """
    return {
        "confirmation": merchant.confirmation_url,
        "notification": merchant.notification_url,
    }


def fingerprint(body: Mapping[str, Any]) -> str:
    """sha256 of a body in canonical JSON: equal bodies, and only those, share a fingerprint."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def purchase_fingerprint(purchase: Purchase) -> str:
    """The fingerprint of what authorize() approves and create order must repeat exactly."""
    return fingerprint(purchase_body(purchase, include_customer=True))
