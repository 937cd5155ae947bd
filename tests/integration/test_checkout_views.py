"""Checkout pages: details checked like Klarna's authorize(), shipping, summary, step order."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from flask import Flask

from storefront.forms import UNSTORABLE_MESSAGE
from storefront.klarna.bodies import purchase_body
from storefront.klarna.preflight import payload_problems
from storefront.klarna_purchase import klarna_purchase
from storefront.markets import MARKETS
from storefront.pricing import price_order
from storefront.services.carts import find_cart
from storefront.services.checkout import checkout_snapshot
from storefront.snapshot import CheckoutSnapshot
from storefront.views.shopper import CART_KEY, today
from tests.support.client import ShopClient
from tests.support.html_elements import Element, page_elements
from tests.support.shopping import (
    FIRST_SHIPPING_METHOD,
    add,
    complete_checkout,
    details_form,
    switch_market,
)


def elements_by_id(page: str) -> dict[str, Element]:
    """The page's elements that have an id, by id."""
    return {
        element.attrs["id"]: element for element in page_elements(page) if "id" in element.attrs
    }


def field_errors(page: str) -> dict[str | None, list[str]]:
    """Field id (or tag) -> the errors shown beside it, found through its aria-describedby.

    Errors that no field's aria-describedby names are listed under None.
    """
    elements = page_elements(page)
    described = {
        described_id: element.attrs.get("id", element.tag)
        for element in elements
        for described_id in element.attrs.get("aria-describedby", "").split()
    }
    errors = defaultdict(list)
    for element in elements:
        if "field-error" in element.classes:
            errors[described.get(element.attrs["id"])].append(element.text)
    return dict(errors)


def description(page: str, element_id: str) -> list[str]:
    """The texts an element's aria-describedby names, in its order."""
    by_id = elements_by_id(page)
    return [by_id[id_].text for id_ in by_id[element_id].attrs["aria-describedby"].split()]


def snapshot_of(app: Flask, client: ShopClient) -> CheckoutSnapshot:
    """The checkout snapshot of the client's cart."""
    with client.session_transaction() as session:
        token = session[CART_KEY]
    with app.test_request_context():
        return checkout_snapshot(find_cart(token), today=today())


def payload_of(app: Flask, client: ShopClient) -> dict:
    """The Klarna payload, with customer data, for the client's cart."""
    return purchase_body(klarna_purchase(snapshot_of(app, client)), include_customer=True)


def tax_breakdown(page: str) -> list[str]:
    """The lines of the page's tax breakdown list (its label is in the page's language)."""
    elements = page_elements(page)
    breakdown = next(e for e in elements if e.tag == "ul" and "tax-breakdown" in e.classes)
    return [element.text for element in elements if element.parent is breakdown]


@pytest.mark.parametrize("market", ["US", "GB", "DE", "SE"])
def test_checkout_summary_shows_the_payload_total_and_klarna_accepts_it(
    seeded: Flask, client: ShopClient, market: str
) -> None:
    switch_market(client, market)
    add(client, "TEE-ORG", 2)
    add(client, "COF-BEAN")
    client.post_form("/cart/coupon", {"code": "WELCOME10"})
    summary = complete_checkout(client, market)
    payload = payload_of(seeded, client)
    assert summary.status_code == 200
    assert f'data-amount-minor="{payload["order_amount"]}"' in summary.get_data(as_text=True)
    assert payload_problems(payload) == []
    assert payload["shipping_address"] == payload["billing_address"]


