"""Less checkout friction: shipping preselected, no needless banners, one message per error."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from storefront.forms import QUANTITY_MESSAGE
from storefront.markets import MARKETS
from storefront.shipping import shipping_methods
from tests.support.client import ShopClient
from tests.support.payment_flow import open_payment_page
from tests.support.shopping import FLASH, add, details_form, flashes, switch_market

CHECKED = re.compile(r"<input checked id=\"method-\d\" name=\"method\"[^>]* value=\"(\w+)\">")


def shipping_step(client: ShopClient, market: str, sku: str = "SOCK-3PK") -> str:
    """A cart in `market` with details entered: the shipping step's page."""
    switch_market(client, market)
    add(client, sku)
    client.post_form("/checkout/details", details_form(market))
    return client.get("/checkout/shipping").get_data(as_text=True)


def shown_totals(page: str) -> str:
    """The side panel's totals as shown (not the hidden per-method copies)."""
    start = page.index('<div id="shipping-totals"')
    return page[start : page.index("<template", start)]


# The panel's shipping line and its "not chosen yet" text in each market's language (DE German,
# SE Swedish), with the cheapest method's name as its shoppers read it.
PANEL_WORDS = {
    "GB": ("Shipping (Standard delivery)", "Chosen at checkout"),
    "US": ("Shipping (Standard shipping)", "Chosen at checkout"),
    "DE": ("Versand (Standardversand)", "Wird an der Kasse gewählt"),
    "SE": ("Frakt (Utlämningsställe)", "Väljs i kassan"),
}


@pytest.mark.parametrize("market", ["GB", "DE", "SE", "US"])
def test_the_cheapest_shipping_method_is_preselected_and_priced_in_the_panel(
    seeded: Flask, client: ShopClient, market: str
) -> None:
    page = shipping_step(client, market)
    cheapest = min(shipping_methods(market), key=lambda method: method.fee_minor)
    assert CHECKED.findall(page) == [cheapest.code]
    panel = shown_totals(page)
    shipping_line, not_chosen = PANEL_WORDS[market]
    assert not_chosen not in page
    assert shipping_line in panel
    assert MARKETS[market].format_amount(cheapest.fee_minor) in panel
    # Each method's totals are on the page for the module to swap in, as inert templates.
    for method in shipping_methods(market):
        assert f'<template data-shipping-totals="{method.code}">' in page
    assert 'src="/static/js/shipping-choice.js"' in page


def test_a_chosen_method_stays_chosen_and_saving_it_needs_no_script(
    seeded: Flask, client: ShopClient
) -> None:
    shipping_step(client, "GB")
    response = client.post_form("/checkout/shipping", {"method": "next_day"})
    assert response.headers["Location"] == "/checkout/summary"
    page = client.get("/checkout/shipping").get_data(as_text=True)
    assert CHECKED.findall(page) == ["next_day"]
    assert "Shipping (Next-day delivery)" in shown_totals(page)


def test_moving_through_the_steps_shows_no_success_banner(
    seeded: Flask, client: ShopClient
) -> None:
    switch_market(client, "GB")
    add(client, "SOCK-3PK")
    client.get("/cart")  # the "Added to your cart." banner belongs to the cart page
    details = client.post_form("/checkout/details", details_form("GB"))
    assert details.headers["Location"] == "/checkout/shipping"
    assert FLASH.findall(client.get("/checkout/shipping").get_data(as_text=True)) == []
    client.post_form("/checkout/shipping", {"method": "standard"})
    assert FLASH.findall(client.get("/checkout/summary").get_data(as_text=True)) == []


def test_the_payment_pages_details_form_saves_in_place_and_says_so(
    seeded: Flask, client: ShopClient
) -> None:
    open_payment_page(client, "GB")
    payment_page = client.get("/checkout/payment").get_data(as_text=True)
    delivery = payment_page[payment_page.index('id="delivery"') :]
    assert '<button type="submit" class="button button-primary">Save</button>' in delivery
    assert "Save and continue" not in payment_page
    details_page = client.get("/checkout/details").get_data(as_text=True)
    assert "Save and continue" in details_page


@pytest.mark.parametrize("typed", ["abc", "0", "100", ""])
def test_a_bad_quantity_is_said_once(seeded: Flask, client: ShopClient, typed: str) -> None:
    add(client, "SOCK-3PK")
    client.get("/cart")
    client.post_form("/cart/items/SOCK-3PK/quantity", {"quantity": typed})
    assert flashes(client) == [("error", QUANTITY_MESSAGE)]
