"""In Chromium: the static headless demo page buys through GraphQL and Klarna's widget alone.

From an empty cart to the order, with authorize() confirmed in the emulator's dialog: exactly
one shop order and one Klarna order come out, for the amount the page showed.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storefront.extensions import db
from storefront.models import Order
from tests.e2e.pages.checkout import CheckoutPage
from tests.support.live_server import LiveServer
from tests.support.payment_flow import emulator_of
from tests.support.personas import PERSONAS

DEMO_PATH = "/static/headless/index.html"
# Any request the page sends to the shop other than GraphQL and its static files is a failure.
ALLOWED_PREFIXES = ("/graphql", "/static/")
# Notes (in the demo page) the widget iframe's height each time Buy is enabled: Buy must
# never be offered beside a blank (0 px) widget area.
WATCH_BUY = """
window.widgetHeightsWhenBuyEnabled = [];
document.addEventListener("DOMContentLoaded", () => {
  const buy = document.getElementById("buy-button");
  if (!buy) return; // Klarna's frames run this script too
  new MutationObserver(() => {
    if (buy.disabled) return;
    const frame = document.querySelector("#klarna-payments-container iframe");
    window.widgetHeightsWhenBuyEnabled.push(frame ? frame.getBoundingClientRect().height : 0);
  }).observe(buy, { attributes: true, attributeFilter: ["disabled"] });
});
"""


def fill_details(page: Page, market: str) -> None:
    """Type the market's Klarna persona into the demo's details form."""
    email, phone, address = PERSONAS[market]
    for label, value in (
        ("Email", email),
        ("Phone", phone),
        ("First name", address.given_name),
        ("Last name", address.family_name),
        ("Street address", address.street_address),
        ("Postal code", address.postal_code),
        ("City", address.city),
        ("State (US only)", address.region),
    ):
        page.get_by_label(label, exact=True).fill(value)


@pytest.mark.parametrize(("market", "width"), [("GB", 1280), ("US", 390)])
def test_headless_demo_buys_with_graphql_and_klarnas_widget(
    page: Page,
    storefront_server: LiveServer,
    emulator_server: LiveServer,
    console_errors: list[str],
    market: str,
    width: int,
) -> None:
    shop_paths: list[str] = []
    page.on(
        "request",
        lambda request: (
            shop_paths.append(request.url.removeprefix(storefront_server.url))
            if request.url.startswith(storefront_server.url)
            else None
        ),
    )
    page.set_viewport_size({"width": width, "height": 800})
    page.add_init_script(WATCH_BUY)
    page.goto(DEMO_PATH)
    page.get_by_label("Store").select_option(market.lower())
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-items")).to_contain_text("Organic Cotton Tee")
    expect(page.locator("#cart-items li")).to_have_count(1)
    fill_details(page, market)
    page.get_by_role("button", name="Save details").click()
    page.locator("#shipping-methods input").first.check()
    page.get_by_role("button", name="Choose shipping").click()
    expect(page.locator("#graphql-log")).to_contain_text("setShippingMethodsOnCart")
    page.get_by_role("button", name="Show Klarna").click()
    checkout = CheckoutPage(page)
    checkout.ready_to_buy()
    shown_total = checkout.total_minor()
    heights = page.evaluate("window.widgetHeightsWhenBuyEnabled")
    assert heights and min(heights) > 0, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    checkout.buy()
    checkout.confirm_in_dialog()

    expect(page.locator("#order-placed")).to_contain_text("is placed")
    with storefront_server.app.app_context():
        orders = db.session.scalars(sa.select(Order)).all()
    [order] = orders
    [klarna_order] = emulator_of(emulator_server).store.orders.values()
    assert order.status == "paid"
    assert order.total_minor == klarna_order.order_amount == shown_total
    assert order.number in page.locator("#order-placed").inner_text()
    assert console_errors == []
    assert all(path.startswith(ALLOWED_PREFIXES) for path in shop_paths), shop_paths
