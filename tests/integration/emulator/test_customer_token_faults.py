"""Faults on the recurring-payment calls over real HTTP: generate a customer token, charge it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.integration.emulator.test_faults import credentials, inject, logged, state
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorized_token
from tests.support.klarna_examples import gb_customer_token_request, gb_subscription_cart
from tests.support.live_server import LiveServer
from tests.support.openapi import assert_valid_http_response
from tests.support.token_flows import TOKENS, new_customer_token, renewal_body

Send = Callable[[], requests.Response]


def generate_call(server: LiveServer) -> tuple[Send, str]:
    """A generate-customer-token call for a fresh authorization, and the state list it adds to."""
    token = authorized_token(KlarnaApiClient(server.app), gb_subscription_cart())
    url = f"{server.url}/payments/v1/authorizations/{token}/customer-token"

    def send() -> requests.Response:
        return requests.post(
            url, json=gb_customer_token_request(), auth=credentials(server), timeout=10
        )

    return send, "customer_tokens"


def token_order_call(server: LiveServer) -> tuple[Send, str]:
    """A token-order call with an idempotency key, and the state list it adds to."""
    token_id = new_customer_token(KlarnaApiClient(server.app))
    url = f"{server.url}{TOKENS}/{token_id}/order"

    def send() -> requests.Response:
        return requests.post(
            url,
            json=renewal_body(),
            headers={"Klarna-Idempotency-Key": "renewal-2026-02"},
            auth=credentials(server),
            timeout=10,
        )

    return send, "orders"


CALLS = {"create_customer_token": generate_call, "create_token_order": token_order_call}


def prepared(server: LiveServer, operation: str) -> tuple[Send, str, int]:
    """The operation's call, the state list it adds to, and that list's length now."""
    send, kind = CALLS[operation](server)
    return send, kind, len(state(server)[kind])


@pytest.mark.parametrize("operation", sorted(CALLS))
@pytest.mark.parametrize(
    ("status", "code"), [(500, "INTERNAL_SERVER_ERROR"), (503, "SERVICE_UNAVAILABLE")]
)
def test_a_status_fault_fails_the_call_without_acting(
    emulator_server: LiveServer, operation: str, status: int, code: str
) -> None:
    send, kind, before = prepared(emulator_server, operation)
    inject(emulator_server, operation=operation, status=status)

    failed = send()

    assert_valid_http_response(failed)
    assert (failed.status_code, failed.json()["error_code"]) == (status, code)
    assert len(state(emulator_server)[kind]) == before
    assert send().status_code == 200


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_a_delay_fault_sleeps_then_answers(emulator_server: LiveServer, operation: str) -> None:
    send, _, _ = prepared(emulator_server, operation)
    inject(emulator_server, operation=operation, delay_ms=300)

    started = time.monotonic()
    response = send()

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_a_dropped_call_acts_not_and_may_be_sent_again(
    emulator_server: LiveServer, operation: str
) -> None:
    send, kind, before = prepared(emulator_server, operation)
    inject(emulator_server, operation=operation, drop=True)

    with pytest.raises(requests.ConnectionError):
        send()

    assert len(state(emulator_server)[kind]) == before
    assert send().status_code == 200
    assert len(state(emulator_server)[kind]) == before + 1


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_a_lost_answer_acted_and_the_same_call_again_answers_the_same(
    emulator_server: LiveServer, operation: str
) -> None:
    send, kind, before = prepared(emulator_server, operation)
    inject(emulator_server, operation=operation, drop_answer=True)

    with pytest.raises(requests.ConnectionError):
        send()
    made: list[dict[str, Any]] = state(emulator_server)[kind][before:]
    repeated = send()

    assert_valid_http_response(repeated)
    assert len(made) == 1
    made_id = made[0]["token_id" if kind == "customer_tokens" else "order_id"]
    answered_id = repeated.json()["token_id" if kind == "customer_tokens" else "order_id"]
    assert (repeated.status_code, answered_id) == (200, made_id)
    assert len(state(emulator_server)[kind]) == before + 1
    assert logged(emulator_server)[-2:] == [(operation, None), (operation, 200)]
