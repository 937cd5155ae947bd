"""Short paths through the emulator for tests: an emulator app, a session, a token, an order."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask

from klarna_emulator import create_app
from klarna_emulator.clock import Clock
from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.klarna_examples import gb_cart, shopper_gb

# Fast, deterministic settings for tests: no callback delay, quick retries, a frozen clock.
TEST_SETTINGS = {
    "AUTHORIZATION_CALLBACK_DELAY_SECONDS": 0,
    "CALLBACK_BACKOFF_SECONDS": 0.01,
    "CALLBACK_TIMEOUT_SECONDS": 2.0,
}
FROZEN_AT = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def emulator_app(**settings: Any) -> Flask:
    """A fresh emulator app on a frozen clock, whose test client is a KlarnaApiClient."""
    app = create_app({**TEST_SETTINGS, **settings}, clock=Clock(frozen_at=FROZEN_AT))
    app.test_client_class = KlarnaApiClient
    return app


def emulator_of(app: Flask) -> Emulator:
    """The Emulator behind an emulator app."""
    emulator: Emulator = app.extensions["klarna_emulator"]
    return emulator


def error_of(response: Any) -> tuple[int, str, list[str]]:
    """Status, error code and messages of a Klarna error response."""
    return response.status_code, response.json["error_code"], response.json["error_messages"]


def create_session(api: KlarnaApiClient, body: dict[str, Any] | None = None) -> str:
    """Create a session (the GB cart unless told otherwise) and return its id."""
    response = api.post("/payments/v1/sessions", json=body or gb_cart())
    assert response.status_code == 200, response.json
    return str(response.json["session_id"])


def authorize(
    api: KlarnaApiClient, session_id: str, shopper: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """Authorize through the control plane as a shopper would; return the callback payload."""
    body = {"billing_address": shopper or shopper_gb(), **extra}
    response = api.post(f"/_emulator/sessions/{session_id}/authorize", json=body)
    assert response.status_code == 200, response.json
    payload: dict[str, Any] = response.json
    return payload


def authorized_token(api: KlarnaApiClient, cart: dict[str, Any] | None = None, **extra: Any) -> str:
    """A fresh session for `cart`, authorized by the approved GB shopper; its token."""
    session_id = create_session(api, cart)
    payload = authorize(api, session_id, **extra)
    assert payload["approved"], payload
    return str(payload["authorization_token"])


def place_order(api: KlarnaApiClient, cart: dict[str, Any] | None = None, **extra: Any) -> str:
    """A placed order for `cart` (the GB cart by default); its order id."""
    cart = cart or gb_cart()
    token = authorized_token(api, cart, **extra)
    response = api.post(f"/payments/v1/authorizations/{token}/order", json=cart)
    assert response.status_code == 200, response.json
    return str(response.json["order_id"])
