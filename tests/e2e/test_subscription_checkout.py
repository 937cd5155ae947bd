"""In Chromium: a shopper subscribes on the product page and pays with the emulator's widget:
a subscription alone (`buy_and_tokenize`: an order and a customer token), a one-time item with
a subscription (`buy_and_default_tokenize`: one order, one token) and a free trial (`tokenize`:
a token, no order), then finds the subscription's next delivery. Each checks what Klarna (the
emulator's `/_emulator/state`) holds: the session's intent, its token, its order."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.pages.checkout import CheckoutPage, shop_in
from tests.support.live_server import LiveServer
from tests.support.payment_flow import control_client, klarna_operations


def subscribe_on_product_page(page: Page, market: str, slug: str, plan_label: str) -> None:
    """Choose the market, open the product, pick the plan and add it to the cart."""
    page.goto("/")
    shop_in(page, market)  # in English, whatever the market's language
    page.goto(f"/products/{slug}")
    page.get_by_label(plan_label).check()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Added to your cart.")


def klarna_holds(server: LiveServer, intent: str, orders: int) -> dict[str, Any]:
    """Check the emulator's state: one session with `intent` made the one customer token and
    `orders` orders; the state."""
    state: dict[str, Any] = control_client(server).get("/_emulator/state").get_json()
    [token] = state["customer_tokens"]
    [session] = [s for s in state["sessions"] if s["customer_token_ids"]]
    assert session["intent"] == token["intent"] == intent
    assert session["customer_token_ids"] == [token["token_id"]]
    assert token["status"] == "ACTIVE" and token["order_ids"] == []  # no renewal yet
    assert len(state["orders"]) == orders
    assert [order["order_id"] for order in state["orders"]] == (
        [session["order_id"]] if orders else []
    )
    return state


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
    klarna_holds(emulator_server, "buy_and_tokenize", orders=1)
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
    klarna_holds(emulator_server, "tokenize", orders=0)
    assert console_errors == []


def test_shopper_buys_a_one_time_item_with_a_subscription_in_one_checkout(
    page: Page, emulator_server: LiveServer, console_errors: list[str]
) -> None:
    subscribe_on_product_page(
        page, "DE", "field-journal-magazine", "Subscribe, delivered every month"
    )
    page.goto("/")
    page.get_by_role("button", name="Add to cart (Organic Cotton Tee)").click()
    expect(page.locator(".cart-count")).to_contain_text("(2 items")
    checkout = CheckoutPage(page)
    checkout.reach_payment("DE", [])
    checkout.pay()
    checkout.expect_order_placed()
    page.get_by_role("link", name="Your subscriptions").click()
    expect(page.get_by_role("heading", name="Field Journal (monthly magazine)")).to_be_visible()
    state = klarna_holds(emulator_server, "buy_and_default_tokenize", orders=1)
    [order] = state["orders"]
    names = [line["name"] for line in order["order_lines"]]
    assert "Organic Cotton Tee" in names and "Field Journal (monthly magazine)" in names
    assert klarna_operations(emulator_server).count("create_customer_token") == 1
    assert console_errors == []
