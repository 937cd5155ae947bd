"""Renewals on a customer token: personas, declines, cancellation, idempotency keys, the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorize, create_session, error_of
from tests.support.klarna_examples import gb_subscription_cart, shopper_gb
from tests.support.token_flows import TOKENS, charge, new_customer_token

SUSPEND_AFTER_2 = "customer+suspend-after-02@email.uk"
DECLINED = "customer+renewal-declined@email.uk"


def status_of(api: KlarnaApiClient, token_id: str) -> str:
    """The token's status as Klarna's read-token answers it."""
    return str(api.get(f"{TOKENS}/{token_id}").json["status"])


def order_count(api: KlarnaApiClient) -> int:
    """How many orders the emulator holds."""
    return len(api.get("/_emulator/state").json["orders"])


def test_a_suspend_after_persona_is_suspended_after_its_nth_renewal(api: KlarnaApiClient) -> None:
    token_id = new_customer_token(api, SUSPEND_AFTER_2)

    answers = [charge(api, token_id).status_code for _ in range(2)]
    status = status_of(api, token_id)
    third = charge(api, token_id)

    assert (answers, status) == ([200, 200], "SUSPENDED")
    assert error_of(third) == (403, "TOKEN_SUSPENDED", ["Customer token is suspended"])
    assert order_count(api) == 2


def test_a_suspend_after_00_persona_is_suspended_at_once(api: KlarnaApiClient) -> None:
    token_id = new_customer_token(api, "customer+suspend-after-00@email.uk")

    assert status_of(api, token_id) == "SUSPENDED"
    assert error_of(charge(api, token_id))[:2] == (403, "TOKEN_SUSPENDED")


def test_a_declined_renewal_persona_buys_at_checkout_but_every_renewal_fails(
    api: KlarnaApiClient,
) -> None:
    token_id = new_customer_token(api, DECLINED, intent="buy_and_tokenize")

    answers = [error_of(charge(api, token_id)) for _ in range(2)]

    failed = (403, "PAYMENT_METHOD_FAILED", ["Purchase for payment method failed"])
    assert answers == [failed, failed]
    assert status_of(api, token_id) == "ACTIVE"
    assert order_count(api) == 0


def test_the_control_plane_declines_the_next_renewals_then_they_succeed_again(
    api: KlarnaApiClient,
) -> None:
    token_id = new_customer_token(api)

    queued = api.post(f"/_emulator/customer-tokens/{token_id}/decline", json={"count": 2})
    answers = [charge(api, token_id).status_code for _ in range(3)]

    assert queued.status_code == 204
    assert answers == [403, 403, 200]
    assert order_count(api) == 1


@pytest.mark.parametrize("count", [-1, 1.5, "2", True, None])
def test_the_decline_count_must_be_a_whole_number(api: KlarnaApiClient, count: object) -> None:
    token_id = new_customer_token(api)

    response = api.post(f"/_emulator/customer-tokens/{token_id}/decline", json={"count": count})

    assert error_of(response) == (400, "BAD_REQUEST", ["count: expected a whole number >= 0"])


def test_declining_an_unknown_token_is_token_not_found(api: KlarnaApiClient) -> None:
    response = api.post("/_emulator/customer-tokens/unknown/decline", json={})

    assert error_of(response)[:2] == (404, "TOKEN_NOT_FOUND")


def test_a_malformed_suspend_tag_is_refused_at_checkout(api: KlarnaApiClient) -> None:
    session_id = create_session(api, gb_subscription_cart())
    shopper = {**shopper_gb(), "email": "customer+suspend-after-x@email.uk"}

    payload = authorize(api, session_id, shopper)

    assert payload["error"] == {"invalid_fields": ["billing_address.email"]}


def test_the_same_idempotency_key_and_body_place_one_order(api: KlarnaApiClient) -> None:
    token_id = new_customer_token(api)

    first = charge(api, token_id, key="renewal-2026-01")
    again = charge(api, token_id, key="renewal-2026-01")

    assert (first.status_code, again.json) == (200, first.json)
    assert order_count(api) == 1


def test_the_same_idempotency_key_with_another_body_replays_the_first_order(
    api: KlarnaApiClient,
) -> None:
    # Klarna: only the key matters; a repeat answers the first result and changes nothing.
    token_id = new_customer_token(api)
    first = charge(api, token_id, key="renewal-2026-01")

    other = charge(api, token_id, key="renewal-2026-01", merchant_reference1="other")

    assert (other.status_code, other.json) == (200, first.json)
    assert order_count(api) == 1


def test_a_declined_renewal_is_replayed_for_its_key_and_a_new_key_tries_again(
    api: KlarnaApiClient,
) -> None:
    token_id = new_customer_token(api)
    api.post(f"/_emulator/customer-tokens/{token_id}/decline", json={"count": 1})

    declined = charge(api, token_id, key="attempt-1")
    replayed = charge(api, token_id, key="attempt-1")
    retried = charge(api, token_id, key="attempt-2")

    assert error_of(declined)[:2] == error_of(replayed)[:2] == (403, "PAYMENT_METHOD_FAILED")
    assert retried.status_code == 200


@pytest.mark.parametrize("suspend_first", [False, True])
def test_a_cancelled_token_refuses_renewals_for_good(
    api: KlarnaApiClient, suspend_first: bool
) -> None:
    token_id = new_customer_token(api)
    if suspend_first:
        api.post(f"/_emulator/customer-tokens/{token_id}/suspend", json={})

    cancelled = [
        api.patch(f"{TOKENS}/{token_id}/status", json={"status": "CANCELLED"}).status_code
        for _ in range(2)
    ]

    assert cancelled == [202, 202]
    assert status_of(api, token_id) == "CANCELLED"
    assert error_of(charge(api, token_id)) == (
        403,
        "TOKEN_CANCELED",
        ["Customer token has been cancelled"],
    )


def test_renewals_happen_at_the_emulated_time(api: KlarnaApiClient) -> None:
    # A customer token does not expire: months later, long after the 60-minute authorization
    # and the 48-hour session, it still charges, and the order is dated by the emulator's clock.
    token_id = new_customer_token(api)
    now = api.post("/_emulator/clock", json={"advance_seconds": 90 * 86400}).json["now"]

    renewal = charge(api, token_id)

    order = api.get(f"/ordermanagement/v1/orders/{renewal.json['order_id']}").json
    created = datetime.fromisoformat(order["created_at"])
    assert abs(created - datetime.fromisoformat(now)) < timedelta(seconds=1)
    assert datetime.fromisoformat(order["expires_at"]) - created == timedelta(days=28)
