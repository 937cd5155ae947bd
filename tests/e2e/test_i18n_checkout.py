"""In Chromium: a German shopper in Germany and a Swedish shopper in Sweden buy through pages in
their language, and Klarna's session carries the locale they read (de-DE, sv-SE); a Swedish
shopper who switches to English on the payment page pays in a session updated to en-SE."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storefront.extensions import db
from storefront.models import Order, Payment
from tests.e2e.pages.checkout import CheckoutPage, fill_address
from tests.support.live_server import LiveServer
from tests.support.payment_flow import emulator_of


@dataclass(frozen=True)
class Words:
    """What one language's pages call the steps of a purchase."""

    add: str
    save: str
    proceed: str
    to_payment: str
    payment: str
    thanks: str
    # The details form's labels, in tests.e2e.pages.checkout.ENGLISH_LABELS' order.
    labels: tuple[str, ...]


GERMAN = Words(
    "In den Warenkorb",
    "Speichern und weiter",
    "Weiter",
    "Weiter zur Zahlung",
    "Zahlung",
    "Vielen Dank für Ihre Bestellung",
    (
        "E-Mail",
        "Telefon",
        "Rechnungsadresse",
        "Vorname",
        "Nachname",
        "Straße und Hausnummer",
        "Postleitzahl",
        "Ort",
    ),
)
SWEDISH = Words(
    "Lägg i varukorgen",
    "Spara och fortsätt",
    "Fortsätt",
    "Fortsätt till betalning",
    "Betalning",
    "Tack för din beställning",
    (
        "E-post",
        "Telefon",
        "Faktureringsadress",
        "Förnamn",
        "Efternamn",
        "Gatuadress",
        "Postnummer",
        "Ort",
    ),
)


@dataclass(frozen=True)
class Story:
    """A market, its language's words, its product and shipping, and Klarna's locale."""

    market: str
    language: str
    words: Words
    product: str
    shipping: str
    locale: str
    switch_to: str | None = None  # a language chosen on the payment page, before paying


STORIES = {
    "DE in German": Story("DE", "de", GERMAN, "Desk Lamp", "Standardversand", "de-DE"),
    "SE in Swedish": Story("SE", "sv", SWEDISH, "Linen Throw", "Utlämningsställe", "sv-SE"),
    "SE, English chosen on the payment page": Story(
        "SE", "sv", SWEDISH, "Linen Throw", "Utlämningsställe", "en-SE", switch_to="en"
    ),
}


def session_locale(emulator: LiveServer, storefront: LiveServer) -> str:
    """The locale the emulator holds for the shop's only Klarna session."""
    with storefront.app.app_context():
        session_id = db.session.scalars(sa.select(Payment.klarna_session_id)).one()
    store = emulator_of(emulator).store
    with store.lock:
        return str(store.sessions[session_id].data["locale"])


def fits_a_phone(page: Page) -> bool:
    """Whether the page, 390 px wide, needs no sideways scrolling (longer words than English)."""
    page.set_viewport_size({"width": 390, "height": 844})
    fits = page.evaluate("document.documentElement.scrollWidth <= 390")
    page.set_viewport_size({"width": 1280, "height": 900})
    return bool(fits)


def shop_to_payment(page: Page, story: Story) -> None:
    """From the home page to the payment page, reading the market's own language."""
    words = story.words
    page.goto("/")
    page.get_by_label("Country", exact=True).select_option(story.market)
    page.get_by_role("button", name="Change country").click()
    expect(page.locator("html")).to_have_attribute("lang", story.language)
    assert fits_a_phone(page)
    page.get_by_role("button", name=f"{words.add} ({story.product})").click()
    expect(page.locator(".cart-count")).to_contain_text("(1")
    page.goto("/checkout/details")
    fill_address(page, story.market, words.labels)
    page.get_by_role("button", name=words.save).click()
    page.get_by_label(story.shipping).check()
    page.get_by_role("button", name=words.proceed, exact=True).click()
    page.get_by_role("link", name=words.to_payment).click()
    expect(page.get_by_role("heading", name=words.payment, level=1)).to_be_visible()


@pytest.mark.parametrize("story", list(STORIES))
def test_a_purchase_in_the_shoppers_language_gives_klarna_that_locale(
    page: Page,
    storefront_server: LiveServer,
    emulator_server: LiveServer,
    console_errors: list[str],
    story: str,
) -> None:
    chosen = STORIES[story]
    shop_to_payment(page, chosen)
    assert fits_a_phone(page)
    checkout = CheckoutPage(page)
    thanks = chosen.words.thanks
    if chosen.switch_to is not None:
        checkout.ready_to_buy()
        page.get_by_label("Språk", exact=True).select_option(chosen.switch_to)
        page.get_by_role("button", name="Ändra språk").click()
        expect(page.get_by_role("heading", name="Payment", level=1)).to_be_visible()
        expect(checkout.buy_button).to_contain_text("Buy now")
        thanks = "Thank you for your order"
    checkout.ready_to_buy()
    assert session_locale(emulator_server, storefront_server) == chosen.locale
    checkout.buy()
    checkout.confirm_in_dialog()
    expect(page.get_by_role("heading", name=thanks)).to_be_visible()
    with storefront_server.app.app_context():
        order = db.session.scalars(sa.select(Order)).one()
        assert order.klarna_order_request["locale"] == chosen.locale
    assert console_errors == []
