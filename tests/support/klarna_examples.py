"""Klarna's documented request examples, as data (sources next to each one).

Functions return fresh copies, so a test may change what it gets.
"""

from __future__ import annotations

import copy
from typing import Any

SHOPPER_GB = {
    "given_name": "Test",
    "family_name": "Person-uk",
    "email": "customer@email.uk",
    "street_address": "10 New Burlington Street",
    "street_address2": "Apt. 214",
    "postal_code": "W1S 3BE",
    "city": "London",
    "phone": "+447755564318",
    "country": "GB",
}
SHOPPER_SE = {
    "given_name": "Alice",
    "family_name": "Test",
    "email": "customer@email.se",
    "street_address": "Södra Blasieholmshamnen 2",
    "postal_code": "11148",
    "city": "Stockholm",
    "phone": "+46701740615",
    "country": "SE",
}
SHOPPER_US = {
    "given_name": "Test",
    "family_name": "Person-us",
    "email": "customer@email.us",
    "street_address": "509 Amsterdam Ave",
    "postal_code": "10024-3941",
    "city": "New York",
    "region": "NY",
    "phone": "+13106683312",
    "country": "US",
}

# The worked GB cart (docs/klarna-notes.md#worked-gb-cart), 20 % VAT, prices incl. VAT:
# 2000 - 2000*10000/12000 = 333.3 -> 333; 499 -> 83; order tax 416.
_GB_CART: dict[str, Any] = {
    "purchase_country": "GB",
    "purchase_currency": "GBP",
    "locale": "en-GB",
    "order_amount": 2499,
    "order_tax_amount": 416,
    "order_lines": [
        {
            "type": "physical",
            "reference": "TS-1",
            "name": "T-shirt",
            "quantity": 2,
            "unit_price": 1000,
            "tax_rate": 2000,
            "total_amount": 2000,
            "total_discount_amount": 0,
            "total_tax_amount": 333,
        },
        {
            "type": "shipping_fee",
            "reference": "SHIP",
            "name": "Standard shipping",
            "quantity": 1,
            "unit_price": 499,
            "tax_rate": 2000,
            "total_amount": 499,
            "total_discount_amount": 0,
            "total_tax_amount": 83,
        },
    ],
}

# Step 1: Initiate a payment (SE, one line with a discount):
# https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
_SE_SESSION: dict[str, Any] = {
    "acquiring_channel": "ECOMMERCE",
    "intent": "buy",
    "purchase_country": "SE",
    "purchase_currency": "SEK",
    "locale": "en-SE",
    "order_amount": 9500,
    "order_tax_amount": 1900,
    "order_lines": [
        {
            "type": "physical",
            "reference": "19-402",
            "name": "Battery Power Pack",
            "quantity": 1,
            "unit_price": 10000,
            "tax_rate": 2500,
            "total_amount": 9500,
            "total_discount_amount": 500,
            "total_tax_amount": 1900,
        }
    ],
    "merchant_urls": {"authorization": "https://example.com/authorization_callbacks"},
}

# Tax handling, accepted example: two lines at 20 %, line taxes 9917 + 483 = 10400.
# https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling
_TAX_ACCEPTED: dict[str, Any] = {
    "purchase_country": "DE",
    "purchase_currency": "EUR",
    "locale": "de-DE",
    "order_amount": 62400,
    "order_tax_amount": 10400,
    "order_lines": [
        {
            "type": "physical",
            "reference": "19-402",
            "name": "Battery Power Pack",
            "quantity": 1,
            "unit_price": 59500,
            "tax_rate": 2000,
            "total_amount": 59500,
            "total_tax_amount": 9917,
        },
        {
            "type": "shipping_fee",
            "name": "Shipping",
            "quantity": 1,
            "unit_price": 2900,
            "tax_rate": 2000,
            "total_amount": 2900,
            "total_tax_amount": 483,
        },
    ],
}

