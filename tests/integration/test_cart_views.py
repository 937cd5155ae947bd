"""Cart pages: add, change, remove, coupons and markets, with bad input changing nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from storefront.klarna.bodies import purchase_body
from storefront.klarna_purchase import klarna_purchase
from storefront.models import Cart
from storefront.services.carts import find_cart
from storefront.services.checkout import checkout_snapshot
from storefront.shipping import shipping_method
from storefront.views.shopper import CART_KEY, today
from tests.support.client import ShopClient
from tests.support.shopping import add, details_form, flashes, switch_market


def cart_of(app: Flask, client: ShopClient) -> Cart | None:
    """The cart bound to a test client's session."""
    with client.session_transaction() as session:
        token = session.get(CART_KEY)
    with app.app_context():
        cart = find_cart(token)
        return cart


def quantities(app: Flask, client: ShopClient) -> dict[str, int]:
    """SKU -> quantity of the client's cart."""
    cart = cart_of(app, client)
    with app.app_context():
        cart = find_cart(cart.token) if cart else None
        return {line.product.sku: line.quantity for line in cart.lines} if cart else {}


def payload_of(app: Flask, client: ShopClient) -> dict:
    """The Klarna payload the builder makes of the client's cart."""
    with client.session_transaction() as session:
        token = session[CART_KEY]
    with app.test_request_context():
        return purchase_body(klarna_purchase(checkout_snapshot(find_cart(token), today=today())))


def order_amount(app: Flask, client: ShopClient) -> int:
    """The Klarna order_amount of the client's cart, from the payload builder."""
    return payload_of(app, client)["order_amount"]


def test_cart_add_change_remove_redirects_after_each_post(
    seeded: Flask, client: ShopClient
) -> None:
    added = add(client, "TEE-ORG", 2)
    assert (added.status_code, added.location) == (302, "/cart")
    add(client, "TEE-ORG", 1)
    add(client, "BOOK-BRD")
    assert quantities(seeded, client) == {"TEE-ORG": 3, "BOOK-BRD": 1}
    changed = client.post_form("/cart/items/TEE-ORG/quantity", {"quantity": "5"})
    assert changed.status_code == 302
    client.post_form("/cart/items/BOOK-BRD/remove")
    assert quantities(seeded, client) == {"TEE-ORG": 5}
    page = client.get("/cart").get_data(as_text=True)
    assert 'data-amount-minor="10000"' in page  # 5 x £20.00, VAT included


@pytest.mark.parametrize("quantity", ["0", "-1", "100", "1" + "0" * 30, "abc", "2.5", ""])
def test_cart_bad_quantity_is_a_clear_error_and_changes_nothing(
    seeded: Flask, client: ShopClient, quantity: str
) -> None:
    add(client, "TEE-ORG", 2)
    add(client, "TEE-ORG", quantity)
    client.post_form("/cart/items/TEE-ORG/quantity", {"quantity": quantity})
    assert quantities(seeded, client) == {"TEE-ORG": 2}
    assert ("error", "Enter a whole number from 1 to 99.") in flashes(client)


def test_cart_refuses_to_grow_a_line_past_99(seeded: Flask, client: ShopClient) -> None:
    add(client, "MUG-STN", 60)
    add(client, "MUG-STN", 40)
    assert quantities(seeded, client) == {"MUG-STN": 60}
    messages = [message for _, message in flashes(client)]
    assert any("at most 99 of Stoneware Mug" in message for message in messages)


def test_cart_unknown_product_is_a_message_not_a_500(seeded: Flask, client: ShopClient) -> None:
    response = add(client, "NO-SUCH-SKU")
    assert response.status_code == 302
    assert ("error", "That product does not exist or is not sold in your country.") in flashes(
        client
    )
    assert client.post_form("/cart/items/NO-SUCH-SKU/remove").status_code == 302
    assert client.get("/products/no-such-product").status_code == 404


POSTED_PRICES = {
    "unit_price": "1",
    "price": "0.01",
    "total": "1",
    "order_amount": "1",
    "tax_rate": "0",
}


