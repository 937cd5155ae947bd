"""The merchant's back office in Chromium: capture, refund, cancel and release from an order's
page, and after each step the page shows what Klarna (the emulator) holds."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from storefront.extensions import db
from storefront.markets import MARKETS
from storefront.models import Order
from tests.support.admin import ADMIN_PASSWORD, ADMIN_USERNAME, create_account
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import authorize, emulator_of, open_payment_page, place

TWO_LINES = (("TEE-ORG", 1), ("MUG-STN", 1))
money = MARKETS["GB"].format_amount


def place_two_line_order(app: Flask, emulator_server: LiveServer) -> str:
    """A GB order of a tee and a mug, placed by a shopper of its own; its number."""
    app.test_client_class = ShopClient
    shopper: ShopClient = app.test_client()  # type: ignore[assignment]
    state = open_payment_page(shopper, "GB", TWO_LINES)
    assert (
        place(shopper, state, authorize(emulator_server, state)["authorization_token"]).status_code
        == 303
    )
    with app.app_context():
        return db.session.scalars(sa.select(Order.number).order_by(Order.id.desc())).first() or ""


def expect_same_as_klarna(page: Page, app: Flask, emulator_server: LiveServer, number: str) -> None:
    """The order page's captured, refunded and remaining amounts are the emulator's."""
    with app.app_context():
        klarna_id = db.session.scalars(
            sa.select(Order.klarna_order_id).where(Order.number == number)
        ).one()
    klarna = emulator_of(emulator_server).store.orders[klarna_id or ""]
    expected = {
        "#shop-captured": klarna.captured_amount,
        "#klarna-captured": klarna.captured_amount,
        "#shop-refunded": klarna.refunded_amount,
        "#klarna-refunded": klarna.refunded_amount,
        "#shop-remaining": klarna.remaining_authorized_amount,
        "#klarna-remaining": klarna.remaining_authorized_amount,
    }
    for selector, amount in expected.items():
        expect(page.locator(selector)).to_have_text(money(amount))


def sign_in(page: Page) -> None:
    page.goto("/admin/login")
    page.get_by_label("Username").fill(ADMIN_USERNAME)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def test_capture_refund_cancel_and_release_match_klarna(
    page: Page,
    storefront_server: LiveServer,
    emulator_server: LiveServer,
    console_errors: list[str],
) -> None:
    app = storefront_server.app
    create_account(app)
    shipped_in_two, cancelled, released = (
        place_two_line_order(app, emulator_server) for _ in range(3)
    )
    sign_in(page)

    # 1. Capture the tee with a tracking number, then the rest.
    page.goto(f"/admin/orders/{shipped_in_two}")
    capture = page.locator("#capture")
    capture.locator("#capture-lines-1").fill("0")
    capture.get_by_label("Shipping company").fill("DHL")
    capture.get_by_label("Shipping method").select_option("Home")
    capture.get_by_label("Tracking number").fill("TRACK-0001")
    capture.get_by_role("button", name="Capture the units chosen").click()
    expect(page.get_by_text("Captured.")).to_be_visible()
    expect(page.locator("#capture-1 .tracking-number")).to_have_text("TRACK-0001")
    expect(page.locator(".status").first).to_have_text("part captured")
    expect_same_as_klarna(page, app, emulator_server, shipped_in_two)
    page.locator("#capture").get_by_role("button", name="Capture everything left").click()
    expect(page.locator("#capture-2")).to_be_visible()
    expect(page.locator(".status").first).to_have_text("captured")
    expect_same_as_klarna(page, app, emulator_server, shipped_in_two)

    # 2. Refund the mug.
    refund = page.locator("#refund")
    refund.locator("#refund-lines-1").fill("1")
    refund.get_by_label("Reason (optional)").fill("Arrived broken")
    refund.get_by_role("button", name="Refund the units chosen").click()
    expect(page.get_by_text("Refunded.")).to_be_visible()
    expect(page.locator("#refund-1")).to_contain_text("Arrived broken")
    expect(page.locator(".status").first).to_have_text("part refunded")
    expect_same_as_klarna(page, app, emulator_server, shipped_in_two)

    # 3. Cancel another order.
    page.goto(f"/admin/orders/{cancelled}")
    page.get_by_role("button", name="Cancel the order").click()
    expect(page.get_by_text("Order cancelled.")).to_be_visible()
    expect(page.locator("#klarna-status")).to_have_text("CANCELLED")
    expect(page.locator("#capture")).to_have_count(0)
    expect_same_as_klarna(page, app, emulator_server, cancelled)

    # 4. Capture the tee of a third, then release the rest.
    page.goto(f"/admin/orders/{released}")
    page.locator("#capture-lines-1").fill("0")
    page.get_by_role("button", name="Capture the units chosen").click()
    expect(page.get_by_text("Captured.")).to_be_visible()
    expect_same_as_klarna(page, app, emulator_server, released)
    page.get_by_role("button", name="Release the rest").click()
    expect(page.get_by_text("The rest of the authorization is released.")).to_be_visible()
    expect(page.locator("#klarna-status")).to_have_text("CAPTURED")
    expect_same_as_klarna(page, app, emulator_server, released)
    assert console_errors == []
