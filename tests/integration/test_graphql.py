"""The GraphQL door: each operation of Magento's guest checkout with Klarna, and its errors.

Each runs through Flask's test client against the live emulator, as a headless client would:
JSON POSTs to /graphql, no cookie, no CSRF token.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order, Payment
from storefront.services.klarna_switch import switch_klarna
from tests.support.client import ShopClient
from tests.support.graphql_shopper import (
    CART_FIELDS,
    address_input,
    authorize_headless,
    data_of,
    fill_cart,
    graphql,
    klarna_session_id,
    messages_of,
    new_cart,
    place_order,
    set_klarna_method,
    start_session,
)
from tests.support.live_server import LiveServer
from tests.support.payment_flow import callback, emulator_of, klarna_operations, last_request_id

CART_QUERY = "query($c: String!) { cart(cart_id: $c) { %s } }"
METHODS = "available_payment_methods { code title }"
UNKNOWN = "0123456789abcdefghijklmnopqrstuv"


def cart_of(client: ShopClient, cart_id: str, fields: str = CART_FIELDS) -> dict:
    """The cart query's answer for these fields."""
    cart: dict = data_of(graphql(client, CART_QUERY % fields, {"c": cart_id}))["cart"]
    return cart


def orders(app: Flask) -> list[Order]:
    """Every shop order (detached)."""
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Order)))
        db.session.expunge_all()
    return rows


def paid_by_graphql(app: Flask, server: LiveServer, client: ShopClient, cart_id: str) -> str:
    """Session, authorize, set the payment method; the method's code."""
    identifier = start_session(client, cart_id)["payment_method_categories"][0]["identifier"]
    token = authorize_headless(app, server, client, cart_id, identifier)
    data_of(set_klarna_method(client, cart_id, f"klarna_{identifier}", token))
    return f"klarna_{identifier}"


