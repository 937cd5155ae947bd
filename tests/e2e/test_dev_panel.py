"""In Chromium, with KLARNA_DEV_PANEL on: a purchase with the "Klarna calls" panel open lists
each Klarna call as the emulator logged it, the browser's authorize() result, and nothing
personal or secret."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from storefront import create_app
from storefront.extensions import db
from storefront.models import Order, Payment
from tests.conftest import storefront_config
from tests.e2e.pages.checkout import CheckoutPage
from tests.support.live_server import LiveServer
from tests.support.payment_flow import emulator_of
from tests.support.personas import PERSONAS

PRODUCT = "Organic Cotton Tee"


@pytest.fixture(scope="module")
def panel_server(
    storefront_server: LiveServer, database_url: str, emulator_server: LiveServer
) -> Iterator[LiveServer]:
    """A second live shop on the run's database (its tables exist), with the panel on."""
    config = storefront_config(database_url, emulator_server.url) | {"KLARNA_DEV_PANEL": True}
    server = LiveServer(create_app(config)).start()
    yield server
    server.stop()


@pytest.fixture
def browser_context_args(
    browser_context_args: dict[str, Any], panel_server: LiveServer
) -> dict[str, Any]:
    """This module's pages are the panel shop's."""
    return {**browser_context_args, "base_url": panel_server.url}


def open_panel(page: Page) -> Locator:
    """Open the collapsed panel; its rows."""
    page.locator("#klarna-calls-panel > summary").click()
    expect(page.locator("#klarna-calls-panel")).to_have_attribute("open", "")
    return page.locator("#klarna-calls .dev-call")


def row(page: Page, operation: str) -> Locator:
    """The panel's rows of one operation."""
    return page.locator(f'#klarna-calls .dev-call[data-operation="{operation}"]')


def test_the_panel_lists_a_purchases_klarna_calls_as_klarna_logged_them(
    page: Page, panel_server: LiveServer, emulator_server: LiveServer
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment("GB", [PRODUCT])
    open_panel(page)
    checkout.ready_to_buy()
    expect(row(page, "create_session")).to_have_count(1)
    expect(row(page, "load")).to_have_count(1)

    checkout.set_quantity(PRODUCT, 2)
    expect(row(page, "update_session")).to_have_count(1)  # without a reload
    expect(row(page, "read_session")).to_have_count(1)
    checkout.pay()
    checkout.expect_order_placed()

    rows = open_panel(page)
    operations = [
        operation for operation in rows.evaluate_all("rs => rs.map(r => r.dataset.operation)")
    ]
    api_calls = ["create_session", "update_session", "read_session", "create_order"]
    assert [operation for operation in operations if operation in api_calls] == api_calls
    assert operations.index("authorize") < operations.index("create_order")
    expect(row(page, "authorize").locator(".dev-call-status")).to_contain_text("approved: true")
    logged = {
        record.operation: (str(record.status), record.correlation_id)
        for record in emulator_of(emulator_server).store.requests
        if record.operation in api_calls
    }
    for operation in api_calls:
        status, correlation_id = logged[operation]
        expect(row(page, operation).locator(".dev-call-status")).to_have_text(status)
        expect(row(page, operation).locator(".dev-call-correlation")).to_have_text(correlation_id)

    panel = page.locator("#klarna-calls-panel").inner_html()
    with panel_server.app.app_context():
        order = db.session.scalars(sa.select(Order)).one()
        payment = db.session.get_one(Payment, order.payment_id)
        secrets = [order.klarna_authorization_token, payment.client_token, payment.callback_secret]
    email, phone, address = PERSONAS["GB"]
    personal = [email, phone, address.given_name, address.family_name, address.street_address]
    for value in [*personal, *secrets]:
        assert value and value not in panel
