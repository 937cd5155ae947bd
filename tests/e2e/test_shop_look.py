"""The shop as a shopper sees it at 1280 and 390 px: the grid, add to cart in place (with and
without JavaScript), the search, the payment page's delivery columns and the phone's Buy bar."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.pages.checkout import CheckoutPage
from tests.support.live_server import LiveServer

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LONG_EMAIL = "a.really.long.email.address.for.testing+extra@example-long-domain.co.uk"
HONEY = "Wildflower Honey"


def grid_columns(page: Page) -> int:
    """How many columns the home page's product grid shows."""
    columns: str = page.locator(".product-grid").evaluate(
        "grid => getComputedStyle(grid).gridTemplateColumns"
    )
    return len(columns.split())


def test_the_grid_fills_the_width_four_columns_on_a_desktop_two_on_a_phone(page: Page) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    assert grid_columns(page) >= 4
    grid = page.locator(".product-grid").bounding_box()
    page_box = page.locator("main").bounding_box()
    assert grid is not None and page_box is not None
    assert grid["width"] > 0.9 * (page_box["width"] - 48)
    page.set_viewport_size(PHONE)
    assert grid_columns(page) == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_add_to_cart_keeps_the_shoppers_place(page: Page, console_errors: list[str]) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.evaluate("window.sameDocument = true")  # gone if the page is loaded again
    button = page.get_by_role("button", name=f"Add to cart ({HONEY})")
    button.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 1000
    button.click()
    expect(page.locator(".cart-count")).to_contain_text("(1 item")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Added to your cart.")
    expect(status.locator("ul > li")).to_have_count(1)
    expect(status.locator("li")).to_be_in_viewport()  # where the shopper is, not at the top
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("window.scrollY") == scrolled
    assert page.url.endswith("/")
    page.get_by_role("button", name="Add to cart (Canvas Cap)").click()
    expect(page.locator(".cart-count")).to_contain_text("(2 items")
    assert console_errors == []


def test_without_javascript_add_to_cart_posts_and_returns_to_the_card(
    browser: Browser, storefront_server: LiveServer, browser_context_args: dict[str, Any]
) -> None:
    context = browser.new_context(
        **{**browser_context_args, "java_script_enabled": False, "viewport": PHONE}
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name=f"Add to cart ({HONEY})").click()
    expect(page).to_have_url(f"{storefront_server.url}/#p-wildflower-honey")
    expect(page.locator(".cart-count")).to_contain_text("(1 item")
    expect(page.get_by_role("status")).to_contain_text("Added to your cart.")
    assert page.evaluate("window.scrollY") > 1000  # back at the honey's card
    page.get_by_role("searchbox", name="Search the shop").fill("chocolate")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “chocolate”")
    expect(page.get_by_role("link", name="Dark Chocolate 72 %")).to_be_visible()
    context.close()


def test_the_search_and_a_category_as_a_shopper_finds_them(page: Page) -> None:
    page.goto("/")
    page.get_by_role("searchbox", name="Search the shop").fill("zeppelin")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Nothing matches “zeppelin”.")).to_be_visible()
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Pantry").click()
    expect(page.get_by_role("heading", name="Pantry", level=1)).to_be_visible()
    expect(page.locator(".product-card")).to_have_count(4)
    # A no-break space keeps "72" and "%" on one line, even in a narrow card.
    name = page.locator(".product-name", has_text="Dark Chocolate")
    assert name.inner_text().endswith("72\u00a0%")


def test_a_product_page_has_a_large_picture_texts_details_and_related(page: Page) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto("/products/dark-chocolate")
    picture = page.get_by_role("img", name="A bar of dark chocolate in a blue paper wrapper")
    box = picture.bounding_box()
    assert box is not None and box["width"] >= 480
    expect(page.get_by_role("heading", name="About this product")).to_be_visible()
    expect(page.locator(".product-facts")).to_contain_text("Piura, Peru")
    related = page.get_by_role("region", name="You may also like")
    expect(related.locator(".product-card")).to_have_count(4)


def test_long_emails_wrap_and_the_delivery_columns_line_up(page: Page) -> None:
    checkout = CheckoutPage(page)
    page.set_viewport_size(DESKTOP)
    checkout.reach_payment("GB", ["Organic Cotton Tee"], email=LONG_EMAIL)
    columns = page.locator("#delivery .address-pair > div")
    contact, billing = (columns.nth(0).bounding_box(), columns.nth(1).bounding_box())
    contact_text = columns.nth(0).locator("p").bounding_box()
    billing_text = columns.nth(1).locator("address").bounding_box()
    assert contact and billing and contact_text and billing_text
    assert contact_text["x"] + contact_text["width"] <= billing["x"]  # no overlap
    assert contact_text["y"] == billing_text["y"]  # the columns' texts start on one line
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_buy_is_in_reach_without_scrolling_and_pays(
    page: Page, console_errors: list[str]
) -> None:
    page.set_viewport_size(PHONE)
    checkout = CheckoutPage(page)
    checkout.reach_payment("GB", ["Merino Hoodie", "Coffee Beans 500 g"])
    checkout.ready_to_buy()
    assert page.evaluate("window.scrollY") == 0
    expect(checkout.buy_button).to_be_in_viewport()
    expect(checkout.buy_button).to_contain_text(checkout.total.inner_text())
    box = checkout.buy_button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    checkout.buy()
    checkout.confirm_in_dialog()
    checkout.expect_order_placed()
    assert console_errors == []