# US sales tax as its own line: product 20000 + tax line 1000 = 21000, order tax 1000.
# https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling
_US_SALES_TAX: dict[str, Any] = {
    "purchase_country": "US",
    "purchase_currency": "USD",
    "locale": "en-US",
    "order_amount": 21000,
    "order_tax_amount": 1000,
    "order_lines": [
        {
            "type": "physical",
            "reference": "19-402",
            "name": "Battery Power Pack",
            "quantity": 1,
            "unit_price": 20000,
            "tax_rate": 0,
            "total_amount": 20000,
            "total_tax_amount": 0,
        },
        {
            "type": "sales_tax",
            "reference": "Sales Tax",
            "name": "Sales Tax",
            "quantity": 1,
            "unit_price": 1000,
            "tax_rate": 0,
            "total_amount": 1000,
            "total_tax_amount": 0,
        },
    ],
}


def gb_cart() -> dict[str, Any]:
    """The worked GB cart (docs/klarna-notes.md#worked-gb-cart)."""
    return copy.deepcopy(_GB_CART)


MONTHLY_SOCKS = {"name": "Monthly socks {{S-1}}", "interval": "MONTH", "interval_count": 1}


def gb_subscription_cart(intent: str = "tokenize") -> dict[str, Any]:
    """The worked GB cart with `intent` and its first line a monthly subscription."""
    cart = gb_cart()
    cart["intent"] = intent
    cart["order_lines"][0]["subscription"] = dict(MONTHLY_SOCKS)
    return cart


def gb_free_trial_cart() -> dict[str, Any]:
    """A `tokenize` GB session for a free trial: one subscription line, order amount 0."""
    line = {
        "type": "digital",
        "reference": "SOCKS-TRIAL",
        "name": "Monthly socks, first month free",
        "quantity": 1,
        "unit_price": 0,
        "tax_rate": 2000,
        "total_amount": 0,
        "total_tax_amount": 0,
        "subscription": dict(MONTHLY_SOCKS),
    }
    return {
        **{key: _GB_CART[key] for key in ("purchase_country", "purchase_currency", "locale")},
        "intent": "tokenize",
        "order_amount": 0,
        "order_tax_amount": 0,
        "order_lines": [line],
    }


def gb_cart_with_tees(tees: int) -> dict[str, Any]:
    """The worked GB cart with `tees` T-shirts at £10 (20 % VAT, tax rounded) instead of 2."""
    cart = gb_cart()
    total = 1000 * tees
    tax = (total * 2000 + 6000) // 12000  # total * 2000 / 12000, rounded half up
    cart["order_lines"][0].update(quantity=tees, total_amount=total, total_tax_amount=tax)
    cart.update(order_amount=total + 499, order_tax_amount=tax + 83)
    return cart


def se_session() -> dict[str, Any]:
    """Klarna's SE create-session example."""
    return copy.deepcopy(_SE_SESSION)


def tax_accepted() -> dict[str, Any]:
    """Klarna's accepted EU tax example."""
    return copy.deepcopy(_TAX_ACCEPTED)


def tax_rejected_at_item_level() -> dict[str, Any]:
    """Klarna's rejected tax example: 20 % claimed, but the taxes (11900, 580) imply 25 %.

    The order-level sum still matches (12480), so only the lines are rejected. (The 2019 page
    printed this payload as its EU example; restated with tax_rate 2500, the same amounts
    would be consistent.)
    """
    cart = tax_accepted()
    cart["order_tax_amount"] = 12480
    cart["order_lines"][0]["total_tax_amount"] = 11900
    cart["order_lines"][1]["total_tax_amount"] = 580
    return cart


def us_sales_tax() -> dict[str, Any]:
    """Klarna's US example with a separate sales-tax line."""
    return copy.deepcopy(_US_SALES_TAX)


def shopper_gb() -> dict[str, Any]:
    """Klarna's approved GB sample persona (sample customer data page)."""
    return copy.deepcopy(SHOPPER_GB)


def shopper_se() -> dict[str, Any]:
    """Klarna's approved SE sample persona (sample customer data page)."""
    return copy.deepcopy(SHOPPER_SE)


def shopper_us() -> dict[str, Any]:
    """Klarna's approved US sample persona (sample customer data page)."""
    return copy.deepcopy(SHOPPER_US)


def gb_customer_token_request() -> dict[str, Any]:
    """A generate-customer-token body for a GB subscription (the fields Klarna requires)."""
    return {
        "description": "Monthly socks",
        "intended_use": "SUBSCRIPTION",
        "locale": "en-GB",
        "purchase_country": "GB",
        "purchase_currency": "GBP",
    }