def test_cart_and_checkout_ignore_prices_and_totals_posted_by_the_client(seeded: Flask) -> None:
    honest, forger = seeded.test_client(), seeded.test_client()
    for client, posted in ((honest, {}), (forger, POSTED_PRICES)):
        add(client, "TEE-ORG", 1, **posted)
        assert order_amount(seeded, client) == 2000
        client.post_form("/cart/items/TEE-ORG/quantity", {"quantity": "2", **posted})
        assert order_amount(seeded, client) == 4000
        client.post_form("/checkout/details", details_form("GB"))
        client.post_form("/checkout/shipping", {"method": "standard", **posted})
    fee = shipping_method("GB", "standard").fee_for(4000)
    assert order_amount(seeded, forger) == 4000 + fee
    assert payload_of(seeded, forger) == payload_of(seeded, honest)


def signed_session(secret_key: str, data: dict) -> str:
    """A session cookie holding `data`, signed the way Flask signs one with `secret_key`."""
    signer = Flask(__name__)
    signer.secret_key = secret_key
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(data)


def show_cart_and_change_lamp(client: ShopClient, cookie: str, csrf_token: str) -> str:
    """With `cookie` as the session: read the cart page, then post the lamp's quantity as 1."""
    name = client.application.config["SESSION_COOKIE_NAME"]
    client.set_cookie(name, cookie)
    page = client.get("/cart").get_data(as_text=True)
    client.set_cookie(name, cookie)  # the page answered with a fresh session of its own
    client.post("/cart/items/LAMP-DSK/quantity", data={"csrf_token": csrf_token, "quantity": "1"})
    return page


def test_cart_of_another_session_cannot_be_read_or_changed(seeded: Flask) -> None:
    alice, mallory = seeded.test_client(), seeded.test_client()
    add(alice, "LAMP-DSK", 3)
    assert "Desk Lamp" in alice.get("/cart").get_data(as_text=True)
    assert "Desk Lamp" not in mallory.get("/cart").get_data(as_text=True)
    mallory.post_form("/cart/items/LAMP-DSK/quantity", {"quantity": "1"})
    mallory.post_form("/cart/items/LAMP-DSK/remove")
    assert quantities(seeded, alice) == {"LAMP-DSK": 3}
    # Mallory's own session, with Alice's cart token put in, signed with a key of her own.
    csrf_token = mallory.csrf_token()
    with alice.session_transaction() as session:
        alices_cart = session[CART_KEY]
    with mallory.session_transaction() as session:
        stolen = {**session, CART_KEY: alices_cart}
    page = show_cart_and_change_lamp(mallory, signed_session("mallorys-key", stolen), csrf_token)
    assert "Your cart is empty." in page
    assert quantities(seeded, alice) == {"LAMP-DSK": 3}
    # Signed with the shop's key, the same cookie would do both: only the signature stops her.
    page = show_cart_and_change_lamp(mallory, signed_session(seeded.secret_key, stolen), csrf_token)
    assert "Desk Lamp" in page
    assert quantities(seeded, alice) == {"LAMP-DSK": 1}


def test_cart_needs_a_csrf_token_for_every_change(seeded: Flask, client: ShopClient) -> None:
    refused = client.post("/cart/add", data={"sku": "TEE-ORG", "quantity": "1"})
    assert refused.status_code == 400
    assert quantities(seeded, client) == {}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NOPE", "There is no coupon code NOPE."),
        ("SUMMER24", "Coupon SUMMER24 expired on 31 August 2024."),
        ("TAKE10", "Coupon TAKE10 needs £50.00 of goods; add £30.00 more to use it."),
    ],
)
def test_coupon_refused_with_a_reason(
    seeded: Flask, client: ShopClient, code: str, message: str
) -> None:
    add(client, "TEE-ORG")
    client.post_form("/cart/coupon", {"code": code})
    assert ("error", message) in flashes(client)
    assert order_amount(seeded, client) == 2000


def test_coupon_applies_and_comes_off(seeded: Flask, client: ShopClient) -> None:
    add(client, "TEE-ORG", 2)
    client.post_form("/cart/coupon", {"code": " welcome10 "})
    assert order_amount(seeded, client) == 3600
    client.post_form("/cart/coupon/remove")
    assert order_amount(seeded, client) == 4000


