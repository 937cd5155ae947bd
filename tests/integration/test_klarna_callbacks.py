"""Klarna's calls to the shop: the secret in the URL decides, the body is never trusted."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order, OrderStatus, Payment, PaymentEvent
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    authorize,
    callback,
    callback_body,
    klarna_operations,
    last_request_id,
    open_payment_page,
    pay,
    place,
)


def payment_key(app: Flask) -> str:
    """The callback secret of the only payment."""
    with app.app_context():
        return db.session.scalars(sa.select(Payment.callback_secret)).one() or ""


def event_count(app: Flask) -> int:
    """How many payment events the shop has logged."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(PaymentEvent)) or 0


def order_statuses(app: Flask) -> list[str]:
    """The status of every order."""
    with app.app_context():
        return list(db.session.scalars(sa.select(Order.status)))


def test_authorization_callback_alone_places_the_order_when_the_tab_was_closed(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "SE")
    payload = authorize(emulator_server, state)
    body = callback_body(payload, state)
    response = callback(seeded.test_client(), payment_key(seeded), body)
    assert response.status_code == 200
    assert order_statuses(seeded) == [OrderStatus.PAID]
    # The shopper comes back later: the cart became the order, a new one starts empty.
    assert "Din varukorg är tom" in client.get("/cart").get_data(as_text=True)  # SE: Swedish


def test_authorization_callback_replayed_after_its_answer_is_refused_without_side_effect(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    payload = authorize(emulator_server, state)
    body = callback_body(payload, state)
    first = callback(seeded.test_client(), payment_key(seeded), body)
    before = last_request_id(emulator_server)
    events = event_count(seeded)
    replay = callback(seeded.test_client(), payment_key(seeded), body)
    assert (first.status_code, replay.status_code) == (200, 409)
    assert klarna_operations(emulator_server, since=before) == []
    assert order_statuses(seeded) == [OrderStatus.PAID]
    assert event_count(seeded) == events


def test_authorization_callback_after_the_browser_placed_the_order_confirms_it_once(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    payload = authorize(emulator_server, state)
    key = payment_key(seeded)
    assert place(client, state, payload["authorization_token"]).status_code == 303
    before = last_request_id(emulator_server)
    another_token = {"authorization_token": "f" * 36, "session_id": state["session_id"]}

    forged = callback(seeded.test_client(), key, another_token)
    confirmed = callback(seeded.test_client(), key, callback_body(payload, state))
    replay = callback(seeded.test_client(), key, callback_body(payload, state))

    assert (forged.status_code, confirmed.status_code, replay.status_code) == (409, 200, 409)
    assert klarna_operations(emulator_server, since=before) == []
    assert order_statuses(seeded) == [OrderStatus.PAID]


def test_authorization_callback_with_a_token_of_another_cart_changes_nothing(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    """The right key and session, another shopper's token: refused, their payment untouched."""
    state = open_payment_page(client, "GB")
    key = payment_key(seeded)
    other: ShopClient = seeded.test_client()  # type: ignore[assignment]
    other_state = open_payment_page(other, "GB", (("MUG-STN", 2),))
    other_token = authorize(emulator_server, other_state)["authorization_token"]
    before = last_request_id(emulator_server)

    forged = callback(
        seeded.test_client(),
        key,
        {"authorization_token": other_token, "session_id": state["session_id"]},
    )

    assert forged.status_code == 409
    assert order_statuses(seeded) == []
    assert klarna_operations(emulator_server, since=before) == ["create_order"]
    # Klarna keeps refusing a token whose create order failed
    # (docs/klarna-notes.md#failed-token-stays-failed), so the other shopper confirms once
    # more, and pays; their cart was never touched.
    assert place(other, other_state, other_token).headers["Location"] == "/checkout/payment"
    assert "Please check your order and confirm again" in other.get("/checkout/payment").text
    fresh = open_payment_page(other, "GB", ())
    assert fresh["purchase_fingerprint"] == other_state["purchase_fingerprint"]
    paid = place(other, fresh, authorize(emulator_server, fresh)["authorization_token"])
    assert paid.status_code == 303
    assert order_statuses(seeded) == [OrderStatus.PAID]


@pytest.mark.parametrize(
    ("key", "body", "status"),
    [
        (None, "valid", 403),
        ("", "valid", 403),
        ("wrong-key", "valid", 403),
        ("right", {"authorization_token": "x", "session_id": "not-a-session"}, 403),
        ("right", {"authorization_token": "x"}, 400),
        ("right", {"authorization_token": 7, "session_id": "s"}, 400),
        ("right", {"authorization_token": "x" * 256, "session_id": "s"}, 400),
        ("right", ["authorization_token", "session_id"], 400),
        ("right", "not json", 400),
    ],
    ids=[
        "no-key",
        "empty-key",
        "wrong-key",
        "unknown-session",
        "missing-field",
        "not-a-string",
        "too-long",
        "not-an-object",
        "not-json",
    ],
)
def test_authorization_callback_refuses_what_klarna_would_not_send(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    key: str | None,
    body: object,
    status: int,
) -> None:
    state = open_payment_page(client, "GB")
    payload = authorize(emulator_server, state)
    if body == "valid":
        body = callback_body(payload, state)
    url = "/klarna/authorization"
    if key is not None:
        url += f"?key={payment_key(seeded) if key == 'right' else key}"
    before = last_request_id(emulator_server)
    if isinstance(body, str):
        response = seeded.test_client().post(url, data=body, content_type="application/json")
    else:
        response = seeded.test_client().post(url, json=body)
    assert response.status_code == status
    assert order_statuses(seeded) == []
    assert klarna_operations(emulator_server, since=before) == []


def test_notification_refuses_an_unknown_order_or_a_wrong_key(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    pay(client, emulator_server, "US", email="customer+pend-accept-05@email.us")
    with seeded.app_context():
        klarna_order_id = db.session.scalars(sa.select(Order.klarna_order_id)).one()
    notice = {"order_id": klarna_order_id, "event_type": "FRAUD_RISK_ACCEPTED"}
    before = last_request_id(emulator_server)
    wrong_key = callback(seeded.test_client(), "wrong", notice, "notification")
    unknown = callback(
        seeded.test_client(),
        payment_key(seeded),
        {**notice, "order_id": "00000000-0000-0000-0000-000000000000"},
        "notification",
    )
    assert wrong_key.status_code == unknown.status_code == 403
    assert klarna_operations(emulator_server, since=before) == []
    assert order_statuses(seeded) == [OrderStatus.ON_HOLD]


def test_callback_secret_and_tokens_never_reach_the_log(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="storefront")
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]
    place(client, state, token)
    logged = "\n".join(
        record.getMessage() for record in caplog.records if record.name.startswith("storefront")
    )
    assert "klarna_call" in logged
    assert payment_key(seeded) not in logged
    assert token not in logged
    assert state["client_token"] not in logged
    assert "customer@email.uk" not in logged