@pytest.mark.parametrize(
    ("market", "changes", "errors"),
    [
        (
            "GB",
            {"billing-given_name": "7", "billing-family_name": "12345", "phone": "+44"},
            {
                "billing-given_name": "Enter at least two characters.",
                "billing-family_name": "Use letters, spaces and - ' . only.",
                "phone": "Enter a phone number of 5 to 99 characters.",
            },
        ),
        (
            "GB",
            {"billing-postal_code": "12345", "email": "not-an-email"},
            {
                "billing-postal_code": "Enter a UK postcode, e.g. W1S 3BE.",
                "email": "Enter an email address like name@example.com.",
            },
        ),
        ("US", {"billing-region": ""}, {"billing-region": "Choose a state."}),
        ("US", {"billing-region": "ZZ"}, {"billing-region": "Choose a state."}),
        (
            "DE",
            {"billing-postal_code": "1017"},
            # In the market's language (German), as DE shoppers read the page.
            {"billing-postal_code": "Geben Sie eine 5-stellige Postleitzahl ein, z. B. 10178."},
        ),
        (
            "SE",
            {"billing-street_address": ""},
            {"billing-street_address": "Ange din gatuadress."},
        ),
    ],
)
def test_checkout_details_show_klarnas_rules_next_to_the_fields(
    seeded: Flask, client: ShopClient, market: str, changes: dict, errors: dict
) -> None:
    switch_market(client, market)
    add(client, "TEE-ORG")
    page = client.post_form("/checkout/details", details_form(market, **changes))
    assert page.status_code == 200
    shown = {field: [message] for field, message in errors.items()}
    assert field_errors(page.get_data(as_text=True)) == shown
    assert payload_of(seeded, client).get("billing_address") is None


def test_checkout_details_normalize_postal_codes(seeded: Flask, client: ShopClient) -> None:
    switch_market(client, "SE")
    add(client, "TEE-ORG")
    client.post_form("/checkout/details", details_form("SE", **{"billing-postal_code": "11148"}))
    assert payload_of(seeded, client)["billing_address"]["postal_code"] == "111 48"


def test_checkout_separate_shipping_address_is_checked_and_used(
    seeded: Flask, client: ShopClient
) -> None:
    switch_market(client, "US")
    add(client, "TEE-ORG")
    separate = details_form("US", ship_to_billing="")
    page = client.post_form("/checkout/details", separate)
    assert field_errors(page.get_data(as_text=True))["shipping-given_name"]
    separate |= {
        "shipping-given_name": "Gift",
        "shipping-family_name": "Receiver",
        "shipping-street_address": "1 Congress Ave",
        "shipping-postal_code": "78701",
        "shipping-city": "Austin",
        "shipping-region": "TX",
    }
    assert client.post_form("/checkout/details", separate).location == "/checkout/shipping"
    client.post_form("/checkout/shipping", {"method": "standard"})
    payload = payload_of(seeded, client)
    assert payload["shipping_address"]["region"] == "TX"
    assert payload["billing_address"]["region"] == "NY"
    # Texas taxes the tee and the shipping at 6.25 %: (2500 + 599) * 6.25 % = 193.69.
    assert payload["order_tax_amount"] == 194


def test_checkout_summary_breaks_swedish_vat_down_per_rate(
    seeded: Flask, client: ShopClient
) -> None:
    switch_market(client, "SE")
    add(client, "TEE-ORG", 2)  # 25 %
    add(client, "COF-BEAN")  # food, 12 %
    add(client, "BOOK-BRD")  # books, 6 %
    page = complete_checkout(client, "SE").get_data(as_text=True)
    tax_by_rate = defaultdict(int)
    for line in price_order(snapshot_of(seeded, client)).lines:
        tax_by_rate[line.tax_rate_bp] += line.tax_minor
    sek = MARKETS["SE"].format_amount
    assert tax_breakdown(page) == [  # in Swedish, the SE market's language
        f"Varav moms 25 %: {sek(tax_by_rate[2500])}",
        f"Varav moms 12 %: {sek(tax_by_rate[1200])}",
        f"Varav moms 6 %: {sek(tax_by_rate[600])}",
    ]
    assert sum(tax_by_rate.values()) == payload_of(seeded, client)["order_tax_amount"]


