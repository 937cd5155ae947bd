"""Injected faults over real HTTP: statuses, delays that really sleep, dropped connections,
and lost answers (the request is processed, the answer never arrives)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.support.emulator_client import KlarnaApiClient, control_headers
from tests.support.emulator_flows import authorized_token, error_of, place_order
from tests.support.klarna_examples import gb_cart
from tests.support.live_server import LiveServer
from tests.support.openapi import assert_valid_http_response


def credentials(server: LiveServer) -> tuple[str, str]:
    """The merchant credentials of a live emulator."""
    settings = server.app.extensions["klarna_emulator"].settings
    return settings.username, settings.password


def control(server: LiveServer, method: str, path: str, **kwargs: Any) -> requests.Response:
    """A request to a live emulator's control plane (`/_emulator/<path>`), with its token."""
    url = f"{server.url}/_emulator/{path}"
    return requests.request(method, url, headers=control_headers(server.app), timeout=5, **kwargs)


def inject(server: LiveServer, **fault: Any) -> None:
    """Queue a fault through the control plane."""
    response = control(server, "POST", "faults", json=fault)
    assert response.status_code == 201, response.text


def state(server: LiveServer) -> dict[str, Any]:
    """GET /_emulator/state of a live emulator."""
    snapshot: dict[str, Any] = control(server, "GET", "state").json()
    return snapshot


def logged(server: LiveServer) -> list[tuple[str, int | None]]:
    """(operation, status) of every API call the live emulator logged."""
    log = control(server, "GET", "requests").json()["requests"]
    return [(record["operation"], record["status"]) for record in log]


def create_session(server: LiveServer) -> requests.Response:
    """POST the GB cart to create-session and check the answer against OpenAPI."""
    response = requests.post(
        f"{server.url}/payments/v1/sessions", json=gb_cart(), auth=credentials(server), timeout=10
    )
    assert_valid_http_response(response)
    return response


@pytest.mark.parametrize(
    ("status", "code"),
    [(503, "SERVICE_UNAVAILABLE"), (500, "INTERNAL_SERVER_ERROR"), (429, "TOO_MANY_REQUESTS")],
)
def test_status_fault_fails_the_next_calls_then_clears(
    emulator_server: LiveServer, status: int, code: str
) -> None:
    inject(emulator_server, operation="create_session", status=status, count=2)

    answers = [create_session(emulator_server) for _ in range(3)]

    assert [a.status_code for a in answers] == [status, status, 200]
    assert answers[0].json()["error_code"] == code
    assert answers[0].json()["correlation_id"] == answers[0].headers["Klarna-Correlation-Id"]


def test_delay_fault_really_sleeps(emulator_server: LiveServer) -> None:
    inject(emulator_server, operation="create_session", delay_ms=300)

    started = time.monotonic()
    response = create_session(emulator_server)

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def expect_no_answer_to_create_session(server: LiveServer) -> None:
    """POST the GB cart to create-session; the connection must close without an answer."""
    with pytest.raises(requests.ConnectionError):
        requests.post(
            f"{server.url}/payments/v1/sessions",
            json=gb_cart(),
            auth=credentials(server),
            timeout=10,
        )


def test_drop_fault_closes_the_connection_without_a_response(emulator_server: LiveServer) -> None:
    inject(emulator_server, operation="create_session", drop=True)

    expect_no_answer_to_create_session(emulator_server)

    assert logged(emulator_server) == [("create_session", None)]
    assert state(emulator_server)["sessions"] == []  # dropped before Klarna acted
    assert create_session(emulator_server).status_code == 200


def test_drop_answer_creates_the_session_but_answers_nothing(
    emulator_server: LiveServer,
) -> None:
    inject(emulator_server, operation="create_session", drop_answer=True)

    expect_no_answer_to_create_session(emulator_server)

    [session] = state(emulator_server)["sessions"]
    assert session["data"]["order_amount"] == gb_cart()["order_amount"]
    assert logged(emulator_server) == [("create_session", None)]
    read = requests.get(
        f"{emulator_server.url}/payments/v1/sessions/{session['session_id']}",
        auth=credentials(emulator_server),
        timeout=5,
    )
    assert_valid_http_response(read)
    assert (read.status_code, read.json()["status"]) == (200, "incomplete")


def test_create_order_whose_answer_is_lost_made_the_order_and_a_repeat_returns_it(
    emulator_server: LiveServer,
) -> None:
    token = authorized_token(KlarnaApiClient(emulator_server.app))
    url = f"{emulator_server.url}/payments/v1/authorizations/{token}/order"
    inject(emulator_server, operation="create_order", drop_answer=True)

    with pytest.raises(requests.ConnectionError):
        requests.post(url, json=gb_cart(), auth=credentials(emulator_server), timeout=10)

    [order] = state(emulator_server)["orders"]
    [session] = state(emulator_server)["sessions"]
    assert (session["status"], session["order_id"]) == ("complete", order["order_id"])
    repeated = requests.post(url, json=gb_cart(), auth=credentials(emulator_server), timeout=10)
    assert_valid_http_response(repeated)
    assert (repeated.status_code, repeated.json()["order_id"]) == (200, order["order_id"])
    assert len(state(emulator_server)["orders"]) == 1
    assert logged(emulator_server)[-2:] == [("create_order", None), ("create_order", 200)]


