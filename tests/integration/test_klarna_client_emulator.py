"""KlarnaClient against the running emulator: each endpoint, each error class, faults, retries.

The emulator does the validating; these tests check that the client sends what Klarna
expects and turns each answer into the right result or typed error.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
from storefront.klarna.client import KlarnaClient, RetryPolicy
from storefront.klarna.errors import (
    KlarnaAuthError,
    KlarnaConflictError,
    KlarnaForbiddenError,
    KlarnaNotFoundError,
    KlarnaSessionCompletedError,
    KlarnaUnavailableError,
    KlarnaValidationError,
)
from storefront.klarna.idempotency import idempotency_key
from storefront.klarna.order_management import OrderManagement
from tests.support.emulator_client import control_headers
from tests.support.klarna_examples import gb_cart, shopper_gb
from tests.support.live_server import LiveServer

SESSION_LIFETIME_SECONDS = 48 * 3600


@pytest.fixture
def klarna_client(emulator_server: LiveServer) -> KlarnaClient:
    """The storefront's client pointed at the emulator, retrying without waiting."""
    return KlarnaClient(
        f"{emulator_server.url}/",
        EMULATOR_USERNAME,
        EMULATOR_PASSWORD,
        timeout=5,
        retry_policy=RetryPolicy(first_delay_seconds=0),
    )


def control(server: LiveServer, method: str, path: str, body: Any = None) -> Any:
    """Call the emulator's control plane (what a shopper or an outage would do)."""
    response = requests.request(
        method,
        f"{server.url}/_emulator{path}",
        json=body,
        headers=control_headers(server.app),
        timeout=5,
    )
    response.raise_for_status()
    return response.json() if response.content else None


def authorize(server: LiveServer, session_id: str) -> str:
    """Authorize the session as the approved GB shopper; return the authorization token."""
    outcome = control(
        server, "POST", f"/sessions/{session_id}/authorize", {"billing_address": shopper_gb()}
    )
    assert outcome["approved"], outcome
    return str(outcome["authorization_token"])


def calls_of(server: LiveServer, operation: str) -> list[dict[str, Any]]:
    """The emulator's log of the API calls made for one operation."""
    logged = control(server, "GET", "/requests")["requests"]
    return [entry for entry in logged if entry["operation"] == operation]


def placed_order_id(server: LiveServer, client: KlarnaClient) -> str:
    """Create, authorize and place the GB cart's order; its Klarna order id."""
    session = client.create_session(gb_cart())
    return client.create_order(authorize(server, session.session_id), gb_cart()).order_id


# Payments API


def test_session_created_then_read_back_with_its_categories(klarna_client: KlarnaClient) -> None:
    created = klarna_client.create_session(gb_cart())
    details = klarna_client.read_session(created.session_id)
    assert created.client_token.count(".") == 2  # a JWT, as the JS SDK needs
    assert created.payment_method_categories
    assert details.status == "incomplete"
    assert details.order_amount_minor == 2499
    assert details.expires_at is not None
    assert details.payment_method_categories == created.payment_method_categories


def test_updated_session_reads_back_the_new_cart(klarna_client: KlarnaClient) -> None:
    session_id = klarna_client.create_session(gb_cart()).session_id
    cart = gb_cart()
    cart["order_lines"] = cart["order_lines"][1:]
    cart["order_amount"], cart["order_tax_amount"] = 499, 83
    klarna_client.update_session(session_id, cart)
    assert klarna_client.read_session(session_id).order_amount_minor == 499


def test_invalid_cart_is_a_validation_error_naming_the_field(klarna_client: KlarnaClient) -> None:
    cart = gb_cart()
    cart["order_amount"] += 1
    with pytest.raises(KlarnaValidationError) as raised:
        klarna_client.create_session(cart)
    assert "order_amount" in raised.value.fields
    assert raised.value.correlation_id


def test_wrong_credentials_are_an_auth_error(emulator_server: LiveServer) -> None:
    client = KlarnaClient(emulator_server.url, EMULATOR_USERNAME, "wrong", timeout=5)
    with pytest.raises(KlarnaAuthError) as raised:
        client.create_session(gb_cart())
    assert raised.value.status == 401
    assert "another region" in str(raised.value)


def test_unknown_and_expired_sessions_are_not_found(
    emulator_server: LiveServer, klarna_client: KlarnaClient
) -> None:
    with pytest.raises(KlarnaNotFoundError):
        klarna_client.read_session("00000000-0000-4000-8000-000000000000")
    session_id = klarna_client.create_session(gb_cart()).session_id
    control(emulator_server, "POST", "/clock", {"advance_seconds": SESSION_LIFETIME_SECONDS + 1})
    with pytest.raises(KlarnaNotFoundError):
        klarna_client.update_session(session_id, gb_cart())


def test_order_placed_from_authorization_completes_the_session(
    emulator_server: LiveServer, klarna_client: KlarnaClient
) -> None:
    session_id = klarna_client.create_session(gb_cart()).session_id
    placed = klarna_client.create_order(authorize(emulator_server, session_id), gb_cart())
    assert placed.fraud_status == "ACCEPTED"
    assert placed.authorized_payment_method
    assert klarna_client.read_session(session_id).status == "complete"
    with pytest.raises(KlarnaSessionCompletedError):
        klarna_client.update_session(session_id, gb_cart())


