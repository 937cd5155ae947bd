"""Session intents and the order lines' `subscription` object, from session to customer token."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorize, authorized_token, create_session, error_of
from tests.support.klarna_examples import (
    gb_cart,
    gb_free_trial_cart,
    gb_subscription_cart,
    shopper_gb,
)
from tests.support.token_flows import TOKENS, charge, generate, new_customer_token

SESSIONS = "/payments/v1/sessions"
INTENTS = ["buy", "tokenize", "buy_and_tokenize", "buy_and_default_tokenize"]
TOKENIZING = ["tokenize", "buy_and_tokenize", "buy_and_default_tokenize"]


def with_subscription(cart: dict[str, Any], subscription: Any) -> dict[str, Any]:
    """`cart` with its first line's `subscription` replaced (None: removed)."""
    line = {key: value for key, value in cart["order_lines"][0].items() if key != "subscription"}
    if subscription is not None:
        line["subscription"] = subscription
    return {**cart, "order_lines": [line, *cart["order_lines"][1:]]}


def monthly(**change: Any) -> dict[str, Any]:
    """The monthly subscription object, changed; a None value removes the field."""
    subscription = {"name": "Monthly socks {{S-1}}", "interval": "MONTH", "interval_count": 1}
    subscription.update(change)
    return {key: value for key, value in subscription.items() if value is not None}


@pytest.mark.parametrize("intent", INTENTS)
def test_every_documented_intent_is_accepted_and_read_back(
    api: KlarnaApiClient, intent: str
) -> None:
    session_id = create_session(api, gb_subscription_cart(intent))

    assert api.get(f"{SESSIONS}/{session_id}").json["intent"] == intent
    (session,) = api.get("/_emulator/state").json["sessions"]
    assert session["intent"] == intent


def test_a_session_without_intent_reads_back_as_buy(api: KlarnaApiClient) -> None:
    session_id = create_session(api, gb_cart())

    assert api.get(f"{SESSIONS}/{session_id}").json["intent"] == "buy"


@pytest.mark.parametrize("intent", ["buy_and_link", "BUY", "subscribe", "", None, 1])
def test_other_intents_are_a_bad_value(api: KlarnaApiClient, intent: Any) -> None:
    response = api.post(SESSIONS, json={**gb_subscription_cart(), "intent": intent})

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: intent"])


@pytest.mark.parametrize("intent", TOKENIZING)
def test_a_tokenizing_intent_without_a_subscription_line_is_a_bad_value(
    api: KlarnaApiClient, intent: str
) -> None:
    response = api.post(SESSIONS, json={**gb_cart(), "intent": intent})

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: order_lines"])
    assert api.get("/_emulator/state").json["sessions"] == []


def test_a_buy_session_may_carry_subscription_lines(api: KlarnaApiClient) -> None:
    assert create_session(api, gb_subscription_cart("buy"))


def test_updating_a_session_to_a_tokenizing_intent_needs_a_subscription_line(
    api: KlarnaApiClient,
) -> None:
    session_id = create_session(api, gb_cart())

    refused = api.post(f"{SESSIONS}/{session_id}", json={"intent": "tokenize"})
    accepted = api.post(f"{SESSIONS}/{session_id}", json=gb_subscription_cart())

    assert error_of(refused) == (400, "BAD_VALUE", ["Bad value: order_lines"])
    assert accepted.status_code == 204
    assert api.get(f"{SESSIONS}/{session_id}").json["intent"] == "tokenize"


def test_authorize_with_order_lines_that_drop_the_subscription_is_a_fixable_error(
    api: KlarnaApiClient,
) -> None:
    session_id = create_session(api, gb_subscription_cart())

    payload = authorize(api, session_id, order_lines=gb_cart()["order_lines"])

    assert payload == {
        "approved": False,
        "show_form": True,
        "error": {"invalid_fields": ["order_lines"]},
    }


