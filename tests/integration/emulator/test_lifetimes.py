"""Lifetimes on the emulated clock: sessions (48 h after the last update), tokens (60 min)."""

from __future__ import annotations

from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorize, authorized_token, create_session
from tests.support.klarna_examples import gb_cart

HOUR = 3600


def advance(api: KlarnaApiClient, seconds: int) -> None:
    """Move the emulator's clock forward."""
    response = api.post("/_emulator/clock", json={"advance_seconds": seconds})
    assert response.status_code == 200


def test_session_read_49_hours_after_its_last_update_is_gone(api: KlarnaApiClient) -> None:
    session_id = create_session(api)

    advance(api, 49 * HOUR)
    response = api.get(f"/payments/v1/sessions/{session_id}")

    assert response.status_code == 404
    assert response.json["error_messages"] == ["Invalid session id"]


def test_session_update_restarts_its_48_hours(api: KlarnaApiClient) -> None:
    session_id = create_session(api)
    advance(api, 40 * HOUR)
    api.post(f"/payments/v1/sessions/{session_id}", json={"merchant_reference2": "r2"})

    advance(api, 40 * HOUR)
    response = api.get(f"/payments/v1/sessions/{session_id}")

    assert response.status_code == 200
    assert response.json["expires_at"] == "2025-03-07T04:00:00.000Z"


def test_token_used_61_minutes_after_authorization_is_refused(api: KlarnaApiClient) -> None:
    token = authorized_token(api)

    advance(api, 61 * 60)
    response = api.post(f"/payments/v1/authorizations/{token}/order", json=gb_cart())

    assert response.status_code == 404
    assert response.json["error_messages"] == ["Invalid authorization token"]


def test_token_used_59_minutes_after_authorization_still_works(api: KlarnaApiClient) -> None:
    token = authorized_token(api)

    advance(api, 59 * 60)
    response = api.post(f"/payments/v1/authorizations/{token}/order", json=gb_cart())

    assert response.status_code == 200


def test_expired_sessions_are_purged_from_memory(api: KlarnaApiClient) -> None:
    old = create_session(api)
    authorize(api, old)

    advance(api, 49 * HOUR)
    create_session(api)
    state = api.get("/_emulator/state").json

    assert old not in [session["session_id"] for session in state["sessions"]]
    assert state["authorizations"] == []
    assert len(state["sessions"]) == 1
