"""Outbound callbacks: the authorization callback and pending orders' notifications."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from klarna_emulator.emulator import Emulator
from tests.support.callback_receiver import CallbackReceiver
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorize, create_session, emulator_app, emulator_of
from tests.support.klarna_examples import gb_cart, shopper_gb, shopper_us, us_sales_tax


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    """A merchant endpoint on this machine that records callbacks."""
    with CallbackReceiver().running() as running:
        yield running


def wait_until(condition: object, timeout: float = 10.0) -> None:
    """Poll `condition()` until it holds (a test of background work, not of speed)."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)


def test_approval_posts_the_authorization_callback(
    api: KlarnaApiClient, receiver: CallbackReceiver
) -> None:
    cart = {
        **gb_cart(),
        "merchant_reference1": "ORD-7",
        "merchant_urls": {"authorization": f"{receiver.url}/klarna/auth?key=s3cret"},
    }
    session_id = create_session(api, cart)

    token = authorize(api, session_id)["authorization_token"]

    [callback] = receiver.wait_for(1)
    assert callback["path"] == "/klarna/auth"
    assert callback["json"] == {
        "authorization_token": token,
        "session_id": session_id,
        "merchant_reference1": "ORD-7",
    }


def test_decline_posts_no_callback(
    api: KlarnaApiClient, emulator: Emulator, receiver: CallbackReceiver
) -> None:
    cart = {**gb_cart(), "merchant_urls": {"authorization": f"{receiver.url}/cb"}}
    session_id = create_session(api, cart)

    authorize(api, session_id, {**shopper_gb(), "email": "customer+denied@email.uk"})
    authorize(api, session_id)
    receiver.wait_for(1)
    wait_until(lambda: emulator.snapshot()["callbacks"])

    assert len(receiver.received) == 1
    assert emulator.snapshot()["callbacks"][0]["outcome"] == "200"


def test_failed_callbacks_are_retried_and_logged() -> None:
    app = emulator_app(CALLBACK_RETRIES=2)
    api = app.test_client()
    with CallbackReceiver(failures=2).running() as receiver:
        session_id = create_session(
            api, {**gb_cart(), "merchant_urls": {"authorization": f"{receiver.url}/cb"}}
        )
        authorize(api, session_id)
        receiver.wait_for(3)
        wait_until(lambda: len(emulator_of(app).snapshot()["callbacks"]) == 3)

    outcomes = [(c["attempt"], c["outcome"]) for c in emulator_of(app).snapshot()["callbacks"]]
    assert outcomes == [(1, "503"), (2, "503"), (3, "200")]


def test_unreachable_callback_gives_up_after_its_retries() -> None:
    app = emulator_app(CALLBACK_RETRIES=1)
    api = app.test_client()
    session_id = create_session(
        api, {**gb_cart(), "merchant_urls": {"authorization": "http://127.0.0.1:9/cb"}}
    )

    payload = authorize(api, session_id)
    wait_until(lambda: len(emulator_of(app).snapshot()["callbacks"]) == 2)

    assert payload["approved"]
    outcomes = [c["outcome"] for c in emulator_of(app).snapshot()["callbacks"]]
    assert outcomes == ["error: ConnectionError", "error: ConnectionError"]


def test_callbacks_to_other_machines_are_skipped_offline(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    cart = {**gb_cart(), "merchant_urls": {"authorization": "https://shop.example/klarna/auth"}}
    session_id = create_session(api, cart)

    authorize(api, session_id)
    wait_until(lambda: emulator.snapshot()["callbacks"])

    assert emulator.snapshot()["callbacks"][0]["outcome"] == "skipped: not a loopback URL"


@pytest.mark.parametrize(
    ("tag", "event", "fraud_status"),
    [("accept", "FRAUD_RISK_ACCEPTED", "ACCEPTED"), ("reject", "FRAUD_RISK_REJECTED", "REJECTED")],
)
def test_pending_order_is_decided_and_notified_minutes_later(
    api: KlarnaApiClient, receiver: CallbackReceiver, tag: str, event: str, fraud_status: str
) -> None:
    cart = us_sales_tax()
    cart["merchant_urls"] = {"notification": f"{receiver.url}/klarna/notify/{{order.id}}"}
    session_id = create_session(api, cart)
    token = authorize(
        api, session_id, {**shopper_us(), "email": f"customer+pend-{tag}-05@email.us"}
    )["authorization_token"]

    placed = api.post(f"/payments/v1/authorizations/{token}/order", json=cart).json
    order_id = placed["order_id"]
    captured_while_pending = api.post(
        f"/ordermanagement/v1/orders/{order_id}/captures", json={"captured_amount": 1}
    )
    api.post("/_emulator/clock", json={"advance_seconds": 4 * 60})
    still_pending = api.get(f"/ordermanagement/v1/orders/{order_id}").json["fraud_status"]
    api.post("/_emulator/clock", json={"advance_seconds": 60})
    [notification] = receiver.wait_for(1)

    assert placed["fraud_status"] == "PENDING"
    assert captured_while_pending.status_code == 403
    assert still_pending == "PENDING"
    assert notification == {
        "path": f"/klarna/notify/{order_id}",
        "json": {"order_id": order_id, "event_type": event},
    }
    assert api.get(f"/ordermanagement/v1/orders/{order_id}").json["fraud_status"] == fraud_status


def test_rejected_order_is_cancelled_four_hours_later_unless_captured(api: KlarnaApiClient) -> None:
    session_id = create_session(api, us_sales_tax())
    token = authorize(
        api, session_id, {**shopper_us(), "email": "customer+pend-reject-00@email.us"}
    )["authorization_token"]
    order_id = api.post(f"/payments/v1/authorizations/{token}/order", json=us_sales_tax()).json[
        "order_id"
    ]
    wait_until(
        lambda: api.get(f"/ordermanagement/v1/orders/{order_id}").json["fraud_status"] == "REJECTED"
    )

    api.post("/_emulator/clock", json={"advance_seconds": 4 * 3600})

    assert api.get(f"/ordermanagement/v1/orders/{order_id}").json["status"] == "CANCELLED"


def test_pending_scenarios_outside_us_and_gb_are_accepted_at_once(api: KlarnaApiClient) -> None:
    cart = {**gb_cart(), "purchase_country": "DE", "purchase_currency": "EUR", "locale": "de-DE"}
    session_id = create_session(api, cart)
    token = authorize(
        api, session_id, {"email": "customer+pend-accept-05@email.de", "country": "DE"}
    )["authorization_token"]

    placed = api.post(f"/payments/v1/authorizations/{token}/order", json=cart).json

    assert placed["fraud_status"] == "ACCEPTED"


def test_reset_drops_pending_decisions(
    api: KlarnaApiClient, emulator: Emulator, receiver: CallbackReceiver
) -> None:
    cart = {**gb_cart(), "merchant_urls": {"notification": f"{receiver.url}/n"}}
    session_id = create_session(api, cart)
    token = authorize(
        api, session_id, {**shopper_gb(), "email": "customer+pend-accept-01@email.uk"}
    )["authorization_token"]
    api.post(f"/payments/v1/authorizations/{token}/order", json=cart)

    api.post("/_emulator/reset", json={})
    api.post("/_emulator/clock", json={"advance_seconds": 120})

    assert emulator.snapshot()["scheduled"] == []
    assert emulator.scheduler.run_due_jobs() == 0
    assert receiver.received == []
