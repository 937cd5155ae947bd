"""Payments API orders over HTTP: create order, the authorize snapshot, cancel authorization."""

from __future__ import annotations

import pytest

from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorize, authorized_token, create_session, error_of
from tests.support.klarna_examples import gb_cart, shopper_gb

AUTHORIZATIONS = "/payments/v1/authorizations"


def order_url(token: str) -> str:
    """The create-order URL of a token."""
    return f"{AUTHORIZATIONS}/{token}/order"


def test_create_order_places_the_order_and_completes_the_session(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    cart = {**gb_cart(), "merchant_urls": {"confirmation": "http://127.0.0.1:8000/done/{order.id}"}}
    token = authorized_token(api, cart)

    response = api.post(order_url(token), json={**cart, "merchant_reference1": "ORD-1"})

    assert response.status_code == 200
    body = response.json
    assert body["fraud_status"] == "ACCEPTED"
    assert body["authorized_payment_method"] == {"type": "invoice", "number_of_days": 30}
    session = next(iter(emulator.store.sessions.values()))
    assert body["redirect_url"] == f"http://localhost/v1/sessions/{session.session_id}/redirect"
    assert session.status == "complete"
    order = emulator.store.orders[body["order_id"]]
    assert order.purchase["merchant_reference1"] == "ORD-1"
    assert order.purchase["billing_address"] == shopper_gb()
    redirect = api.get(body["redirect_url"])
    assert redirect.status_code == 302
    assert redirect.headers["Location"] == f"http://127.0.0.1:8000/done/{body['order_id']}"


def test_create_order_omits_redirect_url_without_a_confirmation_url(api: KlarnaApiClient) -> None:
    token = authorized_token(api)

    response = api.post(order_url(token), json=gb_cart())

    assert response.status_code == 200
    assert "redirect_url" not in response.json


def test_create_order_repeated_identically_returns_the_same_order(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    token = authorized_token(api)

    first = api.post(order_url(token), json=gb_cart())
    second = api.post(order_url(token), json=gb_cart())

    assert second.status_code == 200
    assert second.json == first.json
    assert len(emulator.store.orders) == 1


def test_create_order_repeated_with_another_body_is_a_conflict(api: KlarnaApiClient) -> None:
    token = authorized_token(api)
    api.post(order_url(token), json=gb_cart())

    response = api.post(order_url(token), json={**gb_cart(), "merchant_reference1": "other"})

    assert error_of(response) == (
        409,
        "BAD_VALUE",
        ["The order has been already completed with different request body"],
    )


def test_create_order_with_an_unknown_token_answers_404(api: KlarnaApiClient) -> None:
    response = api.post(order_url("1eddf502-f3a0-45bf-b1fd-f2e3a2758200"), json=gb_cart())

    assert error_of(response) == (404, "NOT_FOUND", ["Invalid authorization token"])


def test_create_order_with_a_superseded_token_answers_404(api: KlarnaApiClient) -> None:
    session_id = create_session(api)
    first = authorize(api, session_id)["authorization_token"]
    second = authorize(api, session_id)["authorization_token"]

    stale = api.post(order_url(first), json=gb_cart())
    fresh = api.post(order_url(second), json=gb_cart())

    assert error_of(stale) == (404, "NOT_FOUND", ["Invalid authorization token"])
    assert fresh.status_code == 200


def test_create_order_with_an_older_token_after_the_order_answers_session_completed(
    api: KlarnaApiClient,
) -> None:
    session_id = create_session(api)
    first = authorize(api, session_id)["authorization_token"]
    second = authorize(api, session_id)["authorization_token"]
    api.post(order_url(second), json=gb_cart())

    response = api.post(order_url(first), json=gb_cart())

    assert error_of(response) == (404, "SESSION_COMPLETED", ["Session has already been completed"])


def test_create_order_with_a_changed_billing_address_is_a_conflict(api: KlarnaApiClient) -> None:
    token = authorized_token(api)
    moved = {**shopper_gb(), "postal_code": "W1S 3BF"}

    response = api.post(order_url(token), json={**gb_cart(), "billing_address": moved})

    assert error_of(response) == (
        409,
        "BAD_VALUE",
        ["Not matching fields: [billing_address.postal_code]"],
    )


def test_create_order_names_every_difference_in_klarnas_order(api: KlarnaApiClient) -> None:
    token = authorized_token(api)
    cart = gb_cart()
    cart["order_lines"].append({**cart["order_lines"][1], "reference": "GIFT-WRAP"})
    cart.update(order_amount=2998, order_tax_amount=499)
    shipping = {**shopper_gb(), "given_name": "Other", "family_name": "Person", "city": "Leeds"}

    response = api.post(order_url(token), json={**cart, "shipping_address": shipping})

    assert error_of(response) == (
        409,
        "BAD_VALUE",
        [
            "Not matching fields: [shipping_address.given_name, shipping_address.family_name, "
            "shipping_address.city, order_amount, order_tax_amount, "
            "Incorrect number of items in the cart. Expected: 2, Actual: 3]"
        ],
    )


def test_create_order_compares_order_lines_field_by_field(api: KlarnaApiClient) -> None:
    token = authorized_token(api)
    cart = gb_cart()
    cart["order_lines"][0]["name"] = "T-shirt (blue)"
    del cart["order_lines"][1]["total_discount_amount"]  # absent means 0: still a match

    response = api.post(order_url(token), json=cart)

    assert error_of(response) == (409, "BAD_VALUE", ["Not matching fields: [order_lines[0].name]"])


def test_create_order_validates_the_body_like_a_session(api: KlarnaApiClient) -> None:
    token = authorized_token(api)
    cart = gb_cart()
    cart["order_lines"][1]["total_tax_amount"] = 99

    response = api.post(order_url(token), json=cart)

    assert error_of(response) == (
        400,
        "BAD_VALUE",
        ["Bad value: order_lines[1].total_tax_amount"],
    )


@pytest.mark.parametrize("field", ["locale", "purchase_country", "purchase_currency"])
def test_create_order_with_a_null_market_field_is_a_bad_value(
    api: KlarnaApiClient, field: str
) -> None:
    token = authorized_token(api)

    response = api.post(order_url(token), json={**gb_cart(), field: None})

    assert error_of(response) == (400, "BAD_VALUE", [f"Bad value: {field}"])


def test_create_order_after_a_failure_keeps_failing_for_that_token(api: KlarnaApiClient) -> None:
    token = authorized_token(api)
    api.post(order_url(token), json={**gb_cart(), "order_amount": 1})

    retry = api.post(order_url(token), json=gb_cart())

    assert error_of(retry) == (400, "BAD_VALUE", ["Bad value: order_amount"])


def test_create_order_with_a_malformed_body_answers_bad_request(api: KlarnaApiClient) -> None:
    token = authorized_token(api)

    response = api.post(order_url(token), data=b"{", content_type="application/json")

    assert error_of(response) == (400, "BAD_REQUEST", [])


def test_create_order_uses_the_authorized_addresses_when_the_body_omits_them(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    token = authorized_token(api)

    order_id = api.post(order_url(token), json=gb_cart()).json["order_id"]

    order = api.get(f"/ordermanagement/v1/orders/{order_id}").json
    assert order["billing_address"] == shopper_gb()
    assert order["shipping_address"] == shopper_gb()


def test_cancel_authorization_answers_204_and_the_token_is_gone(api: KlarnaApiClient) -> None:
    token = authorized_token(api)

    response = api.delete(f"{AUTHORIZATIONS}/{token}")
    order = api.post(order_url(token), json=gb_cart())

    assert response.status_code == 204
    assert response.get_data() == b""
    assert error_of(order) == (404, "NOT_FOUND", ["Invalid authorization token"])


def test_cancel_authorization_of_an_unknown_token_answers_404(api: KlarnaApiClient) -> None:
    response = api.delete(f"{AUTHORIZATIONS}/unknown")

    assert error_of(response) == (404, "NOT_FOUND", ["Invalid authorization token"])


def test_cancel_authorization_after_the_order_cannot_delete_it(api: KlarnaApiClient) -> None:
    token = authorized_token(api)
    api.post(order_url(token), json=gb_cart())

    response = api.delete(f"{AUTHORIZATIONS}/{token}")

    assert error_of(response) == (404, "NOT_FOUND", ["Authorization cannot be deleted"])


@pytest.mark.parametrize(
    ("auto_capture", "status", "captured"), [(True, "CAPTURED", 2499), (False, "AUTHORIZED", 0)]
)
def test_create_order_with_auto_capture_captures_at_once(
    api: KlarnaApiClient, auto_capture: bool, status: str, captured: int
) -> None:
    token = authorized_token(api)

    order_id = api.post(order_url(token), json={**gb_cart(), "auto_capture": auto_capture}).json[
        "order_id"
    ]

    order = api.get(f"/ordermanagement/v1/orders/{order_id}").json
    assert (order["status"], order["captured_amount"]) == (status, captured)


def test_create_order_of_zero_with_auto_capture_has_nothing_to_capture(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    cart = gb_cart()
    cart["order_lines"] = [
        {**cart["order_lines"][0], "unit_price": 0, "total_amount": 0, "total_tax_amount": 0}
    ]
    cart.update(order_amount=0, order_tax_amount=0)
    token = authorized_token(api, cart)

    response = api.post(order_url(token), json={**cart, "auto_capture": True})

    assert response.status_code == 200
    order = api.get(f"/ordermanagement/v1/orders/{response.json['order_id']}").json
    assert (order["status"], order["captured_amount"]) == ("AUTHORIZED", 0)
    assert len(emulator.store.orders) == 1
