"""In Chromium: the confirmation per market, the lookup from the footer, the shipping panel."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.pages.checkout import CheckoutPage, fill_address, shop_in
from tests.support.live_server import LiveServer
from tests.support.outbox import capture_mail

# Per market: the products, the category the shopper picks (Klarna's name) and what the page
# must then say about the plan and the taxes.
MARKETS = {
    "GB": ("Pay later.", "Pay in 30 days", "within 30 days of shipping", ["Includes VAT 20 %"]),
    "DE": ("Pay Now", "Paid in full", "nothing more to pay", ["VAT 19 %", "VAT 7 %"]),
    "SE": (
        "Slice it.",
        "3 instalments",
        "first instalment",
        ["Includes VAT 25 %", "Includes VAT 6 %"],
    ),
    "US": ("Pay later.", "Pay in 30 days", "within 30 days of shipping", ["Sales tax (NY, 4 %)"]),
}
PRODUCTS = ["Organic Cotton Tee", "Merino Hoodie", "The Bread Book"]


@pytest.fixture
def outbox(storefront_server: LiveServer) -> list[EmailMessage]:
    """The mails the live shop sends during the test."""
    return capture_mail(storefront_server.app)


@pytest.mark.parametrize("market", list(MARKETS))
def test_confirmation_shows_everything_per_market(
    page: Page,
    outbox: list[EmailMessage],
    console_errors: list[str],
    market: str,
) -> None:
    category, plan, next_step, taxes = MARKETS[market]
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, PRODUCTS)
    checkout.apply_coupon("WELCOME10")
    expect(page.locator("#payment-messages")).to_contain_text("Coupon WELCOME10 applied.")
    checkout.category(category).check()
    checkout.pay()
    checkout.expect_order_placed()
    expect(page.locator("#order-date")).to_have_attribute("datetime", re.compile(r"\d{4}-"))
    lines = page.locator(".order-line")
    expect(lines).to_have_count(3)
    for index in range(3):
        image = lines.nth(index).locator("img")
        expect(image).to_have_attribute("src", re.compile(r"^/static/img/products/"))
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    totals = page.locator("#order-totals")
    expect(totals).to_contain_text("Coupon WELCOME10")
    expect(totals).to_contain_text(re.compile(r"Shipping \((Standard|Pickup)"))
    breakdown = page.locator(".order-layout aside")
    for tax in taxes:
        expect(breakdown).to_contain_text(tax)
    expect(page.get_by_text("Sales tax")).to_have_count(1 if market == "US" else 0)
    expect(page.locator("#payment-method")).to_have_text(
        re.compile(f"{re.escape(category)} · {plan}")
    )
    expect(page.locator("#payment-next")).to_contain_text(next_step)
    # The hint's link, and the footer's, lead to the lookup.
    page.locator("#order-lookup-hint").get_by_role("link", name="Find your order").click()
    expect(page.get_by_role("heading", name="Find your order")).to_be_visible()
    assert len(outbox) == 1
    assert console_errors == []


def test_a_fresh_browser_is_told_why_and_finds_the_order_without_dashes(
    page: Page, browser: Browser, outbox: list[EmailMessage], base_url: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment("GB", ["Organic Cotton Tee"])
    checkout.pay()
    checkout.expect_order_placed()
    number = page.locator("#order-number").inner_text()
    email = outbox[0]["To"]
    fresh = browser.new_context(base_url=base_url).new_page()
    fresh.goto(f"/orders/{number}")
    expect(fresh.locator("#lookup-notice")).to_contain_text(
        "an order page opens only in the browser that placed the order"
    )
    expect(fresh.get_by_label("Order number")).to_have_value(number)
    fresh.goto("/")
    fresh.get_by_role("link", name="Find your order").click()
    fresh.get_by_label("Order number").fill(number.replace("-", "").lower())
    fresh.get_by_label("Email").fill(email)
    fresh.get_by_role("button", name="Find order").click()
    expect(fresh.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    fresh.context.close()


def test_the_shipping_panel_follows_the_pick(page: Page, console_errors: list[str]) -> None:
    page.goto("/")
    shop_in(page, "GB")
    page.get_by_role("button", name="Add to cart (Organic Cotton Tee)").click()
    expect(page.get_by_role("status")).to_contain_text("Added to your cart.")
    page.goto("/checkout/details")
    fill_address(page, "GB")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("radio", name=re.compile("^Standard delivery"))).to_be_checked()
    panel = page.locator("#shipping-totals")
    expect(panel).to_contain_text("Shipping (Standard delivery)")
    expect(page.locator(".flash")).to_have_count(0)
    page.get_by_role("radio", name=re.compile("^Next-day delivery")).check()
    expect(panel).to_contain_text("Shipping (Next-day delivery)")
    expect(panel).to_contain_text("£8.99")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/checkout/summary$"))
    assert console_errors == []