def test_guest_checkout_places_one_order_with_klarna(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    cart_id = fill_cart(client, "GB", (("TEE-ORG", 2),))
    total = cart_of(client, cart_id)["prices"]["grand_total"]
    code = paid_by_graphql(seeded, emulator_server, client, cart_id)

    number = data_of(place_order(client, cart_id))["placeOrder"]["order"]["order_number"]

    [order] = orders(seeded)
    [klarna_order] = emulator_of(emulator_server).store.orders.values()
    assert order.number == number and order.status == "paid"
    assert order.total_minor == total["value_minor"] == klarna_order.order_amount
    assert total == {"value": 43.99, "currency": "GBP", "value_minor": 4399}
    assert code == "klarna_pay_later"
    assert klarna_operations(emulator_server) == ["create_session", "create_order"]
    assert messages_of(place_order(client, cart_id)) == [
        f'Could not find a cart with ID "{cart_id}"'
    ]


def test_cart_ids_are_random_and_the_store_header_picks_the_market(client: ShopClient) -> None:
    ids = [new_cart(client), new_cart(client)]
    empty = data_of(graphql(client, "mutation { createEmptyCart }"))["createEmptyCart"]
    german = new_cart(client, "DE")

    assert all(re.fullmatch(r"[A-Za-z0-9]{32}", cart_id) for cart_id in [*ids, empty, german])
    assert len({*ids, empty, german}) == 4
    config = graphql(client, "{ storeConfig { store_code base_currency_code } }", Store="de")
    assert data_of(config)["storeConfig"] == {"store_code": "de", "base_currency_code": "EUR"}
    wrong = client.post(
        "/graphql", json={"query": "{ storeConfig { store_code } }"}, headers={"Store": "xx"}
    )
    assert wrong.status_code == 400
    assert wrong.get_json()["errors"][0]["message"] == "Requested store is not found"
    chosen = graphql(client, 'mutation { createEmptyCart(input: {cart_id: "mine"}) }')
    assert messages_of(chosen) == ['"cart_id" cannot be chosen here; the shop makes the cart id.']


@pytest.mark.parametrize(
    "operation",
    [
        CART_QUERY % "id",
        "mutation($c: String!) { addProductsToCart(cartId: $c,"
        ' cartItems: [{sku: "TEE-ORG", quantity: 1}]) { cart { id } } }',
        "mutation($c: String!) { applyCouponToCart(input: {cart_id: $c,"
        ' coupon_code: "WELCOME10"}) { cart { id } } }',
        "mutation($c: String!) { createKlarnaPaymentsSession(input: {cart_id: $c})"
        " { client_token } }",
        "mutation($c: String!) { placeOrder(input: {cart_id: $c}) { order { order_number } } }",
    ],
    ids=[
        "cart",
        "addProductsToCart",
        "applyCouponToCart",
        "createKlarnaPaymentsSession",
        "placeOrder",
    ],
)
@pytest.mark.parametrize(
    "guess",
    [
        lambda real: UNKNOWN,
        lambda real: real[:-1] + ("A" if real[-1] != "A" else "B"),  # one character off
        lambda real: real[:-1],  # a prefix
        lambda real: real.swapcase(),  # ids are case-sensitive
    ],
    ids=["unknown", "one-off", "prefix", "other-case"],
)
def test_a_guessed_cart_id_is_magentos_error_and_changes_nothing(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    operation: str,
    guess: Callable[[str], str],
) -> None:
    """Another shopper's cart, ready to pay, is there; a guess near its id reaches nothing."""
    real = fill_cart(client, "GB")
    before = cart_of(client, real)
    guessed = guess(real)

    answer = graphql(client, operation, {"c": guessed})

    assert messages_of(answer) == [f'Could not find a cart with ID "{guessed}"']
    assert answer["errors"][0]["extensions"] == {"category": "graphql-no-such-entity"}
    assert cart_of(client, real) == before
    assert klarna_operations(emulator_server) == []


@pytest.mark.parametrize(
    "operation",
    [
        CART_QUERY % "id",
        "mutation($c: String!) { addProductsToCart(cartId: $c,"
        ' cartItems: [{sku: "TEE-ORG", quantity: 5}]) { cart { id } } }',
        "mutation($c: String!) { createKlarnaPaymentsSession(input: {cart_id: $c})"
        " { client_token } }",
        "mutation($c: String!) { placeOrder(input: {cart_id: $c}) { order { order_number } } }",
    ],
    ids=["cart", "addProductsToCart", "createKlarnaPaymentsSession", "placeOrder"],
)
def test_another_stores_cart_is_magentos_wrong_store_and_changes_nothing(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, operation: str
) -> None:
    """A Swedish cart named under the British store is refused, as Magento refuses a cart of
    another store view; the same request under its own store (or none) reaches it."""
    swedish = fill_cart(client, "SE")
    before = cart_of(client, swedish)

    answer = graphql(client, operation, {"c": swedish}, Store="gb")

    assert messages_of(answer) == [f'Wrong store code specified for cart "{swedish}"']
    assert answer["errors"][0]["extensions"] == {"category": "graphql-no-such-entity"}
    assert cart_of(client, swedish) == before
    assert klarna_operations(emulator_server) == []
    own = graphql(client, CART_QUERY % "id", {"c": swedish}, Store="se")
    assert data_of(own)["cart"]["id"] == swedish


def test_cart_items_are_added_changed_and_removed(seeded: Flask, client: ShopClient) -> None:
    cart_id = new_cart(client)
    add = (
        "mutation($c: String!, $i: [CartItemInput!]!) { addProductsToCart(cartId: $c,"
        " cartItems: $i) { cart { total_quantity } user_errors { code message } } }"
    )
    added = data_of(
        graphql(
            client,
            add,
            {
                "c": cart_id,
                "i": [
                    {"sku": "TEE-ORG", "quantity": 2},
                    {"sku": "NOPE", "quantity": 1},
                    {"sku": "TEE-ORG", "quantity": 1.5},
                ],
            },
        )
    )["addProductsToCart"]
    assert added["cart"]["total_quantity"] == 2
    assert [error["code"] for error in added["user_errors"]] == ["PRODUCT_NOT_FOUND", "UNDEFINED"]
    assert added["user_errors"][1]["message"] == "Choose a whole quantity from 1 to 99."

    update = (
        "mutation($c: String!, $q: Float!) { updateCartItems(input: {cart_id: $c,"
        ' cart_items: [{cart_item_uid: "TEE-ORG", quantity: $q}]}) { cart { total_quantity } } }'
    )
    changed = data_of(graphql(client, update, {"c": cart_id, "q": 5}))
    assert changed["updateCartItems"]["cart"]["total_quantity"] == 5
    assert messages_of(graphql(client, update, {"c": cart_id, "q": 100})) == [
        "Choose a quantity from 1 to 99; 100 is not possible."
    ]
    assert cart_of(client, cart_id, "total_quantity")["total_quantity"] == 5
    assert (
        data_of(graphql(client, update, {"c": cart_id, "q": 0}))["updateCartItems"]["cart"][
            "total_quantity"
        ]
        == 0
    )

    remove = (
        "mutation($c: String!) { removeItemFromCart(input: {cart_id: $c,"
        ' cart_item_uid: "TEE-ORG"}) { cart { total_quantity } } }'
    )
    assert messages_of(graphql(client, remove, {"c": cart_id})) == [
        "That product is not in your cart any more."
    ]


def test_coupons_are_applied_and_removed(seeded: Flask, client: ShopClient) -> None:
    cart_id = fill_cart(client, "GB", (("TEE-ORG", 3),))
    apply = (
        "mutation($c: String!, $code: String!) { applyCouponToCart(input: {cart_id: $c,"
        " coupon_code: $code}) { cart { applied_coupons { code }"
        " prices { discounts { label amount { value_minor } } } } } }"
    )
    cart = data_of(graphql(client, apply, {"c": cart_id, "code": "welcome10"}))
    assert cart["applyCouponToCart"]["cart"] == {
        "applied_coupons": [{"code": "WELCOME10"}],
        "prices": {"discounts": [{"label": "WELCOME10", "amount": {"value_minor": 600}}]},
    }
    assert messages_of(graphql(client, apply, {"c": cart_id, "code": "NOSUCH"})) == [
        "There is no coupon code NOSUCH."
    ]
    removed = graphql(
        client,
        "mutation($c: String!) { removeCouponFromCart(input: {cart_id: $c})"
        " { cart { applied_coupons { code } } } }",
        {"c": cart_id},
    )
    assert data_of(removed)["removeCouponFromCart"]["cart"]["applied_coupons"] is None


def test_details_are_checked_as_klarna_checks_them(seeded: Flask, client: ShopClient) -> None:
    cart_id = new_cart(client)
    email = (
        "mutation($c: String!, $e: String!) { setGuestEmailOnCart(input: {cart_id: $c, email: $e})"
        " { cart { email } } }"
    )
    [message] = messages_of(graphql(client, email, {"c": cart_id, "e": "not-an-email"}))
    assert message.startswith("Please correct the highlighted details. email:")
    german = address_input("DE")
    shipping = (
        "mutation($c: String!, $a: CartAddressInput!) { setShippingAddressesOnCart(input:"
        " {cart_id: $c, shipping_addresses: [{address: $a}]}) { cart { id } } }"
    )
    [wrong_country] = messages_of(graphql(client, shipping, {"c": cart_id, "a": german}))
    assert "country: The shop delivers to United Kingdom only." in wrong_country
    method = (
        "mutation($c: String!) { setShippingMethodsOnCart(input: {cart_id: $c, shipping_methods:"
        ' [{carrier_code: "teleport", method_code: "teleport"}]}) { cart { id } } }'
    )
    assert messages_of(graphql(client, method, {"c": cart_id})) == [
        "Please choose one of the shipping methods listed."
    ]
    billing = (
        "mutation($c: String!) { setBillingAddressOnCart(input: {cart_id: $c,"
        " billing_address: {same_as_shipping: true}}) { cart { id } } }"
    )
    assert messages_of(graphql(client, billing, {"c": cart_id})) == [
        "The shipping address is missing. Set the address and try again."
    ]
    cart = cart_of(client, cart_id, "email shipping_addresses { city } billing_address { city }")
    assert cart == {"email": None, "shipping_addresses": [], "billing_address": None}


def test_klarna_switched_off_is_magentos_not_active_and_calls_no_klarna(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    cart_id = fill_cart(client, "GB")
    with seeded.app_context():
        switch_klarna("GB", enabled=False, by="test")

    answer = graphql(
        client,
        "mutation($c: String!) { createKlarnaPaymentsSession(input: {cart_id: $c})"
        " { client_token } }",
        {"c": cart_id},
    )

    assert messages_of(answer) == ["The Klarna payment method is not active."]
    assert cart_of(client, cart_id, METHODS)["available_payment_methods"] == []
    assert klarna_operations(emulator_server) == []


def test_available_payment_methods_refresh_the_session_only_when_the_cart_changed(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    cart_id = fill_cart(client, "GB")
    assert cart_of(client, cart_id, METHODS)["available_payment_methods"] == [
        {"code": "klarna_pay_later", "title": "Pay later."}
    ]
    session_id = klarna_session_id(seeded, cart_id)
    seen = last_request_id(emulator_server)
    cart_of(client, cart_id, METHODS)
    assert klarna_operations(emulator_server, seen) == []

    graphql(
        client,
        "mutation($c: String!) { updateCartItems(input: {cart_id: $c,"
        ' cart_items: [{cart_item_uid: "TEE-ORG", quantity: 3}]}) { cart { id } } }',
        {"c": cart_id},
    )
    total = cart_of(client, cart_id)["prices"]["grand_total"]["value_minor"]
    cart_of(client, cart_id, METHODS)

    store = emulator_of(emulator_server).store
    assert klarna_operations(emulator_server, seen) == ["update_session", "read_session"]
    assert store.sessions[session_id].data["order_amount"] == total
    assert klarna_session_id(seeded, cart_id) == session_id


def test_a_session_the_client_created_first_is_the_one_kept(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    cart_id = fill_cart(client, "SE")
    session = start_session(client, cart_id)
    again = start_session(client, cart_id)
    cart_of(client, cart_id, METHODS)

    assert again["client_token"] == session["client_token"]
    assert klarna_operations(emulator_server) == ["create_session"]


def test_payment_method_and_place_order_refusals(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    cart_id = fill_cart(client, "GB")
    assert messages_of(place_order(client, cart_id)) == [
        "Unable to place order: The payment method is missing. Select the payment method and"
        " try again."
    ]
    start_session(client, cart_id)
    assert messages_of(set_klarna_method(client, cart_id, "checkmo", "token")) == [
        "The requested Payment Method is not available."
    ]
    code = paid_by_graphql(seeded, emulator_server, client, cart_id)
    assert code == "klarna_pay_later"
    graphql(
        client,
        "mutation($c: String!) { updateCartItems(input: {cart_id: $c,"
        ' cart_items: [{cart_item_uid: "TEE-ORG", quantity: 2}]}) { cart { id } } }',
        {"c": cart_id},
    )

    [message] = messages_of(place_order(client, cart_id))

    assert message.startswith("Unable to place order: Your order changed after you confirmed it")
    assert orders(seeded) == []
    assert cart_of(client, cart_id, "selected_payment_method { code }") == {
        "selected_payment_method": None
    }


def test_klarnas_callback_places_a_headless_checkouts_order(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    cart_id = fill_cart(client, "US")
    identifier = start_session(client, cart_id)["payment_method_categories"][0]["identifier"]
    token = authorize_headless(seeded, emulator_server, client, cart_id, identifier)
    session_id = klarna_session_id(seeded, cart_id)
    with seeded.app_context():
        key = db.session.scalar(
            sa.select(Payment.callback_secret).where(Payment.klarna_session_id == session_id)
        )
    response = callback(client, key or "", {"authorization_token": token, "session_id": session_id})

    assert response.status_code == 200, response.get_json()
    [order] = orders(seeded)
    assert order.klarna_session_id == session_id and order.status == "paid"
    assert klarna_operations(emulator_server).count("create_order") == 1


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/x-www-form-urlencoded", "query=%7B%7D"), ("text/plain", '{"query": "{}"}')],
    ids=["form", "text"],
)
def test_only_json_posts_are_answered(client: ShopClient, content_type: str, body: str) -> None:
    """A cross-site page can send these without a preflight: they are refused (no CSRF token)."""
    response = client.post("/graphql", data=body, headers={"Content-Type": content_type})
    assert response.status_code == 415


def test_oversized_deep_and_costly_documents_are_refused(seeded: Flask, client: ShopClient) -> None:
    aliased = "".join(f'a{i}: cart(cart_id: "x") {{ id }} ' for i in range(160))
    [costly] = messages_of(graphql(client, "{ __typename " + aliased + "}"))
    assert costly.startswith("The query exceeds the maximum cost of 300.")
    introspective = (
        "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name }"
        " } } } } } } } }"
    )
    messages = messages_of(graphql(client, introspective))
    assert any("levels deep" in message for message in messages), messages
    big = client.post("/graphql", json={"query": "{ __typename }", "pad": "x" * 20_000})
    assert big.status_code == 413
    tokens = "{ " + "a " * 2100 + "}"
    [too_long] = messages_of(graphql(client, tokens))
    assert "tokens" in too_long


def test_introspection_is_on_in_demo_mode_only(
    client: ShopClient, make_app: Callable[..., Flask]
) -> None:
    query = "{ __schema { queryType { name } } }"
    assert messages_of(graphql(client, query))[0].startswith("Cannot query '__schema'")
    demo = make_app(GRAPHQL_INTROSPECTION=True).test_client()
    assert data_of(graphql(demo, query)) == {"__schema": {"queryType": {"name": "Query"}}}


def test_text_with_a_nul_is_refused_before_anything_is_stored(
    seeded: Flask, client: ShopClient
) -> None:
    cart_id = new_cart(client)
    answer = graphql(
        client,
        "mutation($c: String!) { setGuestEmailOnCart(input: {cart_id: $c,"
        ' email: "a\\u0000@b.se"}) { cart { email } } }',
        {"c": cart_id},
    )
    assert messages_of(answer) == ["Text with a NUL character cannot be stored."]


def test_a_refusal_logs_none_of_the_request(
    seeded: Flask, client: ShopClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cart_id = new_cart(client)
    street = "17 Private Lane"
    answer = graphql(
        client,
        "mutation($c: String!) { setShippingAddressesOnCart(input: {cart_id: $c,"
        ' shipping_addresses: [{address: {firstname: "A", lastname: "B",'
        f' street: ["{street}"], city: "Berlin", postcode: "10178", country_code: "DE",'
        ' telephone: "+49017614284340"}}]}) { cart { id } } }',
        {"c": cart_id},
    )
    assert messages_of(answer)
    assert street not in caplog.text
