"""KlarnaClient over real loopback sockets: timeouts, dropped and refused connections."""

from __future__ import annotations

import json

import pytest

from storefront.klarna.client import KlarnaClient
from storefront.klarna.errors import KlarnaUnavailableError
from tests.support.socket_server import (
    Behaviour,
    FaultyServer,
    answer,
    hang_up,
    refused_url,
    stall,
)

TOKEN = "1eddf502-f3a0-45bf-b1fd-f2e3a2758200"
SESSION_ID = "068df369-13a7-4d47-a564-62f8408bb760"
PAYLOAD = {"purchase_country": "SE", "order_amount": 9500}


def make_client(url: str, sleeps: list[float], timeout: float = 0.3) -> KlarnaClient:
    return KlarnaClient(url, "PK1_user", "secret", timeout=timeout, sleep=sleeps.append)


@pytest.mark.parametrize(
    ("behaviour", "said"),
    [(stall, "timed out waiting for the answer"), (hang_up, "lost the connection after sending")],
    ids=["read-timeout", "dropped-after-sending"],
)
def test_create_order_failing_after_sending_is_an_unknown_outcome_and_not_retried(
    behaviour: Behaviour, said: str
) -> None:
    sleeps: list[float] = []
    with FaultyServer(behaviour) as server:
        with pytest.raises(KlarnaUnavailableError) as raised:
            make_client(server.url, sleeps).create_order(TOKEN, PAYLOAD)
        requests_seen = list(server.received)
    assert raised.value.outcome_unknown is True
    assert said in str(raised.value)
    # The whole request reached the server, once: the order could exist at Klarna.
    assert len(requests_seen) == 1
    assert json.loads(requests_seen[0].partition(b"\r\n\r\n")[2]) == PAYLOAD
    assert sleeps == []


def test_connection_dropped_on_read_session_is_retried_up_to_the_attempt_limit() -> None:
    sleeps: list[float] = []
    with FaultyServer(hang_up) as server:
        with pytest.raises(KlarnaUnavailableError):
            make_client(server.url, sleeps).read_session(SESSION_ID)
        received = len(server.received)
    assert received == 3
    assert len(sleeps) == 2


def test_refused_connection_on_create_order_is_certainly_not_applied() -> None:
    sleeps: list[float] = []
    with pytest.raises(KlarnaUnavailableError) as raised:
        make_client(refused_url(), sleeps).create_order(TOKEN, PAYLOAD)
    assert raised.value.outcome_unknown is False
    assert "could not connect" in str(raised.value)
    assert len(sleeps) == 2  # safe to retry: the request never left this machine


def test_answer_over_a_real_socket_carries_auth_user_agent_and_json() -> None:
    body = json.dumps({"session_id": SESSION_ID, "client_token": "eyJ.a.b"}).encode()
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Klarna-Correlation-Id: corr-1\r\nConnection: close\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    with FaultyServer(answer(response)) as server:
        created = make_client(server.url, [], timeout=5).create_session(PAYLOAD)
        [request] = server.received
    head = request.partition(b"\r\n\r\n")[0].decode()
    assert head.startswith("POST /payments/v1/sessions HTTP/1.1")
    assert "Authorization: Basic " in head
    assert "User-Agent: klarna-storefront/" in head
    assert "Content-Type: application/json" in head
    assert created.session_id == SESSION_ID
