"""In Chromium: a shopper subscribes on the product page and pays with the emulator's widget:
a subscription alone (`buy_and_tokenize`: an order and a customer token) and a free trial
(`tokenize`: a token, no order), then finds the subscription's next delivery."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.pages.checkout import CheckoutPage
from tests.support.live_server import LiveServer
from tests.support.payment_flow import emulator_of, klarna_operations


def subscribe_on_product_page(page: Page, market: str, slug: str, plan_label: str) -> None:
    """Choose the market, open the product, pick the plan and add it to the cart."""
    page.goto("/")
    page.get_by_label("Country").select_option(market)
    page.get_by_role("button", name="Change").click()
    page.goto(f"/products/{slug}")
    page.get_by_label(plan_label).check()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Added to your cart.")


def test_shopper_subscribes_and_pays_the_first_delivery_now(
    page: Page, emulator_server: LiveServer, console_errors: list[str]
) -> None:
    subscribe_on_product_page(page, "GB", "coffee-beans", "Subscribe, delivered every 2 weeks")
    checkout = CheckoutPage(page)
    checkout.reach_payment("GB", [])
    checkout.pay()
    checkout.expect_order_placed()
    page.get_by_role("link", name="Your subscriptions").click()
    expect(page.get_by_role("heading", name="Coffee Beans 500 g")).to_be_visible()
    expect(page.locator(".next-delivery")).to_contain_text("Next delivery")
    store = emulator_of(emulator_server).store
    assert len(store.orders) == 1 and len(store.customer_tokens) == 1
    assert klarna_operations(emulator_server).count("create_customer_token") == 1
    assert console_errors == []


def test_shopper_starts_a_free_trial_with_nothing_to_pay_today(
    page: Page, emulator_server: LiveServer, console_errors: list[str]
) -> None:
    subscribe_on_product_page(page, "DE", "tea-club-box", "Subscribe, delivered every month")
    checkout = CheckoutPage(page)
    checkout.reach_payment("DE", [])
    expect(checkout.total).to_have_attribute("data-amount-minor", "0")
    checkout.pay()
    expect(page.get_by_role("heading", name="Your subscriptions")).to_be_visible()
    expect(page.get_by_role("heading", name="Tea Club Box")).to_be_visible()
    store = emulator_of(emulator_server).store
    assert not store.orders and len(store.customer_tokens) == 1
    assert console_errors == []
