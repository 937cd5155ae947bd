"""Customer tokens: generated from an authorization, read, charged and cancelled."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorized_token, error_of
from tests.support.klarna_examples import (
    gb_cart,
    gb_customer_token_request,
    gb_subscription_cart,
    shopper_gb,
)
from tests.support.token_flows import TOKENS, charge, generate, new_customer_token

TOKEN_REQUEST = gb_customer_token_request()
subscription_cart = gb_subscription_cart


@pytest.fixture
def customer_token(api: KlarnaApiClient) -> str:
    """An ACTIVE customer token of the approved GB shopper."""
    return new_customer_token(api)


def test_generate_customer_token_answers_the_token(api: KlarnaApiClient) -> None:
    token = authorized_token(api, subscription_cart())

    response = generate(api, token, customer={"date_of_birth": "1970-07-10", "gender": "male"})

    assert response.status_code == 200
    assert response.json["token_id"]
    assert response.json["billing_address"] == shopper_gb()
    assert response.json["customer"] == {"date_of_birth": "1970-07-10", "gender": "male"}


def test_generate_customer_token_for_intent_buy_is_an_invalid_operation(
    api: KlarnaApiClient,
) -> None:
    response = generate(api, authorized_token(api))

    assert error_of(response) == (
        403,
        "INVALID_OPERATION",
        ["Not allowed to create customer tokens for intent buy."],
    )


def test_generate_customer_token_again_with_the_same_body_answers_the_same_token(
    api: KlarnaApiClient, emulator: Any
) -> None:
    token = authorized_token(api, subscription_cart())
    first = generate(api, token)

    again = generate(api, token)

    assert (again.status_code, again.json) == (200, first.json)
    assert len(emulator.store.customer_tokens) == 1


def test_generate_customer_token_again_with_another_body_finds_the_token_consumed(
    api: KlarnaApiClient,
) -> None:
    token = authorized_token(api, subscription_cart())
    generate(api, token)

    response = generate(api, token, description="Weekly socks")

    assert error_of(response) == (
        403,
        "INVALID_OPERATION",
        ["Authorization token already consumed"],
    )


@pytest.mark.parametrize(
    ("token_first", "message"),
    [
        (False, "Not allowed to create orders for intent tokenize."),
        (True, "Authorization token already consumed"),
    ],
)
def test_create_order_with_a_tokenize_token_is_an_invalid_operation(
    api: KlarnaApiClient, token_first: bool, message: str
) -> None:
    token = authorized_token(api, subscription_cart())
    if token_first:
        generate(api, token)

    response = api.post(f"/payments/v1/authorizations/{token}/order", json=subscription_cart())

    assert error_of(response) == (403, "INVALID_OPERATION", [message])
    assert api.get("/_emulator/state").json["orders"] == []


def test_generating_the_token_of_a_tokenize_session_completes_the_session(
    api: KlarnaApiClient,
) -> None:
    token = authorized_token(api, subscription_cart())
    session_id = api.get("/_emulator/state").json["sessions"][0]["session_id"]

    generate(api, token)

    session = api.get(f"/payments/v1/sessions/{session_id}").json
    assert (session["status"], session["intent"]) == ("complete", "tokenize")
    update = api.post(f"/payments/v1/sessions/{session_id}", json=subscription_cart())
    assert error_of(update)[:2] == (404, "SESSION_COMPLETED")


@pytest.mark.parametrize("intent", ["buy_and_tokenize", "buy_and_default_tokenize"])
@pytest.mark.parametrize("token_first", [True, False])
def test_one_buying_and_tokenizing_authorization_makes_an_order_and_a_token(
    api: KlarnaApiClient, emulator: Any, intent: str, token_first: bool
) -> None:
    cart = subscription_cart(intent)
    token = authorized_token(api, cart)

    def place() -> Any:
        return api.post(f"/payments/v1/authorizations/{token}/order", json=cart)

    if token_first:
        answers = [generate(api, token).status_code, place().status_code]
    else:
        answers = [place().status_code, generate(api, token).status_code]

    assert answers == [200, 200]
    (customer_token,) = emulator.store.customer_tokens.values()
    (order,) = emulator.store.orders.values()
    assert customer_token.intent == intent
    assert emulator.store.authorizations[token].order_id == order.order_id


def test_generate_customer_token_in_another_country_is_a_bad_value(api: KlarnaApiClient) -> None:
    token = authorized_token(api, subscription_cart())

    response = generate(api, token, purchase_country="IE", purchase_currency="EUR", locale="en-IE")

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: purchase_country"])


def test_generate_customer_token_with_a_billing_address_in_another_country_is_a_bad_country(
    api: KlarnaApiClient,
) -> None:
    token = authorized_token(api, subscription_cart())

    # SE's currency is not GBP, yet Klarna names the country, not the currency.
    response = generate(api, token, billing_address={**shopper_gb(), "country": "SE"})

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: purchase_country"])


def test_generate_customer_token_without_a_description_is_a_bad_value(api: KlarnaApiClient) -> None:
    token = authorized_token(api, subscription_cart())
    body = {key: value for key, value in TOKEN_REQUEST.items() if key != "description"}

    response = api.post(f"/payments/v1/authorizations/{token}/customer-token", json=body)

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: description"])


def test_generate_customer_token_with_an_unknown_token_answers_404(api: KlarnaApiClient) -> None:
    response = generate(api, "unknown")

    assert error_of(response) == (404, "NOT_FOUND", ["Invalid authorization token"])


def test_read_customer_token_shows_status_and_method(
    api: KlarnaApiClient, customer_token: str
) -> None:
    response = api.get(f"{TOKENS}/{customer_token}")

    assert response.status_code == 200
    assert response.json == {"status": "ACTIVE", "payment_method_type": "INVOICE"}


def test_read_customer_token_answers_token_not_found(api: KlarnaApiClient) -> None:
    response = api.get(f"{TOKENS}/unknown")

    assert error_of(response)[:2] == (404, "TOKEN_NOT_FOUND")


def test_token_order_creates_an_order_management_order(
    api: KlarnaApiClient, customer_token: str
) -> None:
    response = charge(api, customer_token)

    assert response.status_code == 200
    body = response.json
    assert body["fraud_status"] == "ACCEPTED"
    order = api.get(f"/ordermanagement/v1/orders/{body['order_id']}").json
    assert (order["order_amount"], order["purchase_country"]) == (2499, "GB")
    redirect = api.get(body["redirect_url"])
    assert redirect.headers["Location"] == "http://127.0.0.1:8000/done"


def test_token_order_in_another_currency_is_a_bad_value(
    api: KlarnaApiClient, customer_token: str
) -> None:
    body = {**gb_cart(), "purchase_currency": "EUR"}

    response = api.post(f"{TOKENS}/{customer_token}/order", json=body)

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: purchase_currency"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"purchase_currency": None}, "Bad value: purchase_currency"),
        ({"locale": None}, "Bad value: locale"),
        # The token's market is GB, whose only locale is en-GB.
        ({"locale": "de-DE"}, "Bad value: locale"),
    ],
)
def test_token_order_checks_the_market_fields_against_the_tokens_market(
    api: KlarnaApiClient, customer_token: str, change: dict[str, Any], message: str
) -> None:
    response = charge(api, customer_token, **change)

    assert error_of(response) == (400, "BAD_VALUE", [message])


def test_token_order_checks_the_arithmetic(api: KlarnaApiClient, customer_token: str) -> None:
    body = {**gb_cart(), "order_amount": 2500}

    response = api.post(f"{TOKENS}/{customer_token}/order", json=body)

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: order_amount"])


def test_token_order_on_a_cancelled_token_is_refused(
    api: KlarnaApiClient, customer_token: str
) -> None:
    cancelled = api.patch(f"{TOKENS}/{customer_token}/status", json={"status": "CANCELLED"})

    response = charge(api, customer_token)

    assert cancelled.status_code == 202
    assert error_of(response)[:2] == (403, "TOKEN_CANCELED")
    assert api.get(f"{TOKENS}/{customer_token}").json["status"] == "CANCELLED"


def test_token_order_on_a_suspended_token_is_refused(
    api: KlarnaApiClient, customer_token: str
) -> None:
    api.post(f"/_emulator/customer-tokens/{customer_token}/suspend", json={})

    response = charge(api, customer_token)

    assert error_of(response)[:2] == (403, "TOKEN_SUSPENDED")


def test_token_order_on_an_unknown_token_answers_token_not_found(api: KlarnaApiClient) -> None:
    assert error_of(charge(api, "unknown"))[:2] == (404, "TOKEN_NOT_FOUND")


def test_change_token_status_accepts_only_cancelled(
    api: KlarnaApiClient, customer_token: str
) -> None:
    response = api.patch(f"{TOKENS}/{customer_token}/status", json={"status": "ACTIVE"})

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: status"])


def test_change_token_status_of_an_unknown_token_answers_token_not_found(
    api: KlarnaApiClient,
) -> None:
    response = api.patch(f"{TOKENS}/unknown/status", json={"status": "CANCELLED"})

    assert error_of(response)[:2] == (404, "TOKEN_NOT_FOUND")
