"""In Chromium, one shopper story each: paying with the emulator's Klarna widget on the payment
page, from the first load to the order, through every answer Klarna's authorize() can give.

Every story runs in the US (net prices, sales tax by ship-to state) and in a European market,
so amounts are read from the page or the catalog, never written into a test.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import APIResponse, Page, Route, expect

from storefront import SHOP_NAME
from storefront.extensions import db
from storefront.klarna.playground_shoppers import Outcome, sample_email
from storefront.markets import MARKETS
from storefront.models import Cart, Order, Payment, Product, ProductPrice
from tests.e2e.pages.checkout import CheckoutPage
from tests.support.live_server import LiveServer
from tests.support.payment_flow import emulator_of, klarna_operations
from tests.support.polling import playwright_sleep, wait_until

HOUR = 3600
# The US and the European market each story also runs in.
US_AND_GB = pytest.mark.parametrize("market", ["US", "GB"])
QUANTITY_EDIT = re.compile(r".*/checkout/payment/items/[^/]+/quantity$")
SESSION_RECHECK = re.compile(r".*/checkout/payment/session$")
# Longer than the page (static/js/payment-page-edits.js) waits after a keystroke before it sends
# a typed quantity.
TYPING_PAUSE_MS = 1000


class HeldAnswer:
    """The page's next request to `url` reaches the shop at once; its answer waits for release()."""

    def __init__(self, page: Page, url: re.Pattern[str]) -> None:
        self.page = page
        self.held: list[tuple[Route, APIResponse]] = []
        page.route(url, lambda route: self.held.append((route, route.fetch())), times=1)

    def wait(self) -> None:
        """Wait until the shop has answered the request (and the page has not seen it)."""
        wait_until(lambda: self.held, sleep=playwright_sleep(self.page))

    def release(self) -> None:
        """Hand the held answer to the page."""
        route, answer = self.held[0]
        with self.page.expect_response(lambda response: response.url == route.request.url):
            route.fulfill(response=answer)


def orders_of(server: LiveServer) -> list[tuple[str, str]]:
    """(number, status) of every order in the live shop."""
    with server.app.app_context():
        rows = db.session.execute(sa.select(Order.number, Order.status)).all()
        return [(number, status) for number, status in rows]


def klarna_session_of(server: LiveServer) -> str | None:
    """The Klarna session id of the shop's only payment."""
    with server.app.app_context():
        return db.session.scalars(sa.select(Payment.klarna_session_id)).one()


def unit_price_minor(server: LiveServer, product: str, market: str) -> int:
    """A product's catalog price in a market, in minor units."""
    with server.app.app_context():
        return db.session.scalars(
            sa.select(ProductPrice.unit_price_minor)
            .join(Product)
            .where(Product.name == product, ProductPrice.market == market)
        ).one()


def pay_over_time_minimum(emulator: LiveServer, market: str) -> int:
    """The order amount from which the emulator offers "Slice it." in the market's currency."""
    minimums = emulator_of(emulator).settings.pay_over_time_minimum_minor
    return minimums[MARKETS[market].currency]


@pytest.mark.parametrize(
    ("market", "products"),
    [("US", ["Organic Cotton Tee", "The Bread Book"]), ("DE", ["Desk Lamp"])],
)
def test_shopper_pays_with_klarna_and_sees_the_order(
    page: Page,
    storefront_server: LiveServer,
    emulator_server: LiveServer,
    console_errors: list[str],
    market: str,
    products: list[str],
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, products)
    total = page.locator("#order-total").inner_text()
    checkout.ready_to_buy()
    expect(checkout.widget.locator("#plan")).to_contain_text(total)
    checkout.buy()
    expect(checkout.dialog.get_by_text(total, exact=True)).to_be_visible()
    # The emulator plays the shop's Klarna account, which names the shop.
    expect(checkout.dialog.get_by_text(f"Pay {SHOP_NAME}", exact=True)).to_be_visible()
    checkout.confirm_in_dialog()
    checkout.expect_order_placed()
    [(number, status)] = orders_of(storefront_server)
    expect(page.locator("#order-number")).to_have_text(number)
    expect(page.locator("#order-total")).to_have_text(total)
    expect(page.get_by_text("Accepted by Klarna")).to_be_visible()
    expect(page.locator(".cart-count")).to_contain_text("0")
    assert status == "paid"
    assert klarna_operations(emulator_server).count("create_order") == 1
    assert console_errors == []  # CSP violations would be reported here too


