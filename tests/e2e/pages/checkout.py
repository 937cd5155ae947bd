"""Page object: a shopper going through the shop's checkout and paying with Klarna's widget."""

from __future__ import annotations

import re

from babel import Locale
from playwright.sync_api import FrameLocator, Locator, Page, expect

from storefront.markets import MARKETS
from tests.support.personas import PERSONAS

DIALOG_FRAME = "iframe[title='Klarna purchase']"
WIDGET_FRAME = "#klarna-payments-container iframe"
# The first shipping method per market, by the start of its label.
SHIPPING = {"US": "Standard", "GB": "Standard", "DE": "Standard", "SE": "Pickup"}


def shop_in(page: Page, market: str, *, language: str = "en") -> None:
    """From the page shown, choose the page language, then the market, in the header.

    The language comes first and outlasts the market switch, so a test written against the
    English pages reads them in any market (a market alone brings its own language).
    """
    page.get_by_label("Language", exact=True).select_option(language)
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_label("Country", exact=True).select_option(market)
    page.get_by_role("button", name="Change country").click()
    country = Locale.parse(language).territories[MARKETS[market].country]
    expect(page.get_by_role("status")).to_contain_text(country)


# The details form's labels: email, phone, billing group, first and last name, street, postal
# code, city.
ENGLISH_LABELS = (
    "Email",
    "Phone",
    "Billing address",
    "First name",
    "Last name",
    "Street address",
    "Postal code",
    "City",
)


def fill_address(page: Page, market: str, labels: tuple[str, ...] = ENGLISH_LABELS) -> None:
    """Type the market's Klarna persona into the details form (`labels`: in the page's language)."""
    email, phone, address = PERSONAS[market]
    email_label, phone_label, group, given, family, street, postal, city = labels
    page.get_by_label(email_label).fill(email)
    page.get_by_label(phone_label).fill(phone)
    billing = page.get_by_role("group", name=group)
    billing.get_by_label(given).fill(address.given_name)
    billing.get_by_label(family).fill(address.family_name)
    billing.get_by_label(street).fill(address.street_address)
    billing.get_by_label(postal).fill(address.postal_code)
    billing.get_by_label(city).fill(address.city)
    if market == "US":
        billing.get_by_label("State").select_option(address.region)


def add_to_cart(page: Page, products: list[str]) -> None:
    """From a page listing them, add each product to an empty cart, one add at a time."""
    for count, product in enumerate(products, start=1):
        page.get_by_role("button", name=f"Add to cart ({product})").click()
        # Wait for this add's answer before the next click (the grid's add-to-cart.js sends it
        # in place). The status reads the same after every add; the cart count tells them apart.
        expect(page.locator(".cart-count")).to_contain_text(f"({count} item")
        expect(page.get_by_role("status")).to_contain_text("Added to your cart.")


class CheckoutPage:
    """What a shopper does from the home page to the payment page, and on it."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def reach_payment(self, market: str, products: list[str], *, email: str | None = None) -> None:
        """Shop in `market`, add `products`, enter the market's persona and go to payment."""
        page = self.page
        page.goto("/")
        shop_in(page, market)
        add_to_cart(page, products)
        page.goto("/checkout/details")
        fill_address(page, market)
        if email is not None:
            page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Save and continue").click()
        page.get_by_label(re.compile(f"^{SHIPPING[market]}")).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("link", name="Continue to payment").click()
        expect(page.get_by_role("heading", name="Payment", level=1)).to_be_visible()

    @property
    def buy_button(self) -> Locator:
        """The Buy (or, after finalize_required, Confirm payment) button."""
        return self.page.locator("#buy-button")

    @property
    def widget(self) -> FrameLocator:
        """Klarna's widget iframe."""
        return self.page.frame_locator(WIDGET_FRAME)

    @property
    def dialog(self) -> Locator:
        """Klarna's purchase dialog."""
        return self.page.frame_locator(DIALOG_FRAME).get_by_role("dialog")

    @property
    def status(self) -> Locator:
        """The payment section's status line (role alert)."""
        return self.page.locator("#payment-status")

    @property
    def total(self) -> Locator:
        """The order total as shown; its `data-amount-minor` holds it in minor units."""
        return self.page.locator("#order-total")

    def total_minor(self) -> int:
        """The order total the page shows now, in minor units."""
        amount = self.total.get_attribute("data-amount-minor")
        assert amount is not None, "the order total carries no data-amount-minor"
        return int(amount)

    def category(self, name: str) -> Locator:
        """The radio button of a Klarna payment method category, by Klarna's name."""
        return self.page.get_by_role("radio", name=name)

    def ready_to_buy(self) -> None:
        """Wait until the widget has loaded and Buy can be pressed."""
        expect(self.buy_button).to_be_enabled()

    def quantity(self, product: str) -> Locator:
        """The quantity field of a product's line."""
        return self.page.get_by_role("spinbutton", name=f"Quantity of {product}")

    def set_quantity(self, product: str, quantity: int) -> None:
        """Type a new quantity (the page sends it after a short pause)."""
        self.quantity(product).fill(str(quantity))

    def apply_coupon(self, code: str) -> None:
        """Apply a coupon on the payment page."""
        self.page.get_by_label("Coupon code").fill(code)
        self.page.get_by_role("button", name="Apply").click()

    def use_test_email(self, email: str) -> None:
        """Fill the e-mail in with the "Test data" box's button, save it, and wait for Klarna."""
        page = self.page
        page.get_by_role("button", name=f"Use {email}", exact=True).click()
        field = page.get_by_role("textbox", name="Email", exact=True)
        expect(field).to_have_value(email)
        expect(field).to_be_focused()
        page.locator("#delivery").get_by_role("button", name="Save", exact=True).click()
        # The saved contact shows once the edit is answered (the widget reloads with it).
        expect(page.locator("#delivery .address-pair")).to_contain_text(email)

    def change_email(self, email: str) -> None:
        """Change the e-mail in the payment page's details form, save it, and wait for Klarna."""
        page = self.page
        page.locator("#delivery").get_by_text("Change contact details or addresses").click()
        page.get_by_role("textbox", name="Email", exact=True).fill(email)
        page.locator("#delivery").get_by_role("button", name="Save", exact=True).click()
        expect(page.locator("#delivery .address-pair")).to_contain_text(email)

    def buy(self) -> None:
        """Press Buy (authorize() opens Klarna's dialog)."""
        self.buy_button.click()

    def confirm_in_dialog(self, code: str = "123456") -> None:
        """Enter the one-time code in Klarna's dialog and confirm."""
        self.dialog.get_by_label("Verification code").fill(code)
        self.dialog.get_by_role("button", name=re.compile(r"^Confirm")).click()

    def expect_order_placed(self) -> None:
        """Wait for the confirmation page of a placed order."""
        expect(self.page.get_by_role("heading", name="Thank you for your order")).to_be_visible()

    def pay(self) -> None:
        """Press Buy and confirm with Klarna; the shop then shows the order."""
        self.ready_to_buy()
        self.buy()
        self.confirm_in_dialog()
