"""The shopper's browser and Klarna's callback place the same order at the same instant: one order.

Runs on the run's database: SQLite by default, PostgreSQL with TEST_DATABASE_URL (the suite
runs both), because the two make concurrent writers wait in different ways.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from storefront.extensions import db
from storefront.models import Order, OrderStatus, Payment
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    authorize,
    callback,
    emulator_of,
    klarna_operations,
    open_payment_page,
)


def run_together(attempts: list[Callable[[], TestResponse]]) -> list[TestResponse]:
    """Start every attempt on its own thread at the same instant; their responses."""
    barrier = threading.Barrier(len(attempts))
    responses: list[TestResponse] = []
    failures: list[BaseException] = []

    def run(attempt: Callable[[], TestResponse]) -> None:
        barrier.wait()
        try:
            responses.append(attempt())
        except BaseException as failure:  # report it in the test, not on a thread
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    return responses


@pytest.mark.parametrize(
    ("browser_posts", "callbacks"),
    [(2, 0), (1, 1), (0, 2), (4, 4)],
    ids=["double-click", "browser-and-callback", "callback-twice", "four-of-each"],
)
def test_place_order_racing_attempts_make_exactly_one_order(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    browser_posts: int,
    callbacks: int,
) -> None:
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]
    csrf_token = client.csrf_token()
    cookie = client.get_cookie("session")
    assert cookie is not None
    with seeded.app_context():
        key = db.session.scalars(sa.select(Payment.callback_secret)).one() or ""
    form = {
        "csrf_token": csrf_token,
        "authorization_token": token,
        "klarna_session_id": state["session_id"],
        "purchase_fingerprint": state["purchase_fingerprint"],
    }

    def browser() -> TestResponse:
        tab = seeded.test_client()
        tab.set_cookie("session", cookie.value)
        return tab.post("/checkout/payment/place", data=form)

    def klarna() -> TestResponse:
        body: dict[str, Any] = {"authorization_token": token, "session_id": state["session_id"]}
        return callback(seeded.test_client(), key, body)

    responses = run_together([browser] * browser_posts + [klarna] * callbacks)

    with seeded.app_context():
        orders = db.session.execute(sa.select(Order.number, Order.status)).all()
    assert [status for _, status in orders] == [OrderStatus.PAID]
    assert len(emulator_of(emulator_server).store.orders) == 1
    assert klarna_operations(emulator_server).count("create_order") == 1
    number = orders[0].number
    for response in responses:
        if response.request.path == "/checkout/payment/place":
            assert response.status_code == 303
            location = response.headers["Location"]
            assert location == f"/orders/{number}" or location.startswith(emulator_server.url)
        else:
            # 503 asks Klarna to call again while the browser's attempt is placing the order.
            assert response.status_code in (200, 503), response.get_json()
