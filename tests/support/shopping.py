"""Shopping steps for the Flask test client: fill a cart and the checkout like a shopper."""

from __future__ import annotations

import html
import re

from werkzeug.test import TestResponse

from tests.support.client import ShopClient
from tests.support.personas import PERSONAS

FIRST_SHIPPING_METHOD = {"US": "standard", "GB": "standard", "DE": "standard", "SE": "pickup_point"}
FLASH = re.compile(r'<li class="flash flash-(\w+)">([^<]*)</li>')


def switch_market(client: ShopClient, market: str) -> TestResponse:
    """Choose the market in the header switcher."""
    return client.post_form("/market", {"market": market})


def add(client: ShopClient, sku: str, quantity: int | str = 1, **extra: str) -> TestResponse:
    """Post the add-to-cart form."""
    return client.post_form("/cart/add", {"sku": sku, "quantity": str(quantity), **extra})


def details_form(market: str, **changes: str) -> dict[str, str]:
    """The details form filled with Klarna's approved persona for the market."""
    email, phone, address = PERSONAS[market]
    data = {"email": email, "phone": phone, "ship_to_billing": "y"}
    for field in ("given_name", "family_name", "street_address", "street_address2"):
        data[f"billing-{field}"] = getattr(address, field)
    data |= {
        "billing-postal_code": address.postal_code,
        "billing-city": address.city,
        "billing-region": address.region,
    }
    return data | changes


def complete_checkout(client: ShopClient, market: str, **changes: str) -> TestResponse:
    """Enter the persona's details (`changes`: fields to differ) and the first shipping method;
    return the summary page."""
    client.post_form("/checkout/details", details_form(market, **changes))
    client.post_form("/checkout/shipping", {"method": FIRST_SHIPPING_METHOD[market]})
    return client.get("/checkout/summary")


def flashes(client: ShopClient) -> list[tuple[str, str]]:
    """The (category, message) flashes the next page shows."""
    page = client.get("/cart").get_data(as_text=True)
    return [(category, html.unescape(text)) for category, text in FLASH.findall(page)]