def test_checkout_summary_shows_new_york_sales_tax(seeded: Flask, client: ShopClient) -> None:
    switch_market(client, "US")
    add(client, "TEE-ORG", 2)
    add(client, "CHOC-DRK")  # candy: taxed in New York
    add(client, "COF-BEAN")  # groceries: exempt
    page = complete_checkout(client, "US").get_data(as_text=True)
    sales_tax = price_order(snapshot_of(seeded, client)).sales_tax_minor
    usd = MARKETS["US"].format_amount
    by_id = elements_by_id(page)
    # One sales-tax line, with the state and its rate; no second line repeating the amount.
    assert by_id["sales-tax"].parent.text.split() == [
        "Sales",
        "tax",
        "(NY,",
        "4",
        "%)",
        usd(sales_tax),
    ]
    assert 'aria-label="Tax breakdown"' not in page
    assert page.count(usd(sales_tax)) == 1
    klarna_lines = payload_of(seeded, client)["order_lines"]
    assert [line["total_amount"] for line in klarna_lines if line["type"] == "sales_tax"] == [
        sales_tax
    ]


def test_checkout_steps_cannot_be_skipped(seeded: Flask, client: ShopClient) -> None:
    assert client.get("/checkout/details").location == "/cart"
    add(client, "TEE-ORG")
    assert client.get("/checkout").location == "/checkout/details"
    assert client.get("/checkout/summary").location == "/checkout/details"
    client.post_form("/checkout/details", details_form("GB"))
    assert client.get("/checkout/summary").location == "/checkout/shipping"
    client.post_form("/checkout/shipping", {"method": "standard"})
    assert client.get("/checkout").location == "/checkout/summary"


def test_checkout_refuses_a_shipping_method_of_another_market(
    seeded: Flask, client: ShopClient
) -> None:
    add(client, "TEE-ORG")
    client.post_form("/checkout/details", details_form("GB"))
    page = client.post_form("/checkout/shipping", {"method": FIRST_SHIPPING_METHOD["SE"]})
    assert page.status_code == 200
    assert field_errors(page.get_data(as_text=True)) == {"fieldset": ["Not a valid choice."]}
    assert client.get("/checkout/summary").location == "/checkout/shipping"


def test_checkout_summary_lists_lines_addresses_and_the_next_step(
    seeded: Flask, client: ShopClient
) -> None:
    add(client, "BOOK-BRD", 2)
    page = complete_checkout(client, "GB").get_data(as_text=True)
    assert "The Bread Book" in page
    assert "10 New Burlington Street" in page
    assert "Next: payment" in page


@pytest.mark.parametrize("market", list(MARKETS))
def test_checkout_details_phone_hint_is_a_number_of_the_markets_country(
    seeded: Flask, client: ShopClient, market: str
) -> None:
    switch_market(client, market)
    add(client, "TEE-ORG")
    page = client.get("/checkout/details").get_data(as_text=True)
    example = MARKETS[market].phone_example
    hint = {"DE": "Mindestens 5 Zeichen, z. B.", "SE": "Minst 5 tecken, t.ex."}.get(
        market, "At least 5 characters, e.g."
    )
    assert description(page, "phone") == [f"{hint} {example}"]
    assert example.startswith("+" + {"US": "1 ", "GB": "44 ", "DE": "49 ", "SE": "46 "}[market])


def test_checkout_details_give_each_error_its_own_id_and_describe_fields_by_hint_and_errors(
    seeded: Flask, client: ShopClient
) -> None:
    add(client, "TEE-ORG")
    phone_hint = "At least 5 characters, e.g. +44 7700 900123"
    assert description(client.get("/checkout/details").get_data(as_text=True), "phone") == [
        phone_hint
    ]
    # A NUL in a name breaks two rules: the name's letters and what the database can store.
    invalid = details_form("GB", **{"billing-given_name": "Ann\x00", "phone": "+44"})
    page = client.post_form("/checkout/details", invalid).get_data(as_text=True)
    ids = Counter(element.attrs["id"] for element in page_elements(page) if "id" in element.attrs)
    assert [id_ for id_, count in ids.items() if count > 1] == []
    assert description(page, "billing-given_name") == [
        UNSTORABLE_MESSAGE,
        "Use letters, spaces and - ' . only.",
    ]
    assert description(page, "phone") == [
        phone_hint,
        "Enter a phone number of 5 to 99 characters.",
    ]
    assert None not in field_errors(page)