def test_order_for_a_changed_cart_is_a_conflict_listing_the_fields(
    emulator_server: LiveServer, klarna_client: KlarnaClient
) -> None:
    session_id = klarna_client.create_session(gb_cart()).session_id
    token = authorize(emulator_server, session_id)
    cart = gb_cart()
    cart["order_lines"][0]["quantity"] = 3
    cart["order_lines"][0]["total_amount"] = 3000
    cart["order_lines"][0]["total_tax_amount"] = 500
    cart["order_amount"], cart["order_tax_amount"] = 3499, 583
    with pytest.raises(KlarnaConflictError) as raised:
        klarna_client.create_order(token, cart)
    assert raised.value.mismatched_fields


def test_cancelled_authorization_can_no_longer_place_an_order(
    emulator_server: LiveServer, klarna_client: KlarnaClient
) -> None:
    token = authorize(emulator_server, klarna_client.create_session(gb_cart()).session_id)
    klarna_client.cancel_authorization(token)
    with pytest.raises(KlarnaNotFoundError):
        klarna_client.create_order(token, gb_cart())


# Order Management API


def test_order_captured_in_part_refunded_and_released(
    emulator_server: LiveServer, klarna_client: KlarnaClient
) -> None:
    order_id = placed_order_id(emulator_server, klarna_client)
    orders = OrderManagement(klarna_client)
    orders.acknowledge_order(order_id, idempotency_key=idempotency_key("FF-1", "ack"))
    orders.update_merchant_references(
        order_id, idempotency_key=idempotency_key("FF-1", "refs"), merchant_reference1="FF-1"
    )
    capture_key = idempotency_key("FF-1", "capture-1", 2000)
    capture = orders.capture_order(order_id, 2000, idempotency_key=capture_key)
    # A repeat with the same key is answered with the first capture, not a second one.
    assert orders.capture_order(order_id, 2000, idempotency_key=capture_key) == capture
    refund = orders.refund_order(
        order_id, 500, idempotency_key=idempotency_key("FF-1", "refund-1", 500)
    )
    orders.release_remaining_authorization(
        order_id, idempotency_key=idempotency_key("FF-1", "release")
    )
    order = klarna_client.get_order(order_id)
    assert capture.resource_id and refund.resource_id
    assert (order.captured_amount_minor, order.refunded_amount_minor) == (2000, 500)
    assert order.remaining_authorized_amount_minor == 0
    assert order.status == "CAPTURED"
    assert order.merchant_reference1 == "FF-1"


def test_order_authorization_extended_then_cancelled(
    emulator_server: LiveServer, klarna_client: KlarnaClient
) -> None:
    order_id = placed_order_id(emulator_server, klarna_client)
    orders = OrderManagement(klarna_client)
    expires_at = klarna_client.get_order(order_id).expires_at
    # Klarna extends from the day of the call: on the day of the purchase nothing would move.
    control(emulator_server, "POST", "/clock", {"advance_seconds": 86400})
    orders.extend_authorization_time(order_id, idempotency_key=idempotency_key("FF-2", "extend"))
    assert klarna_client.get_order(order_id).expires_at > expires_at
    orders.cancel_order(order_id, idempotency_key=idempotency_key("FF-2", "cancel"))
    assert klarna_client.get_order(order_id).status == "CANCELLED"
    with pytest.raises(KlarnaForbiddenError):
        orders.capture_order(
            order_id, 100, idempotency_key=idempotency_key("FF-2", "capture-1", 100)
        )


def test_unknown_order_is_not_found(klarna_client: KlarnaClient) -> None:
    with pytest.raises(KlarnaNotFoundError):
        klarna_client.get_order("00000000-0000-4000-8000-000000000000")


# Faults injected at the emulator


def test_read_session_survives_a_503_by_retrying(
    emulator_server: LiveServer, klarna_client: KlarnaClient
) -> None:
    session_id = klarna_client.create_session(gb_cart()).session_id
    control(emulator_server, "POST", "/faults", {"operation": "read_session", "status": 503})
    assert klarna_client.read_session(session_id).status == "incomplete"
    assert [call["status"] for call in calls_of(emulator_server, "read_session")] == [503, 200]


@pytest.mark.parametrize(
    "fault", [{"status": 503}, {"drop": True}], ids=["503", "dropped-connection"]
)
def test_create_order_fault_is_an_unknown_outcome_sent_only_once(
    emulator_server: LiveServer, klarna_client: KlarnaClient, fault: dict[str, Any]
) -> None:
    token = authorize(emulator_server, klarna_client.create_session(gb_cart()).session_id)
    control(emulator_server, "POST", "/faults", {"operation": "create_order", **fault})
    with pytest.raises(KlarnaUnavailableError) as raised:
        klarna_client.create_order(token, gb_cart())
    assert raised.value.outcome_unknown is True
    assert len(calls_of(emulator_server, "create_order")) == 1


def test_create_order_slower_than_the_timeout_is_an_unknown_outcome(
    emulator_server: LiveServer,
) -> None:
    impatient = KlarnaClient(emulator_server.url, EMULATOR_USERNAME, EMULATOR_PASSWORD, timeout=0.2)
    token = authorize(emulator_server, impatient.create_session(gb_cart()).session_id)
    control(emulator_server, "POST", "/faults", {"operation": "create_order", "delay_ms": 600})
    with pytest.raises(KlarnaUnavailableError) as raised:
        impatient.create_order(token, gb_cart())
    assert raised.value.outcome_unknown is True
    assert "timed out waiting for the answer" in str(raised.value)
    # Klarna went on after the client gave up: the order exists, which is why the outcome
    # is "unknown" and not "failed". (Waiting here also keeps it out of the next test.)
    deadline = time.monotonic() + 5
    while not calls_of(emulator_server, "create_order") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [call["status"] for call in calls_of(emulator_server, "create_order")] == [200]
