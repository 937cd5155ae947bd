"""In Chromium, each of Klarna's playground shoppers through the shop, chosen with the payment
page's "Test data" box (KLARNA_TEST_DATA): approved, declined, held then accepted, held then
rejected, the shopper Klarna shows no form to, and, for a subscription, the shopper whose
renewals Klarna declines.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from storefront.klarna.playground_shoppers import Outcome, playground_shoppers, sample_email
from tests.e2e.pages.checkout import CheckoutPage
from tests.e2e.test_klarna_checkout import orders_of
from tests.e2e.test_subscription_checkout import subscribe_on_product_page
from tests.support.live_server import LiveServer
from tests.support.payment_flow import decide_pending_orders, klarna_operations
from tests.support.polling import playwright_sleep, wait_until
from tests.support.subscriptions import renew


@pytest.fixture
def test_data_box(storefront_server: LiveServer) -> Iterator[None]:
    """The shop in demo mode (KLARNA_TEST_DATA on) for one test, as `python app.py` runs it."""
    config = storefront_server.app.config
    config["KLARNA_TEST_DATA"] = True
    yield
    config["KLARNA_TEST_DATA"] = False


def checkout_as(page: Page, market: str, outcome: Outcome) -> CheckoutPage:
    """Reach the payment page in `market` and switch to the outcome's e-mail with the box."""
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    checkout.use_test_email(sample_email(market, outcome))
    return checkout


def test_the_box_is_off_unless_the_shop_is_in_demo_mode(page: Page) -> None:
    CheckoutPage(page).reach_payment("US", ["Organic Cotton Tee"])
    expect(page.get_by_role("heading", name="Test data")).to_have_count(0)


@pytest.mark.usefixtures("test_data_box")
@pytest.mark.parametrize("market", ["US", "SE"])
def test_the_box_lists_the_markets_playground_shoppers(page: Page, market: str) -> None:
    CheckoutPage(page).reach_payment(market, ["Organic Cotton Tee"])
    box = page.locator("#test-data")
    expect(box.get_by_role("heading", name="Test data")).to_be_visible()
    emails = [shopper.email for shopper in playground_shoppers(market)]
    expect(box.locator("code")).to_have_text(emails)
    for email in emails:
        expect(box.get_by_role("button", name=f"Use {email}", exact=True)).to_be_visible()


@pytest.mark.usefixtures("test_data_box")
@pytest.mark.parametrize("market", ["US", "SE"])
def test_approved_shopper_gets_a_paid_order(
    page: Page, storefront_server: LiveServer, console_errors: list[str], market: str
) -> None:
    checkout = checkout_as(page, market, Outcome.APPROVED)
    checkout.pay()
    checkout.expect_order_placed()
    assert [status for _, status in orders_of(storefront_server)] == ["paid"]
    assert console_errors == []


@pytest.mark.usefixtures("test_data_box")
@pytest.mark.parametrize("market", ["GB", "DE"])
def test_declined_shopper_is_told_and_gets_no_order(
    page: Page, storefront_server: LiveServer, market: str
) -> None:
    checkout = checkout_as(page, market, Outcome.DECLINED)
    checkout.pay()
    expect(checkout.dialog.get_by_text("Klarna can't approve this purchase")).to_be_visible()
    checkout.dialog.get_by_role("button", name="Back to the shop").click()
    expect(page.locator("#klarna-problem")).to_contain_text("Klarna cannot accept this purchase")
    expect(checkout.buy_button).to_be_hidden()
    assert orders_of(storefront_server) == []


@pytest.mark.usefixtures("test_data_box")
@pytest.mark.parametrize(
    ("market", "outcome", "status", "shown"),
    [
        ("US", Outcome.HELD_THEN_ACCEPTED, "paid", "Accepted by Klarna"),
        ("GB", Outcome.HELD_THEN_REJECTED, "rejected", "Klarna did not accept this purchase"),
    ],
)
def test_held_shopper_waits_for_klarnas_review_then_sees_its_decision(
    page: Page,
    storefront_server: LiveServer,
    emulator_server: LiveServer,
    market: str,
    outcome: Outcome,
    status: str,
    shown: str,
) -> None:
    checkout = checkout_as(page, market, outcome)
    checkout.pay()
    expect(
        page.get_by_role("heading", name="Thank you: your order is being reviewed")
    ).to_be_visible()
    assert [s for _, s in orders_of(storefront_server)] == ["on_hold"]
    # Five minutes pass on Klarna's clock: it decides and notifies the shop.
    decide_pending_orders(emulator_server)
    wait_until(
        lambda: [s for _, s in orders_of(storefront_server)] == [status],
        sleep=playwright_sleep(page),
    )
    page.reload()
    expect(page.locator("#payment-state")).to_contain_text(shown)


@pytest.mark.usefixtures("test_data_box")
@pytest.mark.parametrize("market", ["US", "DE"])
def test_shopper_klarna_shows_no_form_to_is_offered_no_klarna(
    page: Page, storefront_server: LiveServer, emulator_server: LiveServer, market: str
) -> None:
    checkout = checkout_as(page, market, Outcome.FORM_HIDDEN)
    checkout.ready_to_buy()
    checkout.buy()  # Klarna first sees the e-mail here: it answers at once, with no dialog
    expect(page.locator("#klarna-problem")).to_contain_text("Klarna cannot accept this purchase")
    expect(checkout.buy_button).to_be_hidden()
    expect(checkout.page.locator("#klarna-payments-container")).to_be_hidden()
    expect(checkout.dialog).to_have_count(0)
    assert orders_of(storefront_server) == []
    assert "create_order" not in klarna_operations(emulator_server)


@pytest.mark.usefixtures("test_data_box")
def test_with_a_subscription_the_box_offers_the_renewal_shoppers_whose_renewal_pauses(
    page: Page, storefront_server: LiveServer, console_errors: list[str]
) -> None:
    subscribe_on_product_page(page, "GB", "coffee-beans", "Subscribe, delivered every 2 weeks")
    checkout = CheckoutPage(page)
    checkout.reach_payment("GB", [])
    emails = [shopper.email for shopper in playground_shoppers("GB", subscriptions=True)]
    expect(page.locator("#test-data code")).to_have_text(emails)
    checkout.use_test_email(sample_email("GB", Outcome.RENEWALS_DECLINED))
    checkout.pay()
    checkout.expect_order_placed()
    # The first renewal falls due: Klarna declines it and the subscription pauses.
    renew(storefront_server.app, datetime.now(UTC) + timedelta(days=15))
    page.get_by_role("link", name="Your subscriptions").click()
    subscription = page.locator(".subscription")
    expect(subscription).to_contain_text("Paused: Klarna could not charge the saved payment method")
    expect(subscription.get_by_role("button", name="Skip next delivery")).to_have_count(0)
    assert console_errors == []
