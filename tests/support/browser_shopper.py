"""A shopper in Playwright's browser reaching checkout states without reading page text (so in
any language): forms are posted with the page's CSRF token and the browser's own cookies."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.support.live_server import LiveServer
from tests.support.payment_flow import authorize, widget_state_in
from tests.support.shopping import FIRST_SHIPPING_METHOD, details_form

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def post_form(page: Page, path: str, data: dict[str, str]) -> str:
    """POST a form as the shopper's browser (its cookies, the page's CSRF token); final URL."""
    match = CSRF.search(page.content())
    assert match, f"{page.url} renders no csrf-token meta tag"
    answer = page.request.post(path, form={"csrf_token": match.group(1), **data})
    assert answer.ok, f"POST {path}: {answer.status}"
    return answer.url


def choose_market(page: Page, market: str, language: str | None = None) -> None:
    """Open the home page in the market, in its own language or the one given."""
    page.goto("/")
    if language is not None:
        post_form(page, "/language", {"language": language})
    post_form(page, "/market", {"market": market})
    page.goto("/")


def reach_payment(page: Page, market: str, sku: str = "TEE-ORG", **changes: str) -> dict[str, Any]:
    """Add the product, enter the market's persona (with `changes`) and its first shipping
    method, open the payment page and wait for the widget; the page's widget state."""
    post_form(page, "/cart/add", {"sku": sku, "quantity": "1"})
    post_form(page, "/checkout/details", details_form(market, **changes))
    post_form(page, "/checkout/shipping", {"method": FIRST_SHIPPING_METHOD[market]})
    page.goto("/checkout/payment")
    expect(page.locator("#buy-button")).to_be_enabled()  # the widget has loaded
    return widget_state_in(page.content())


def place_authorized(page: Page, emulator: LiveServer, state: dict[str, Any]) -> None:
    """Authorize the page's session as the widget would, place the order, open its page."""
    token = authorize(emulator, state)["authorization_token"]
    form = {
        "authorization_token": token,
        "klarna_session_id": state["session_id"],
        "purchase_fingerprint": state["purchase_fingerprint"],
    }
    page.goto(post_form(page, "/checkout/payment/place", form))
