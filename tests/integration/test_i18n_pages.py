"""Pages in the shopper's language: the market's by default (DE German, SE Swedish), else chosen."""

from __future__ import annotations

import re

from flask import Flask

from tests.support.client import ShopClient
from tests.support.shopping import add, complete_checkout, details_form, flashes, switch_market


def choose_language(client: ShopClient, language: str, back_to: str = "/"):
    """Post the header's language switch, as a shopper on `back_to` does."""
    return client.post_form("/language", {"language": language, "next": back_to})


def page(client: ShopClient, path: str) -> str:
    """The page's HTML (it must answer 200)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def html_lang(html: str) -> str:
    """The page's <html lang>."""
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_pages_follow_the_market_language_by_default(seeded: Flask, client: ShopClient) -> None:
    home = page(client, "/")
    assert html_lang(home) == "en"
    assert "You are shopping in <strong>United Kingdom</strong>" in home
    switch_market(client, "DE")
    home = page(client, "/")
    assert html_lang(home) == "de"
    assert "Sie kaufen in <strong>Deutschland</strong> ein" in home
    assert "In den Warenkorb" in home and "Add to cart" not in home
    assert "Kleidung" in home  # the category, translated
    switch_market(client, "SE")
    home = page(client, "/")
    assert html_lang(home) == "sv"
    assert "Du handlar i <strong>Sverige</strong>" in home
    assert "Lägg i varukorgen" in home and "In den Warenkorb" not in home


def test_a_market_switch_is_confirmed_in_the_new_markets_language(
    seeded: Flask, client: ShopClient
) -> None:
    switch_market(client, "DE")
    assert ("success", "Sie kaufen jetzt in Deutschland ein; die Preise sind in EUR.") in flashes(
        client
    )
    switch_market(client, "SE")
    assert ("success", "Du handlar nu i Sverige; priserna är i SEK.") in flashes(client)


def test_the_language_switch_outlasts_a_market_switch(seeded: Flask, client: ShopClient) -> None:
    switch_market(client, "DE")
    answer = choose_language(client, "en", "/cart")
    assert (answer.status_code, answer.location) == (302, "/cart")
    home = page(client, "/")
    assert html_lang(home) == "en"
    # English names the country in English: the sentence reads naturally.
    assert "You are shopping in <strong>Germany</strong>" in home
    switch_market(client, "SE")
    assert "You are shopping in <strong>Sweden</strong>" in page(client, "/")
    choose_language(client, "de")
    assert "Sie kaufen in <strong>Schweden</strong> ein" in page(client, "/")


def test_a_language_outside_the_list_is_refused_and_nothing_changes(
    seeded: Flask, client: ShopClient
) -> None:
    switch_market(client, "SE")
    flashes(client)
    answer = choose_language(client, "fr")
    assert answer.status_code == 302
    assert ("error", "Välj ett av språken i listan.") in flashes(client)
    assert html_lang(page(client, "/")) == "sv"


def test_the_language_switch_needs_its_csrf_token(seeded: Flask, client: ShopClient) -> None:
    answer = client.post("/language", data={"language": "de"})
    assert answer.status_code == 400
    assert html_lang(page(client, "/")) == "en"


def test_the_header_lists_each_language_in_itself_with_the_pages_selected(
    seeded: Flask, client: ShopClient
) -> None:
    switch_market(client, "SE")
    home = page(client, "/")
    form = re.search(r'<form class="language-switcher".*?</form>', home, re.S)
    assert form is not None
    assert 'action="/language"' in form.group(0) and 'name="csrf_token"' in form.group(0)
    assert '<option selected value="sv">Svenska</option>' in form.group(0)
    assert '<option value="de">Deutsch</option>' in form.group(0)
    assert '<option value="en">English</option>' in form.group(0)


