"""In Chromium, per market: add products, apply a coupon, enter addresses, choose shipping,
and see the totals the Klarna payload builder computes; and on each page of the way, every
control has a name and nothing scrolls sideways on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storefront.extensions import db
from storefront.klarna.bodies import purchase_body
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import MARKETS
from storefront.models import Cart
from storefront.services.carts import find_cart
from storefront.services.checkout import checkout_snapshot
from storefront.views.shopper import today
from tests.e2e.pages.checkout import SHIPPING, add_to_cart, fill_address, shop_in
from tests.support.live_server import LiveServer

# market -> (coupon, products to add, shipping method label starts with)
STORIES = {
    "US": ("WELCOME10", ["Organic Cotton Tee", "Dark Chocolate 72 %", "The Bread Book"], "2-day"),
    "GB": ("FREESHIP", ["Merino Hoodie", "Coffee Beans 500 g"], "Next-day"),
    "DE": ("TAKE10", ["Desk Lamp", "Nordic Walks"], "Express"),
    "SE": ("WELCOME10", ["Linen Throw", "Wildflower Honey", "Nordic Walks"], "Pickup"),
}


def payload_order_amount(server: LiveServer) -> int:
    """The order_amount the Klarna payload builder computes for the one cart in the shop."""
    app = server.app
    with app.test_request_context(base_url=server.url):
        token = db.session.scalars(sa.select(Cart.token)).one()
        snapshot = checkout_snapshot(find_cart(token), today=today())
        return purchase_body(klarna_purchase(snapshot), include_customer=True)["order_amount"]


@pytest.mark.parametrize("market", list(STORIES))
def test_checkout_totals_match_the_klarna_payload(
    page: Page, storefront_server: LiveServer, console_errors: list[str], market: str
) -> None:
    coupon, products, shipping = STORIES[market]
    page.goto("/")
    shop_in(page, market)
    add_to_cart(page, products)
    page.get_by_role("link", name="Cart").click()
    page.get_by_role("spinbutton", name=f"Quantity of {products[0]}").fill("3")
    page.get_by_role("button", name="Update quantity of " + products[0]).click()
    page.get_by_label("Coupon code").fill(coupon.lower())
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text(f"Coupon {coupon} applied.")
    page.get_by_role("link", name="Go to checkout").click()
    fill_address(page, market)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label(shipping).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Order summary", level=1)).to_be_visible()

    order_amount = payload_order_amount(storefront_server)
    total = page.locator("#order-total")
    expect(total).to_have_attribute("data-amount-minor", str(order_amount))
    expect(total).to_have_text(MARKETS[market].format_amount(order_amount))
    expect(
        page.get_by_text(f"You will pay {MARKETS[market].format_amount(order_amount)}")
    ).to_be_visible()
    assert console_errors == []


SHOPPING_PAGES = [
    "/",
    "/products/desk-lamp",
    "/cart",
    "/checkout/details",
    "/checkout/shipping",
    "/checkout/summary",
]
PHONE = {"width": 390, "height": 844}

# A control's accessible name as browsers compute it for the common cases used in the shop:
# aria-label, aria-labelledby, a <label>, or (for buttons) the text inside.
UNNAMED_CONTROLS = """
controls => controls.filter(el => el.offsetParent !== null).filter(el => {
  const byIds = (el.getAttribute('aria-labelledby') || '').split(' ')
    .map(id => document.getElementById(id)).filter(Boolean).map(l => l.textContent).join('');
  const byLabels = Array.from(el.labels || []).map(l => l.textContent).join('');
  const own = el.tagName === 'BUTTON' ? el.textContent : '';
  return !(el.getAttribute('aria-label') || byIds || byLabels || own).trim();
}).map(el => el.outerHTML)
"""


def shopping_pages(page: Page, market: str) -> Iterator[str]:
    """Shop in `market` from the home page to the summary, pausing on each page (by path).

    The details page pauses once submitted empty, with the errors beside its fields shown.
    """
    page.goto("/")
    shop_in(page, market)
    yield "/"
    page.goto("/products/desk-lamp")
    yield "/products/desk-lamp"
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Added to your cart.")
    page.get_by_role("link", name="Cart").click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    yield "/cart"
    page.get_by_role("link", name="Go to checkout").click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Enter at least two characters.").first).to_be_visible()
    yield "/checkout/details"
    fill_address(page, market)
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/checkout/shipping$"))
    yield "/checkout/shipping"
    page.get_by_label(re.compile(f"^{SHIPPING[market]}")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Order summary", level=1)).to_be_visible()
    yield "/checkout/summary"


@pytest.mark.parametrize("market", list(MARKETS))
def test_shopping_pages_name_every_control_and_fit_a_phone_sized_screen(
    page: Page, market: str
) -> None:
    desktop = page.viewport_size
    controls = page.locator("input:not([type=hidden]), select, textarea, button")
    seen = {}
    for path in shopping_pages(page, market):
        unnamed = controls.evaluate_all(UNNAMED_CONTROLS)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(desktop)
        seen[path] = {"unnamed": unnamed, "scrolls_sideways_px": max(0, width - PHONE["width"])}
    assert seen == {path: {"unnamed": [], "scrolls_sideways_px": 0} for path in SHOPPING_PAGES}