def test_coupon_stops_applying_below_its_minimum_and_says_so(
    seeded: Flask, client: ShopClient
) -> None:
    add(client, "TEE-ORG", 2)
    client.post_form("/cart/coupon", {"code": "WELCOME10"})
    client.post_form("/cart/items/TEE-ORG/quantity", {"quantity": "1"})
    page = client.get("/cart").get_data(as_text=True)
    assert "Add £5.00 more to use coupon WELCOME10." in page
    assert order_amount(seeded, client) == 2000


def test_market_switch_reprices_the_cart_and_keeps_its_products(
    seeded: Flask, client: ShopClient
) -> None:
    add(client, "TEE-ORG", 2)
    add(client, "BOOK-BRD")
    switch_market(client, "SE")
    assert quantities(seeded, client) == {"TEE-ORG": 2, "BOOK-BRD": 1}
    assert order_amount(seeded, client) == 2 * 24900 + 29900
    page = client.get("/cart").get_data(as_text=True)
    assert "797,00\xa0kr" in page


def test_market_switch_clears_choices_that_do_not_fit(seeded: Flask, client: ShopClient) -> None:
    from tests.support.shopping import complete_checkout

    add(client, "TEE-ORG", 3)
    complete_checkout(client, "GB")
    client.post_form("/checkout/shipping", {"method": "next_day"})
    switch_market(client, "DE")
    cart = cart_of(seeded, client)
    assert (cart.market, cart.shipping_method, cart.addresses) == ("DE", None, [])
    assert client.get("/checkout/summary").location == "/checkout/details"


def test_market_switch_refuses_an_unknown_market(seeded: Flask, client: ShopClient) -> None:
    add(client, "TEE-ORG")
    switch_market(client, "XX")
    assert cart_of(seeded, client).market == "GB"
    assert ("error", "Please choose one of the countries listed.") in flashes(client)


def test_market_switch_goes_back_only_to_local_pages(client: ShopClient) -> None:
    local = client.post_form("/market", {"market": "US", "next": "/cart"})
    foreign = client.post_form("/market", {"market": "US", "next": "//evil.example/"})
    assert (local.location, foreign.location) == ("/cart", "/")


def test_home_shows_demo_coupons_and_prices_in_the_market(
    seeded: Flask, client: ShopClient
) -> None:
    switch_market(client, "DE")
    page = client.get("/").get_data(as_text=True)
    for code in ("WELCOME10", "TAKE10", "FREESHIP", "SUMMER24"):
        assert f"<code>{code}</code>" in page
    assert "24,99\xa0€" in page  # the tee's DE price
    # In German, the DE market's language.
    assert "10,00\xa0€ Rabatt auf die Waren, ab einem Bestellwert von 60,00\xa0€" in page


def test_coupon_not_yet_valid_or_not_for_this_market_is_refused(
    seeded: Flask, client: ShopClient
) -> None:
    from datetime import timedelta

    from storefront.extensions import db
    from storefront.models import Coupon, CouponMarketTerms

    with seeded.app_context():
        soon = Coupon(code="SOON", kind="percent", percent_off_bp=500, is_demo=True)
        soon.valid_from, soon.valid_until = today() + timedelta(days=1), None
        soon.market_terms.append(CouponMarketTerms(market="GB"))
        sweden_only = Coupon(code="SVERIGE", kind="percent", percent_off_bp=500)
        sweden_only.valid_from, sweden_only.valid_until = today(), None
        sweden_only.market_terms.append(CouponMarketTerms(market="SE"))
        db.session.add_all([soon, sweden_only])
        db.session.commit()
    add(client, "TEE-ORG")
    tomorrow = today() + timedelta(days=1)
    starts = f"{tomorrow.day} {tomorrow:%B %Y}"  # British English, as the shop writes dates
    client.post_form("/cart/coupon", {"code": "SOON"})
    assert ("error", f"Coupon SOON can be used from {starts}.") in flashes(client)
    client.post_form("/cart/coupon", {"code": "SVERIGE"})
    assert ("error", "Coupon SVERIGE cannot be used in United Kingdom.") in flashes(client)
    assert f"(valid from {starts}: try it" in client.get("/").get_data(as_text=True)
    assert order_amount(seeded, client) == 2000
