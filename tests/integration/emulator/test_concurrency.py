"""Thread safety under concurrent HTTP requests to a live emulator."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorized_token, emulator_of, place_order
from tests.support.klarna_examples import gb_cart
from tests.support.live_server import LiveServer
from tests.support.openapi import assert_valid_http_response

THREADS = 20


@pytest.fixture
def emulator(emulator_server: LiveServer) -> Emulator:
    """The live emulator's state."""
    return emulator_of(emulator_server.app)


@pytest.fixture
def api(emulator_server: LiveServer) -> KlarnaApiClient:
    """An in-process client of the live emulator, for setting the scene."""
    return KlarnaApiClient(emulator_server.app)


@pytest.fixture
def auth(emulator: Emulator) -> tuple[str, str]:
    """The merchant's Basic credentials."""
    return emulator.settings.username, emulator.settings.password


def in_parallel(call: Callable[[], requests.Response]) -> list[requests.Response]:
    """Make the same call from THREADS threads at once; every answer must match OpenAPI."""
    with ThreadPoolExecutor(THREADS) as pool:
        responses = list(pool.map(lambda _: call(), range(THREADS)))
    for response in responses:
        assert_valid_http_response(response)
    return responses


def test_twenty_threads_creating_orders_with_one_token_get_exactly_one_order(
    emulator_server: LiveServer, emulator: Emulator, api: KlarnaApiClient, auth: tuple[str, str]
) -> None:
    url = f"{emulator_server.url}/payments/v1/authorizations/{authorized_token(api)}/order"

    responses = in_parallel(lambda: requests.post(url, json=gb_cart(), auth=auth, timeout=30))

    assert [r.status_code for r in responses] == [200] * THREADS
    assert len({r.json()["order_id"] for r in responses}) == 1
    assert len(emulator.store.orders) == 1


def test_twenty_threads_capturing_with_one_idempotency_key_capture_once(
    emulator_server: LiveServer, emulator: Emulator, api: KlarnaApiClient, auth: tuple[str, str]
) -> None:
    order_id = place_order(api)
    url = f"{emulator_server.url}/ordermanagement/v1/orders/{order_id}/captures"
    key = {"Klarna-Idempotency-Key": "one-capture"}

    responses = in_parallel(
        lambda: requests.post(
            url, json={"captured_amount": 100}, auth=auth, headers=key, timeout=30
        )
    )

    assert {r.status_code for r in responses} == {201}
    assert len({r.headers["Capture-Id"] for r in responses}) == 1
    assert emulator.store.orders[order_id].captured_amount == 100
