"""Admin smoke in Chromium, at desktop and phone width: sign in, see the orders, open one."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.models import Order
from tests.support.admin import ADMIN_PASSWORD, ADMIN_USERNAME, create_account
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import pay

# Set SCREENSHOT_DIR to keep a picture of each admin page at each width.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOT_DIR:
        width = page.viewport_size["width"] if page.viewport_size else 0
        path = Path(SCREENSHOT_DIR) / f"admin-{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)


def expire_every_order_in(app: Flask, delay: timedelta) -> None:
    """Make every order's Klarna authorization expire `delay` from now."""
    with app.app_context():
        db.session.execute(sa.update(Order).values(authorization_expires_at=utcnow() + delay))
        db.session.commit()


@pytest.mark.parametrize("width", [1280, 390])
def test_admin_signs_in_sees_the_orders_and_opens_one(
    page: Page,
    storefront_server: LiveServer,
    emulator_server: LiveServer,
    console_errors: list[str],
    width: int,
) -> None:
    app = storefront_server.app
    create_account(app)
    app.test_client_class = ShopClient
    pay(app.test_client(), emulator_server, "GB")
    page.set_viewport_size({"width": width, "height": 900})

    page.goto("/admin/orders")
    expect(page).to_have_title("Sign in · Admin · Fjord & Field")
    screenshot(page, "login")
    page.get_by_label("Username").fill(ADMIN_USERNAME)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Orders", level=1)).to_be_visible()
    rows = page.locator("#orders tbody tr")
    expect(rows).to_have_count(1)
    screenshot(page, "orders")
    rows.first.get_by_role("link").click()

    expect(page.locator("#klarna-status")).to_have_text("AUTHORIZED")
    expect(page.locator("#payment-events li").first).to_be_visible()
    screenshot(page, "order")
    expire_every_order_in(app, timedelta(days=3))
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#expiring-orders tbody tr")).to_have_count(1)
    screenshot(page, "dashboard")
    page.get_by_role("link", name="Klarna settings").click()
    page.get_by_role("button", name="Switch Klarna off in United Kingdom").click()
    expect(page.locator('[data-market="GB"] .klarna-state')).to_have_text("Off")
    screenshot(page, "settings")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert console_errors == []