@US_AND_GB
def test_quantity_change_reloads_the_widget_with_the_new_amount_and_categories(
    page: Page,
    storefront_server: LiveServer,
    emulator_server: LiveServer,
    console_errors: list[str],
    market: str,
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    checkout.ready_to_buy()
    minimum = pay_over_time_minimum(emulator_server, market)
    assert checkout.total_minor() < minimum, "one tee must stay under the instalment threshold"
    expect(checkout.category("Slice it.")).to_have_count(0)
    one_tee = checkout.total.inner_text()
    # The fewest tees whose goods alone reach the threshold (tax and shipping only add to it).
    tees = -(-minimum // unit_price_minor(storefront_server, "Organic Cotton Tee", market))
    checkout.set_quantity("Organic Cotton Tee", tees)
    expect(checkout.total).not_to_have_text(one_tee)
    assert checkout.total_minor() >= minimum
    more_tees = checkout.total.inner_text()
    # From the emulator's threshold on, Klarna offers instalments too.
    expect(checkout.category("Slice it.")).to_be_visible()
    expect(checkout.widget.locator("#plan")).to_contain_text(more_tees)
    checkout.category("Slice it.").check()
    expect(checkout.widget.locator("#plan")).to_contain_text("3 interest-free payments")
    checkout.set_quantity("Organic Cotton Tee", 1)
    expect(checkout.category("Slice it.")).to_have_count(0)
    expect(checkout.widget.locator("#plan")).to_contain_text(one_tee)
    checkout.ready_to_buy()
    expect(page.locator("#buy-amount")).to_have_text(one_tee)
    assert klarna_operations(emulator_server).count("create_session") == 1
    assert console_errors == []


@pytest.mark.parametrize("market", ["US", "DE"])
def test_quantity_typed_while_the_last_edit_is_answered_is_the_one_that_stays(
    page: Page, storefront_server: LiveServer, console_errors: list[str], market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    checkout.ready_to_buy()
    first = HeldAnswer(page, QUANTITY_EDIT)
    checkout.set_quantity("Organic Cotton Tee", 2)
    first.wait()
    checkout.set_quantity("Organic Cotton Tee", 3)  # sent after its pause, or queued
    first.release()  # the answer for 2 arrives while 3 is still being typed
    checkout.ready_to_buy()  # every edit answered, the widget loaded again
    expect(checkout.quantity("Organic Cotton Tee")).to_have_value("3")
    expect(page.locator(".cart-count")).to_have_text("(3 items)")
    three_tees = checkout.total.inner_text()
    expect(checkout.widget.locator("#plan")).to_contain_text(three_tees)
    expect(page.locator("#buy-amount")).to_have_text(three_tees)
    page.reload()  # what the shop holds: the cart and the Klarna session of the last edit
    expect(checkout.quantity("Organic Cotton Tee")).to_have_value("3")
    expect(checkout.total).to_have_text(three_tees)
    assert console_errors == []


@US_AND_GB
def test_session_recheck_answered_late_does_not_undo_a_newer_quantity_change(
    page: Page, storefront_server: LiveServer, emulator_server: LiveServer, market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    checkout.ready_to_buy()
    emulator_of(emulator_server).store.advance_clock(49 * HOUR)
    recheck = HeldAnswer(page, SESSION_RECHECK)
    page.reload()  # the widget cannot load the expired session: the page asks the shop
    recheck.wait()  # the shop replaced the session; its answer (one tee) is late
    checkout.set_quantity("Organic Cotton Tee", 2)
    page.wait_for_timeout(TYPING_PAUSE_MS)  # the page has sent the new quantity, or queued it
    recheck.release()
    checkout.ready_to_buy()  # every edit answered, the widget loaded again
    expect(checkout.quantity("Organic Cotton Tee")).to_have_value("2")
    two_tees = checkout.total.inner_text()
    expect(checkout.widget.locator("#plan")).to_contain_text(two_tees)
    page.reload()
    expect(checkout.total).to_have_text(two_tees)


@pytest.mark.parametrize("market", ["US", "DE"])
def test_coupon_on_the_payment_page_reloads_the_widget_with_the_discount(
    page: Page, storefront_server: LiveServer, console_errors: list[str], market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Desk Lamp"])
    checkout.ready_to_buy()
    before, before_minor = checkout.total.inner_text(), checkout.total_minor()
    checkout.apply_coupon("take10")
    expect(page.locator("#payment-messages")).to_contain_text("Coupon TAKE10 applied.")
    expect(checkout.total).not_to_have_text(before)
    assert checkout.total_minor() < before_minor
    after = checkout.total.inner_text()
    expect(checkout.widget.locator("#plan")).to_contain_text(after)
    checkout.pay()
    checkout.expect_order_placed()
    expect(checkout.total).to_have_text(after)
    assert console_errors == []


# DE too, so an EU member state runs it (GB stands for Europe in most stories).
@pytest.mark.parametrize("market", ["US", "GB", "DE"])
def test_denied_shopper_is_told_and_klarna_is_hidden_for_the_cart(
    page: Page, storefront_server: LiveServer, market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(
        market, ["Organic Cotton Tee"], email=sample_email(market, Outcome.DECLINED)
    )
    checkout.pay()
    expect(checkout.dialog.get_by_text("Klarna can't approve this purchase")).to_be_visible()
    checkout.dialog.get_by_role("button", name="Back to the shop").click()
    expect(page.locator("#klarna-problem")).to_contain_text("Klarna cannot accept this purchase")
    expect(checkout.buy_button).to_be_hidden()
    page.reload()
    expect(page.locator("#klarna-problem")).to_contain_text("Klarna cannot accept this purchase")
    expect(checkout.buy_button).to_be_hidden()
    assert orders_of(storefront_server) == []


def test_declined_shopper_who_changes_the_email_can_buy_with_klarna(
    page: Page, storefront_server: LiveServer, console_errors: list[str]
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment("GB", ["Organic Cotton Tee"], email="customer+denied@email.uk")
    checkout.pay()
    checkout.dialog.get_by_role("button", name="Back to the shop").click()
    problem = page.locator("#klarna-problem")
    expect(problem).to_contain_text("To ask Klarna again, change your e-mail")
    expect(page.get_by_text("in the next window")).to_be_hidden()
    checkout.change_email("customer@email.uk")
    expect(problem).to_be_hidden()
    expect(page.get_by_text("in the next window")).to_be_visible()
    checkout.pay()
    checkout.expect_order_placed()
    assert [status for _, status in orders_of(storefront_server)] == ["paid"]
    assert console_errors == []


@US_AND_GB
def test_shopper_who_closes_klarna_can_buy_again(
    page: Page, storefront_server: LiveServer, market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    checkout.ready_to_buy()
    checkout.buy()
    checkout.dialog.get_by_role("button", name="Close").click()
    expect(checkout.status).to_contain_text("You closed Klarna before finishing")
    expect(checkout.buy_button).to_be_enabled()
    assert orders_of(storefront_server) == []
    checkout.pay()
    checkout.expect_order_placed()


@pytest.fixture
def two_step_payment(storefront_server: LiveServer) -> Iterator[None]:
    """The shop configured with KLARNA_AUTO_FINALIZE = False for one test."""
    config = storefront_server.app.config
    config["KLARNA_AUTO_FINALIZE"] = False
    yield
    config["KLARNA_AUTO_FINALIZE"] = True


@pytest.fixture
def category_mode(request: pytest.FixtureRequest, emulator_server: LiveServer) -> Iterator[str]:
    """The emulator's CATEGORY_MODE for one test: "split" unless parametrized indirectly."""
    emulator = emulator_of(emulator_server)
    configured = emulator.settings
    mode = getattr(request, "param", configured.category_mode)
    # Payments keeps its own reference to the settings: it decides which categories are offered.
    emulator.settings = emulator.payments.settings = dataclasses.replace(
        configured, category_mode=mode
    )
    yield mode
    emulator.settings = emulator.payments.settings = configured


@pytest.mark.usefixtures("two_step_payment")
@pytest.mark.parametrize(
    ("market", "category_mode", "category"),
    [
        # US accounts get no Pay Now; Klarna's single "klarna" category needs finalize() too.
        ("US", "klarna", "Pay with Klarna"),
        ("SE", "split", "Pay Now"),
    ],
    indirect=["category_mode"],
)
def test_payment_that_needs_finalize_asks_a_last_confirmation_then_places_the_order(
    page: Page,
    storefront_server: LiveServer,
    console_errors: list[str],
    market: str,
    category_mode: str,
    category: str,
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Linen Throw"])
    checkout.category(category).check()
    checkout.pay()
    expect(checkout.status).to_contain_text("press Confirm payment")
    expect(checkout.buy_button).to_contain_text("Confirm payment")
    assert orders_of(storefront_server) == []
    checkout.buy()  # finalize() from the shopper's click
    expect(checkout.dialog).to_have_accessible_name("Confirm your payment")
    checkout.confirm_in_dialog()
    checkout.expect_order_placed()
    assert [status for _, status in orders_of(storefront_server)] == ["paid"]
    assert console_errors == []


@US_AND_GB
def test_double_click_on_buy_gives_one_order(
    page: Page, storefront_server: LiveServer, emulator_server: LiveServer, market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    checkout.ready_to_buy()
    checkout.buy_button.dblclick()
    expect(page.locator("iframe[title='Klarna purchase']")).to_have_count(1)
    checkout.confirm_in_dialog()
    checkout.expect_order_placed()
    assert len(orders_of(storefront_server)) == 1
    assert len(emulator_of(emulator_server).store.orders) == 1


@US_AND_GB
def test_tab_closed_right_after_authorizing_still_gives_one_order(
    page: Page, storefront_server: LiveServer, emulator_server: LiveServer, market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    place_order = re.compile(r".*/checkout/payment/place$")
    page.route(place_order, lambda route: route.abort())  # the tab is gone before it posts
    with page.expect_request(place_order) as never_arrives:
        checkout.pay()
    assert never_arrives.value.method == "POST"
    page.close()
    # Klarna's authorization callback (the emulator sends it a second after approval).
    placed = wait_until(lambda: [s for _, s in orders_of(storefront_server) if s != "placing"])
    assert placed == ["paid"]
    assert len(emulator_of(emulator_server).store.orders) == 1


@US_AND_GB
def test_session_expired_by_the_emulators_clock_is_replaced_without_the_shopper_noticing(
    page: Page, storefront_server: LiveServer, emulator_server: LiveServer, market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    checkout.ready_to_buy()
    one_tee = checkout.total.inner_text()
    first_session = klarna_session_of(storefront_server)
    emulator_of(emulator_server).store.advance_clock(49 * HOUR)
    checkout.set_quantity("Organic Cotton Tee", 2)
    expect(checkout.total).not_to_have_text(one_tee)
    expect(checkout.widget.locator("#plan")).to_contain_text(checkout.total.inner_text())
    assert klarna_session_of(storefront_server) != first_session
    checkout.pay()
    checkout.expect_order_placed()
    assert [status for _, status in orders_of(storefront_server)] == ["paid"]


@US_AND_GB
def test_details_klarna_refuses_are_pointed_out_next_to_the_fields(
    page: Page, storefront_server: LiveServer, market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    # As if the shop had stored an address Klarna refuses (its own checks prevent that).
    with storefront_server.app.app_context():
        db.session.execute(sa.update(Cart).values(email="customer@email"))
        db.session.commit()
    page.reload()
    checkout.ready_to_buy()
    checkout.buy()  # Klarna answers invalid_fields without opening its dialog
    expect(checkout.status).to_contain_text("Klarna could not accept Email")
    expect(page.get_by_label("Email")).to_be_focused()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    assert orders_of(storefront_server) == []


@US_AND_GB
def test_session_expired_before_a_reload_is_replaced_when_the_widget_cannot_load_it(
    page: Page, storefront_server: LiveServer, emulator_server: LiveServer, market: str
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment(market, ["Organic Cotton Tee"])
    checkout.ready_to_buy()
    first_session = klarna_session_of(storefront_server)
    emulator_of(emulator_server).store.advance_clock(49 * HOUR)
    page.reload()  # the shop's clock says the session is fine; Klarna's widget says otherwise
    checkout.ready_to_buy()
    assert klarna_session_of(storefront_server) != first_session
    checkout.pay()
    checkout.expect_order_placed()
