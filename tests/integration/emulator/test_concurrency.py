"""Thread safety under concurrent HTTP requests to a live emulator.

Each race is made to happen, not hoped for: every request is sent over its own connection,
opened beforehand, all but the last byte of its body (the server's thread is then waiting for
that byte in the view; Werkzeug closes every connection after one answer, so keep-alive cannot
do this); a barrier releases the last bytes together; and a test-only patch sleeps inside the
critical section under test, so requests that are not serialised all get in. With the lock in
`OrderPlacement.create_order`, or in `api.common.idempotent`, removed, its test failed 10 runs
out of 10 (with 500s and several orders, or 20 captures).
"""

from __future__ import annotations

import base64
import http.client
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from klarna_emulator.domain import order_placement
from klarna_emulator.domain.order_management import OrderManagement
from klarna_emulator.emulator import Emulator
from tests.support.concurrency import run_together
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorized_token, emulator_of, place_order
from tests.support.klarna_examples import gb_cart
from tests.support.live_server import LiveServer
from tests.support.openapi import assert_valid_http_response, assert_valid_response

ORDERS = "/ordermanagement/v1/orders"
THREADS = 20
# Long enough for every released request to reach the critical section while the first one
# is still inside it (the sleep releases the GIL), short enough to keep the test quick.
WINDOW_SECONDS = 0.05


@dataclass
class Answer:
    """What came back over the wire."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@pytest.fixture
def emulator(emulator_server: LiveServer) -> Emulator:
    """The live emulator's state."""
    return emulator_of(emulator_server.app)


@pytest.fixture
def api(emulator_server: LiveServer) -> KlarnaApiClient:
    """An in-process client of the live emulator, for setting the scene."""
    return KlarnaApiClient(emulator_server.app)


@pytest.fixture
def park(
    emulator_server: LiveServer, emulator: Emulator
) -> Iterator[Callable[..., Callable[[], Answer]]]:
    """Send a JSON POST but its last byte over a new connection; the call that finishes it.

    Connections a failing test left parked are closed at teardown.
    """
    address = urlsplit(emulator_server.url)
    connections: list[http.client.HTTPConnection] = []
    settings = emulator.settings
    credentials = base64.b64encode(f"{settings.username}:{settings.password}".encode())

    def parked(path: str, body: dict[str, Any], headers: dict[str, str]) -> Callable[[], Answer]:
        data = json.dumps(body).encode()
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connections.append(connection)
        connection.putrequest("POST", path)
        for name, value in {
            **headers,
            "Authorization": f"Basic {credentials.decode()}",
            "Content-Type": "application/json",
            "Content-Length": str(len(data)),
        }.items():
            connection.putheader(name, value)
        connection.endheaders(data[:-1])

        def finish() -> Answer:
            connection.send(data[-1:])
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
            assert_valid_response(
                "POST", path, answer.status, answer.headers["Content-Type"], answer.body
            )
            return answer

        return finish

    yield parked
    for connection in connections:
        connection.close()


def widen(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
    """Make `owner.name`, a step inside a critical section, sleep first (test-only)."""
    original = getattr(owner, name)

    def slowed(*args: Any, **kwargs: Any) -> Any:
        time.sleep(WINDOW_SECONDS)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, slowed)


def test_twenty_threads_creating_orders_with_one_token_get_exactly_one_order(
    emulator: Emulator,
    api: KlarnaApiClient,
    park: Callable[..., Callable[[], Answer]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = f"/payments/v1/authorizations/{authorized_token(api)}/order"
    # Between "has this token an order?" and "this token's order is ...".
    widen(monkeypatch, order_placement, "mismatched_fields")
    finishers = [park(path, gb_cart(), {}) for _ in range(THREADS)]

    answers = run_together(finishers)

    assert [a.status for a in answers] == [200] * THREADS
    assert len({a.json()["order_id"] for a in answers}) == 1
    assert len(emulator.store.orders) == 1


def test_twenty_threads_capturing_with_one_idempotency_key_capture_once(
    emulator: Emulator,
    api: KlarnaApiClient,
    park: Callable[..., Callable[[], Answer]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order_id = place_order(api)
    path = f"{ORDERS}/{order_id}/captures"
    # Between "is this key recorded?" and recording the capture's answer under it.
    widen(monkeypatch, OrderManagement, "capture")
    key = {"Klarna-Idempotency-Key": "one-capture"}
    finishers = [park(path, {"captured_amount": 100}, key) for _ in range(THREADS)]

    answers = run_together(finishers)

    assert {a.status for a in answers} == {201}
    assert len({a.headers["Capture-Id"] for a in answers}) == 1
    assert emulator.store.orders[order_id].captured_amount == 100


def test_a_client_slow_to_send_its_body_holds_up_no_one(
    emulator_server: LiveServer,
    emulator: Emulator,
    api: KlarnaApiClient,
    park: Callable[..., Callable[[], Answer]],
) -> None:
    order_id = place_order(api)
    path = f"{ORDERS}/{order_id}/captures"
    finish = park(path, {"captured_amount": 100}, {"Klarna-Idempotency-Key": "slow-body"})
    time.sleep(0.2)  # let the server's thread reach the body it is waiting for

    meanwhile = requests.get(
        f"{emulator_server.url}{ORDERS}/{order_id}",
        auth=(emulator.settings.username, emulator.settings.password),
        timeout=2,
    )

    assert_valid_http_response(meanwhile)
    assert (meanwhile.status_code, meanwhile.json()["captured_amount"]) == (200, 0)
    assert finish().status == 201
