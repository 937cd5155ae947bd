"""Klarna's calls to the shop: the secret in the URL decides, the body is never trusted."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order, OrderStatus, Payment
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
    assert "Your cart is empty" in client.get("/cart").get_data(as_text=True)


def test_authorization_callback_repeated_is_answered_without_a_second_order(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    payload = authorize(emulator_server, state)
    body = callback_body(payload, state)
    first = callback(seeded.test_client(), payment_key(seeded), body)
    before = last_request_id(emulator_server)
    second = callback(seeded.test_client(), payment_key(seeded), body)
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    assert klarna_operations(emulator_server, since=before) == []
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
