"""Who reaches the emulator: Host names it serves, JSON-only control-plane writes, its token."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from klarna_emulator.access import CONTROL_TOKEN_HEADER
from klarna_emulator.config import DEFAULTS
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import create_session, emulator_app, error_of
from tests.support.klarna_examples import gb_cart

TOKEN = "a-control-token"
CREDENTIALS = (DEFAULTS["USERNAME"], DEFAULTS["PASSWORD"])
FAULT = '{"operation": "create_session", "status": 503}'


@pytest.mark.parametrize(
    "request_line",
    [
        ("POST", "/_emulator/faults", FAULT),
        ("POST", "/_emulator/clock", '{"advance_seconds": 60}'),
        ("POST", "/_emulator/reset", ""),
        ("POST", "/_emulator/sessions/any/authorize", "{}"),
        ("POST", "/_emulator/customer-tokens/any/suspend", ""),
        ("DELETE", "/_emulator/faults", ""),
    ],
)
@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_control_plane_writes_take_only_json(
    api: KlarnaApiClient, request_line: tuple[str, str, str], content_type: str | None
) -> None:
    # What any web page can send cross-site without a CORS preflight: never acted upon.
    method, path, body = request_line
    session_id = create_session(api)

    response = api.open(path, method=method, data=body, content_type=content_type)

    assert error_of(response) == (
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        ["Content-Type: expected application/json"],
    )
    state = api.get("/_emulator/state").json
    assert (state["faults"], state["now"]) == ([], "2025-03-03T12:00:00.000Z")
    assert [session["session_id"] for session in state["sessions"]] == [session_id]


def test_bodiless_control_plane_writes_take_a_json_content_type(api: KlarnaApiClient) -> None:
    create_session(api)

    response = api.post("/_emulator/reset", content_type="application/json")

    assert response.status_code == 204
    assert api.get("/_emulator/state").json["sessions"] == []


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5001", "127.0.0.1.nip.io", "[::2]"])
@pytest.mark.parametrize(
    "path", ["/_emulator/state", "/payments/v1/sessions/x", "/kp/sdk/v1/widget?origin=http://a.b"]
)
def test_a_host_the_emulator_does_not_serve_is_misdirected(
    api: KlarnaApiClient, host: str, path: str
) -> None:
    # A DNS-rebinding page: its name resolves to 127.0.0.1, and its requests say that name.
    response = api.get(path, headers={"Host": host})

    status, code, [message] = error_of(response)
    assert (status, code) == (421, "MISDIRECTED_REQUEST")
    assert host in message
    assert "Content-Security-Policy" not in response.headers


def test_a_misdirected_write_changes_nothing(api: KlarnaApiClient) -> None:
    response = api.post(
        "/_emulator/faults",
        data=FAULT,
        content_type="application/json",
        headers={"Host": "evil.example"},
    )

    assert response.status_code == 421
    assert api.get("/_emulator/faults").json == {"faults": []}


@pytest.mark.parametrize(
    "host", ["localhost", "LocalHost:5001", "127.0.0.1", "127.0.0.1:80", "[::1]", "[::1]:5001"]
)
def test_loopback_names_are_served_on_any_port(api: KlarnaApiClient, host: str) -> None:
    assert api.get("/_emulator/state", headers={"Host": host}).status_code == 200


def test_allowed_hosts_replace_the_loopback_names() -> None:
    client = emulator_app(ALLOWED_HOSTS=["emulator.test"]).test_client()

    served = client.get("/_emulator/health", headers={"Host": "emulator.test:8080"})
    refused = client.get("/_emulator/health", headers={"Host": "localhost"})

    assert (served.status_code, refused.status_code) == (200, 421)


@pytest.fixture
def guarded() -> Flask:
    """An emulator whose control plane needs TOKEN."""
    return emulator_app(CONTROL_TOKEN=TOKEN)


@pytest.mark.parametrize("sent", [None, "", "wrong", TOKEN.upper(), TOKEN + "x", "é"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_emulator/state"),
        ("GET", "/_emulator/requests"),
        ("GET", "/_emulator/faults"),
        ("GET", "/_emulator/clock"),
        ("POST", "/_emulator/faults"),
        ("POST", "/_emulator/reset"),
    ],
)
def test_with_a_token_every_control_request_needs_it(
    guarded: Flask, sent: str | None, method: str, path: str
) -> None:
    headers = {} if sent is None else {CONTROL_TOKEN_HEADER: sent}

    response = FlaskClient(guarded).open(path, method=method, json={}, headers=headers)

    assert error_of(response) == (403, "FORBIDDEN", [f"{CONTROL_TOKEN_HEADER}: missing or wrong"])


def test_with_the_token_the_control_plane_works(guarded: Flask) -> None:
    client = FlaskClient(guarded)
    headers = {CONTROL_TOKEN_HEADER: TOKEN}

    queued = client.post(
        "/_emulator/faults", data=FAULT, headers=headers, content_type="application/json"
    )
    failed = client.post("/payments/v1/sessions", json=gb_cart(), auth=CREDENTIALS)

    assert queued.status_code == 201
    assert failed.status_code == 503
    assert client.get("/_emulator/state", headers=headers).status_code == 200


def test_a_token_guards_neither_the_api_nor_health_nor_the_example_page(guarded: Flask) -> None:
    client = FlaskClient(guarded)

    assert client.post("/payments/v1/sessions", json=gb_cart(), auth=CREDENTIALS).status_code == 200
    assert client.get("/_emulator/health").json == {"status": "ok"}
    assert client.get("/_emulator/example").status_code == 200