def test_a_free_trial_tokenize_session_of_zero_makes_a_chargeable_token(
    api: KlarnaApiClient,
) -> None:
    token = authorized_token(api, gb_free_trial_cart())

    generated = generate(api, token)
    renewal = charge(api, generated.json["token_id"])

    assert (generated.status_code, renewal.status_code) == (200, 200)


@pytest.mark.parametrize(
    ("subscription", "field"),
    [
        (monthly(interval="month"), "interval"),
        (monthly(interval="QUARTER"), "interval"),
        (monthly(interval=None), "interval"),
        (monthly(name=None), "name"),
        (monthly(name=""), "name"),
        (monthly(name="x" * 256), "name"),
        (monthly(interval_count=0), "interval_count"),
        (monthly(interval_count=-1), "interval_count"),
        (monthly(interval_count=1.5), "interval_count"),
        (monthly(interval_count="1"), "interval_count"),
        (monthly(interval_count=True), "interval_count"),
        (monthly(interval_count=None), "interval_count"),
    ],
)
def test_a_bad_subscription_is_a_bad_value_in_sessions_and_token_orders(
    api: KlarnaApiClient, subscription: dict[str, Any], field: str
) -> None:
    customer_token = new_customer_token(api)
    renewal_lines = with_subscription(gb_subscription_cart(), subscription)["order_lines"]

    session = api.post(SESSIONS, json=with_subscription(gb_subscription_cart(), subscription))
    renewal = charge(api, customer_token, order_lines=renewal_lines)

    expected = (400, "BAD_VALUE", [f"Bad value: order_lines[0].subscription.{field}"])
    assert error_of(session) == expected
    assert error_of(renewal) == expected


@pytest.mark.parametrize("subscription", ["monthly", [], None])
def test_a_subscription_that_is_not_an_object_is_a_bad_value(
    api: KlarnaApiClient, subscription: Any
) -> None:
    cart = gb_subscription_cart()
    cart["order_lines"][0]["subscription"] = subscription

    response = api.post(SESSIONS, json=cart)

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: order_lines[0].subscription"])


def test_a_token_order_without_a_subscription_line_is_a_bad_value(api: KlarnaApiClient) -> None:
    customer_token = new_customer_token(api)

    response = charge(api, customer_token, order_lines=gb_cart()["order_lines"])

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: order_lines"])
    assert api.get("/_emulator/state").json["orders"] == []


def test_state_links_sessions_authorizations_and_customer_tokens(api: KlarnaApiClient) -> None:
    cart = gb_subscription_cart("buy_and_tokenize")
    token = authorized_token(api, cart)
    order = api.post(f"/payments/v1/authorizations/{token}/order", json=cart)
    token_id = generate(api, token).json["token_id"]
    renewal = charge(api, token_id)

    state = api.get("/_emulator/state").json

    (session,) = state["sessions"]
    (authorization,) = state["authorizations"]
    (customer_token,) = state["customer_tokens"]
    assert (session["intent"], session["customer_token_ids"]) == ("buy_and_tokenize", [token_id])
    assert (authorization["intent"], authorization["customer_token_id"]) == (
        "buy_and_tokenize",
        token_id,
    )
    assert customer_token["session_id"] == session["session_id"]
    assert customer_token["authorization_token"] == token
    assert customer_token["subscriptions"] == [monthly()]
    assert customer_token["order_ids"] == [renewal.json["order_id"]]
    assert order.json["order_id"] != renewal.json["order_id"]
    assert api.get(f"{TOKENS}/{token_id}").json["status"] == "ACTIVE"


def test_the_sdk_purchase_dialog_authorizes_a_tokenize_session(api: KlarnaApiClient) -> None:
    client_token = api.post(SESSIONS, json=gb_free_trial_cart()).json["client_token"]
    call = {
        "method": "authorize",
        "client_token": client_token,
        "payment_method_category": "pay_later",
        "data": {"billing_address": shopper_gb()},
        "verification_code": "123456",
    }

    result = api.post("/kp/sdk/v1/purchase/confirm", json=call).json["result"]
    generated = generate(api, result["authorization_token"])

    assert result["approved"] is True
    assert generated.status_code == 200
