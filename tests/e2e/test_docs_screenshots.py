"""The README's pictures: the payment page with Klarna's widget (desktop and phone), Klarna's
purchase dialog, and the confirmation, each taken after checking the page shows what it should.

Every run takes them into a temporary folder; `python -m tests.screenshots` runs this module with
SCREENSHOT_DIR=static/docs to refresh the committed copies.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages.checkout import CheckoutPage

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """Where the pictures go: SCREENSHOT_DIR if set, else a temporary folder."""
    return Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)


def test_screenshots_of_the_klarna_checkout(
    page: Page, screenshot_dir: Path, console_errors: list[str]
) -> None:
    checkout = CheckoutPage(page)
    checkout.reach_payment("GB", ["Merino Hoodie", "Coffee Beans 500 g"])
    checkout.ready_to_buy()
    expect(checkout.category("Slice it.")).to_be_visible()
    expect(checkout.widget.locator("#plan")).to_contain_text(
        page.locator("#order-total").inner_text()
    )
    shots = {"checkout-widget.png": page.screenshot(full_page=True)}

    page.set_viewport_size(PHONE)
    checkout.ready_to_buy()
    expect(checkout.widget.locator("#plan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # A viewport as tall as the page: Chromium's full-page capture can leave iframes blank.
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": PHONE["width"], "height": height})
    expect(checkout.widget.locator("#plan")).to_be_visible()
    shots["checkout-widget-phone.png"] = page.screenshot()

    page.set_viewport_size({"width": 1280, "height": 800})
    checkout.buy()
    expect(checkout.dialog.get_by_label("Verification code")).to_be_visible()
    shots["klarna-purchase-dialog.png"] = page.screenshot()

    checkout.confirm_in_dialog()
    checkout.expect_order_placed()
    shots["order-confirmation.png"] = page.screenshot(full_page=True)

    screenshot_dir.mkdir(parents=True, exist_ok=True)
    for name, png in shots.items():
        (screenshot_dir / name).write_bytes(png)
        assert png.startswith(b"\x89PNG")
    assert console_errors == []
