"""Injected faults over real HTTP: statuses, delays that really sleep, dropped connections."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.support.klarna_examples import gb_cart
from tests.support.live_server import LiveServer
from tests.support.openapi import assert_valid_http_response


def credentials(server: LiveServer) -> tuple[str, str]:
    """The merchant credentials of a live emulator."""
    settings = server.app.extensions["klarna_emulator"].settings
    return settings.username, settings.password


def inject(server: LiveServer, **fault: Any) -> None:
    """Queue a fault through the control plane."""
    response = requests.post(f"{server.url}/_emulator/faults", json=fault, timeout=5)
    assert response.status_code == 201, response.text


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


def test_drop_fault_closes_the_connection_without_a_response(emulator_server: LiveServer) -> None:
    inject(emulator_server, operation="create_session", drop=True)

    with pytest.raises(requests.ConnectionError):
        requests.post(
            f"{emulator_server.url}/payments/v1/sessions",
            json=gb_cart(),
            auth=credentials(emulator_server),
            timeout=10,
        )

    log = requests.get(f"{emulator_server.url}/_emulator/requests", timeout=5).json()["requests"]
    assert [(r["operation"], r["status"]) for r in log] == [("create_session", None)]
    assert create_session(emulator_server).status_code == 200


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
    ],
)
def test_faults_refuse_nonsense(emulator_server: LiveServer, fault: dict[str, Any]) -> None:
    response = requests.post(f"{emulator_server.url}/_emulator/faults", json=fault, timeout=5)

    assert response.status_code == 400
    assert requests.get(f"{emulator_server.url}/_emulator/faults", timeout=5).json() == {
        "faults": []
    }


def test_faults_can_be_listed_and_cleared(emulator_server: LiveServer) -> None:
    inject(emulator_server, operation="create_capture", status=502, count=2)
    listed = requests.get(f"{emulator_server.url}/_emulator/faults", timeout=5).json()["faults"]

    cleared = requests.delete(f"{emulator_server.url}/_emulator/faults", timeout=5)

    assert len(listed) == 2
    assert cleared.status_code == 204
    assert create_session(emulator_server).status_code == 200