def test_cached_fragments_are_kept_per_language(seeded: Flask, client: ShopClient) -> None:
    switch_market(client, "DE")
    german = page(client, "/products/organic-cotton-tee")
    choose_language(client, "sv")
    swedish = page(client, "/products/organic-cotton-tee")
    choose_language(client, "de")
    assert "In den Warenkorb" in german and "Inkl. MwSt." in german
    assert "Lägg i varukorgen" in swedish and "Inklusive moms." in swedish
    # The country list too: named in the page's language, from the cache.
    assert "Tyskland (EUR)" in swedish and "Deutschland (EUR)" in german
    assert "In den Warenkorb" in page(client, "/products/organic-cotton-tee")


def test_form_errors_and_postal_code_hints_read_naturally_per_language(
    seeded: Flask, client: ShopClient
) -> None:
    bad_postcode = details_form("DE", **{"billing-postal_code": "1"})
    switch_market(client, "DE")
    add(client, "TEE-ORG")
    answer = client.post_form("/checkout/details", bad_postcode)
    html = answer.get_data(as_text=True)
    assert "Geben Sie eine 5-stellige Postleitzahl ein, z. B. 10178." in html
    assert "Bitte korrigieren Sie die markierten Angaben." in html
    assert "Rechnungsadresse" in html and "Billing address" not in html
    choose_language(client, "sv")
    answer = client.post_form("/checkout/details", bad_postcode)
    html = answer.get_data(as_text=True)
    assert "Ange ett femsiffrigt tyskt postnummer (Postleitzahl), t.ex. 10178." in html
    choose_language(client, "en")
    answer = client.post_form("/checkout/details", bad_postcode)
    assert "Enter a 5-digit Postleitzahl, e.g. 10178." in answer.get_data(as_text=True)


def test_form_validation_errors_are_translated(seeded: Flask, client: ShopClient) -> None:
    switch_market(client, "SE")
    flashes(client)
    add(client, "TEE-ORG", "many")
    assert ("error", "Ange ett heltal från 1 till 99.") in flashes(client)
    add(client, "TEE-ORG")
    client.post_form("/cart/coupon", {"code": "X" * 40})
    # WTForms' own messages come from its catalogs, in the page's language too.
    assert ("error", "Fältet får inte vara längre än 32 tecken.") in flashes(client)
    client.post_form("/cart/coupon", {"code": ""})
    assert ("error", "Ange en rabattkod.") in flashes(client)


def test_checkout_pages_render_in_german_and_swedish(seeded: Flask, client: ShopClient) -> None:
    expected = {
        "DE": ("Ihre Angaben", "Versandart", "Bestellübersicht", "Standardversand"),
        "SE": ("Dina uppgifter", "Leveranssätt", "Ordersammanfattning", "Utlämningsställe"),
    }
    for market, (details, shipping, summary, method) in expected.items():
        shopper = client.application.test_client()
        switch_market(shopper, market)
        add(shopper, "TEE-ORG")
        assert details in page(shopper, "/checkout/details")
        complete_checkout(shopper, market)
        assert shipping in page(shopper, "/checkout/shipping")
        summary_page = page(shopper, "/checkout/summary")
        assert summary in summary_page and method in summary_page


def test_error_pages_speak_the_shoppers_language(seeded: Flask, client: ShopClient) -> None:
    switch_market(client, "DE")
    missing = client.get("/products/no-such-thing")
    assert missing.status_code == 404
    text = missing.get_data(as_text=True)
    assert "Seite nicht gefunden" in text
    assert "Dieses Produkt gibt es im Shop für dieses Land nicht." in text
    switch_market(client, "SE")
    nowhere = client.get("/no/such/page").get_data(as_text=True)
    assert "Sidan hittades inte" in nowhere and "Det finns ingen sida" in nowhere


def test_the_back_office_stays_english(seeded: Flask, client: ShopClient) -> None:
    switch_market(client, "DE")
    login = client.get("/admin/login")
    assert login.status_code == 200
    assert html_lang(login.get_data(as_text=True)) == "en"