def test_capture_whose_answer_is_lost_is_replayed_by_its_idempotency_key(
    emulator_server: LiveServer,
) -> None:
    order_id = place_order(KlarnaApiClient(emulator_server.app))
    url = f"{emulator_server.url}/ordermanagement/v1/orders/{order_id}/captures"
    key = {"Klarna-Idempotency-Key": "capture-once"}
    inject(emulator_server, operation="create_capture", drop_answer=True)

    def send() -> requests.Response:
        return requests.post(
            url,
            json={"captured_amount": 1000},
            headers=key,
            auth=credentials(emulator_server),
            timeout=10,
        )

    with pytest.raises(requests.ConnectionError):
        send()
    [order] = state(emulator_server)["orders"]
    [capture] = order["captures"]
    retried = send()

    assert_valid_http_response(retried)
    assert (retried.status_code, retried.headers["Capture-Id"]) == (201, capture["capture_id"])
    assert state(emulator_server)["orders"][0]["captured_amount"] == 1000


def test_fault_hits_only_its_operation(emulator_server: LiveServer) -> None:
    inject(emulator_server, operation="read_session", status=503)

    created = create_session(emulator_server)
    read = requests.get(
        f"{emulator_server.url}/payments/v1/sessions/{created.json()['session_id']}",
        auth=credentials(emulator_server),
        timeout=5,
    )

    assert_valid_http_response(read)
    assert (created.status_code, read.status_code) == (200, 503)


@pytest.mark.parametrize(
    "fault",
    [
        {"operation": "launch_rockets", "status": 503},
        {"operation": "create_session", "status": 200},
        {"operation": "create_session"},
        {"operation": "create_session", "status": 503, "count": 0},
        {"operation": "create_session", "delay_ms": -5},
        {"operation": "create_session", "drop": "yes"},
        {"operation": "create_session", "drop_answer": 1},
        {"operation": "create_session", "delay_ms": True},
        {"operation": "create_session", "status": True},
        {"operation": "create_session", "drop_answer": False},
        {"operation": "create_session", "status": 503, "drop": True},
        {"operation": "create_session", "status": 503, "drop_answer": True},
        {"operation": "create_session", "drop": True, "drop_answer": True},
    ],
)
def test_faults_refuse_nonsense(emulator_server: LiveServer, fault: dict[str, Any]) -> None:
    response = control(emulator_server, "POST", "faults", json=fault)

    assert response.status_code == 400
    assert control(emulator_server, "GET", "faults").json() == {"faults": []}


@pytest.mark.parametrize(("drop", "sessions"), [("drop", 0), ("drop_answer", 1)])
def test_without_a_connection_to_drop_a_dropped_call_answers_500(
    api: KlarnaApiClient, drop: str, sessions: int
) -> None:
    api.post("/_emulator/faults", json={"operation": "create_session", drop: True})

    response = api.post("/payments/v1/sessions", json=gb_cart())

    assert error_of(response) == (500, "INTERNAL_SERVER_ERROR", ["Connection dropped (emulated)"])
    assert response.json["correlation_id"] == response.headers["Klarna-Correlation-Id"]
    assert len(api.get("/_emulator/state").json["sessions"]) == sessions
    assert [r["status"] for r in api.get("/_emulator/requests").json["requests"]] == [None]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            {"drop": True, "drop_answer": True},
            "drop and drop_answer exclude each other: drop closes the connection before the "
            "request is processed, drop_answer after",
        ),
        (
            {"status": 503, "drop_answer": True},
            "status and drop_answer exclude each other: a dropped call answers no status",
        ),
        ({}, "a fault needs a status, a delay_ms, drop or drop_answer"),
    ],
)
def test_fault_combinations_are_refused_with_a_reason(
    emulator_server: LiveServer, fault: dict[str, Any], message: str
) -> None:
    response = control(
        emulator_server, "POST", "faults", json={"operation": "create_order", **fault}
    )

    assert (response.status_code, response.json()["error_messages"]) == (400, [message])


def test_a_delayed_lost_answer_sleeps_then_drops(emulator_server: LiveServer) -> None:
    inject(emulator_server, operation="create_session", delay_ms=300, drop_answer=True, count=2)

    started = time.monotonic()
    for _ in range(2):
        expect_no_answer_to_create_session(emulator_server)

    assert time.monotonic() - started >= 0.6
    assert len(state(emulator_server)["sessions"]) == 2
    assert create_session(emulator_server).status_code == 200


def test_faults_can_be_listed_and_cleared(emulator_server: LiveServer) -> None:
    inject(emulator_server, operation="create_capture", status=502, count=2)
    listed = control(emulator_server, "GET", "faults").json()["faults"]

    cleared = control(emulator_server, "DELETE", "faults", json={})

    assert len(listed) == 2
    assert cleared.status_code == 204
    assert create_session(emulator_server).status_code == 200
