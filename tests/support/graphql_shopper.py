"""A headless shopper on the GraphQL door: Magento's guest checkout, step by step."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from storefront.extensions import db
from storefront.models import Cart, Payment
from tests.support.live_server import LiveServer
from tests.support.payment_flow import control_client
from tests.support.personas import PERSONAS
from tests.support.shopping import FIRST_SHIPPING_METHOD

CART_FIELDS = """
  id email total_quantity
  items { uid quantity product { sku name } prices { row_total { value currency value_minor } } }
  prices { grand_total { value currency value_minor } }
  shipping_addresses {
    available_shipping_methods { carrier_code method_code amount { value_minor } }
  }
"""


def graphql(
    client: FlaskClient, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> dict[str, Any]:
    """POST one operation as a headless client does (JSON, no cookie, no CSRF token)."""
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer: dict[str, Any] = response.get_json()
    return answer


def data_of(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer's data, after checking it has no errors."""
    assert "errors" not in answer, answer["errors"]
    data: dict[str, Any] = answer["data"]
    return data


def messages_of(answer: dict[str, Any]) -> list[str]:
    """The answer's error messages."""
    return [error["message"] for error in answer.get("errors", [])]


def address_input(market: str) -> dict[str, Any]:
    """Klarna's approved persona for the market as Magento's CartAddressInput."""
    _, phone, address = PERSONAS[market]
    return {
        "firstname": address.given_name,
        "lastname": address.family_name,
        "street": [line for line in (address.street_address, address.street_address2) if line],
        "city": address.city,
        "region": address.region or None,
        "postcode": address.postal_code,
        "country_code": address.country,
        "telephone": phone,
    }


def new_cart(client: FlaskClient, market: str = "GB") -> str:
    """createGuestCart in a market; the masked cart id."""
    answer = graphql(client, "mutation { createGuestCart { cart { id } } }", Store=market.lower())
    cart_id: str = data_of(answer)["createGuestCart"]["cart"]["id"]
    return cart_id


def fill_cart(
    client: FlaskClient, market: str = "GB", items: tuple[tuple[str, int], ...] = (("TEE-ORG", 1),)
) -> str:
    """A guest cart with products, e-mail, addresses and shipping: ready to pay; its id."""
    cart_id = new_cart(client, market)
    steps = [
        (
            "mutation($c: String!, $i: [CartItemInput!]!) {"
            " addProductsToCart(cartId: $c, cartItems: $i) { user_errors { message } } }",
            {"i": [{"sku": sku, "quantity": quantity} for sku, quantity in items]},
        ),
        (
            "mutation($c: String!, $e: String!) {"
            " setGuestEmailOnCart(input: {cart_id: $c, email: $e}) { cart { email } } }",
            {"e": PERSONAS[market][0]},
        ),
        (
            "mutation($c: String!, $a: CartAddressInput!) { setShippingAddressesOnCart("
            "input: {cart_id: $c, shipping_addresses: [{address: $a}]}) { cart { id } } }",
            {"a": address_input(market)},
        ),
        (
            "mutation($c: String!) { setBillingAddressOnCart("
            "input: {cart_id: $c, billing_address: {same_as_shipping: true}}) { cart { id } } }",
            {},
        ),
        (
            "mutation($c: String!, $m: String!) { setShippingMethodsOnCart(input: {cart_id: $c,"
            " shipping_methods: [{carrier_code: $m, method_code: $m}]}) { cart { id } } }",
            {"m": FIRST_SHIPPING_METHOD[market]},
        ),
    ]
    for query, variables in steps:
        answer = data_of(graphql(client, query, {"c": cart_id, **variables}))
        assert answer.get("addProductsToCart", {"user_errors": []})["user_errors"] == []
    return cart_id


def start_session(client: FlaskClient, cart_id: str) -> dict[str, Any]:
    """createKlarnaPaymentsSession: the client token and categories."""
    answer = graphql(
        client,
        "mutation($c: String!) { createKlarnaPaymentsSession(input: {cart_id: $c}) {"
        " client_token payment_method_categories { identifier name } } }",
        {"c": cart_id},
    )
    session: dict[str, Any] = data_of(answer)["createKlarnaPaymentsSession"]
    return session


def klarna_session_id(app: Flask, cart_id: str) -> str:
    """The Klarna session id of a headless cart (the widget knows it from the client token)."""
    with app.app_context():
        session_id = db.session.scalar(
            sa.select(Payment.klarna_session_id).join(Cart).where(Cart.masked_id == cart_id)
        )
    assert session_id is not None
    return session_id


def authorize_headless(
    app: Flask, server: LiveServer, client: FlaskClient, cart_id: str, category: str
) -> str:
    """Do what the widget's authorize() does with the cart's authorize data; the token."""
    answer = graphql(
        client, "query($c: String!) { cart(cart_id: $c) { klarna_authorize_data } }", {"c": cart_id}
    )
    data = json.loads(data_of(answer)["cart"]["klarna_authorize_data"])
    response = control_client(server).post(
        f"/_emulator/sessions/{klarna_session_id(app, cart_id)}/authorize",
        json={"payment_method_category": category, **data},
    )
    assert response.status_code == 200, response.get_json()
    token: str = response.get_json()["authorization_token"]
    return token


def set_klarna_method(client: FlaskClient, cart_id: str, code: str, token: str) -> dict[str, Any]:
    """setPaymentMethodOnCart with the authorization token (the raw answer)."""
    return graphql(
        client,
        "mutation($c: String!, $code: String!, $t: String!) { setPaymentMethodOnCart(input: {"
        " cart_id: $c, payment_method: {code: $code, klarna: {authorization_token: $t}}})"
        " { cart { selected_payment_method { code } } } }",
        {"c": cart_id, "code": code, "t": token},
    )


def place_order(client: FlaskClient, cart_id: str) -> dict[str, Any]:
    """placeOrder (the raw answer)."""
    return graphql(
        client,
        "mutation($c: String!) { placeOrder(input: {cart_id: $c}) { order { order_number } } }",
        {"c": cart_id},
    )
