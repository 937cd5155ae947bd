"""The README's pictures: the home and a product page (desktop and phone), the payment page with
Klarna's widget (desktop and phone), Klarna's purchase dialog, and the confirmation, each taken
after checking the page shows what it should.

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
DESKTOP = {"width": 1280, "height": 900}
HERO_HEADING = "Slow-made goods for everyday life"


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """Where the pictures go: SCREENSHOT_DIR if set, else a temporary folder."""
    return Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)


def save(screenshot_dir: Path, shots: dict[str, bytes]) -> None:
    """Write the pictures, each checked to be a PNG."""
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    for name, png in shots.items():
        assert png.startswith(b"\x89PNG")
        (screenshot_dir / name).write_bytes(png)


def test_screenshots_of_the_shop(
    page: Page, screenshot_dir: Path, console_errors: list[str]
) -> None:
    shots = {}
    for suffix, viewport in (("", DESKTOP), ("-phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_have_text(HERO_HEADING)
        expect(page.locator(".product-card")).to_have_count(14)
        page.wait_for_load_state("networkidle")  # every picture drawn
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shots[f"shop-home{suffix}.png"] = page.screenshot()  # the first screen a shopper sees
        page.goto("/products/merino-hoodie")
        expect(page.get_by_role("heading", name="Details")).to_be_visible()
        expect(page.locator(".related .product-card")).to_have_count(4)
        page.wait_for_load_state("networkidle")
        shots[f"product-page{suffix}.png"] = page.screenshot(full_page=not suffix)
    save(screenshot_dir, shots)
    assert console_errors == []


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

    save(screenshot_dir, shots)
    assert console_errors == []
