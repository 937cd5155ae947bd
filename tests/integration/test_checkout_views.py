"""Checkout pages: details checked like Klarna's authorize(), shipping, summary, step order."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask

from storefront.klarna.payloads import build_payload
from storefront.klarna.preflight import payload_problems
from storefront.services.carts import find_cart
from storefront.services.checkout import checkout_snapshot
from storefront.views.shopper import CART_KEY, today
from tests.support.client import ShopClient
from tests.support.shopping import (
    FIRST_SHIPPING_METHOD,
    add,
    complete_checkout,
    details_form,
    switch_market,
)

FIELD_ERROR = re.compile(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>')


def field_errors(page: str) -> dict[str, str]:
    """Field id -> the error shown next to it."""
    return {field: html.unescape(text) for field, text in FIELD_ERROR.findall(page)}


def payload_of(app: Flask, client: ShopClient) -> dict:
    """The Klarna payload, with customer data, for the client's cart."""
    with client.session_transaction() as session:
        token = session[CART_KEY]
    with app.test_request_context():
        snapshot = checkout_snapshot(find_cart(token), today=today())
        return build_payload(snapshot, include_customer=True)


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
            {"billing-postal_code": "Enter a 5-digit Postleitzahl, e.g. 10178."},
        ),
        (
            "SE",
            {"billing-street_address": ""},
            {"billing-street_address": "This field is required."},
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
    assert field_errors(page.get_data(as_text=True)) == errors
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
    assert client.get("/checkout/summary").location == "/checkout/shipping"


def test_checkout_summary_lists_lines_addresses_and_the_next_step(
    seeded: Flask, client: ShopClient
) -> None:
    add(client, "BOOK-BRD", 2)
    page = complete_checkout(client, "GB").get_data(as_text=True)
    assert "The Bread Book" in page
    assert "10 New Burlington Street" in page
    assert "Next: payment" in page
