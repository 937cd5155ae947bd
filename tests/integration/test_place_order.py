"""Placing the order: a token becomes exactly one order; each Klarna answer has an outcome."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.klarna.client import KlarnaClient
from storefront.klarna.errors import (
    KlarnaError,
    KlarnaForbiddenError,
    KlarnaRejectedError,
    KlarnaSessionCompletedError,
    KlarnaValidationError,
)
from storefront.klarna.results import PlacedOrder
from storefront.models import Order, OrderStatus, Payment, PaymentEvent
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    add_fault,
    authorize,
    callback,
    callback_body,
    decide_pending_orders,
    edit,
    emulator_of,
    klarna_operations,
    last_request_id,
    open_payment_page,
    pay,
    place,
)

MINUTE = 60


def orders_in(app: Flask) -> list[dict[str, Any]]:
    """Every order's number, status, Klarna id and total."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Order.number, Order.status, Order.klarna_order_id, Order.total_minor)
        ).all()
        return [row._asdict() for row in rows]


def callback_key(app: Flask) -> str:
    """The callback secret of the only payment."""
    with app.app_context():
        key = db.session.scalars(sa.select(Payment.callback_secret)).one()
        assert key
        return key


def event_kinds(app: Flask) -> list[str]:
    """The payment log's event kinds, oldest first."""
    with app.app_context():
        return list(db.session.scalars(sa.select(PaymentEvent.kind).order_by(PaymentEvent.id)))


def test_place_order_accepted_makes_a_paid_order_and_consumes_the_cart(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "US", (("TEE-ORG", 2), ("COF-BEAN", 1)))
    token = authorize(emulator_server, state)["authorization_token"]
    response = place(client, state, token)
    [order] = orders_in(seeded)
    klarna_order = emulator_of(emulator_server).store.orders[order["klarna_order_id"]]
    assert response.status_code == 303
    # Klarna's redirect_url first (Klarna sets its cookie), then back to the confirmation.
    assert response.headers["Location"].startswith(f"{emulator_server.url}/v1/sessions/")
    assert order["status"] == OrderStatus.PAID
    assert order["total_minor"] == klarna_order.order_amount
    assert klarna_order.purchase["merchant_reference1"] == order["number"]
    assert "Your cart is empty" in client.get("/cart").get_data(as_text=True)
    page = client.get(f"/orders/{order['number']}").get_data(as_text=True)
    assert "Thank you for your order" in page
    assert "Organic Cotton Tee" in page and "509 Amsterdam Ave" in page
    assert f'data-amount-minor="{order["total_minor"]}"' in page
    assert event_kinds(seeded) == ["session_created", "order_claimed", "order_created"]


def test_place_order_twice_with_one_token_gives_one_order(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]
    first = place(client, state, token)
    before = last_request_id(emulator_server)
    second = place(client, state, token)  # the back button, then the form posted again
    [order] = orders_in(seeded)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == f"/orders/{order['number']}"
    assert klarna_operations(emulator_server, since=before) == []


def test_place_order_after_the_callback_answers_with_the_callbacks_order(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "DE")
    payload = authorize(emulator_server, state)
    hook = callback(seeded.test_client(), callback_key(seeded), callback_body(payload, state))
    before = last_request_id(emulator_server)
    response = place(client, state, payload["authorization_token"])
    [order] = orders_in(seeded)
    assert hook.status_code == 200
    assert response.headers["Location"] == f"/orders/{order['number']}"
    assert order["status"] == OrderStatus.PAID
    assert klarna_operations(emulator_server, since=before) == []
    # DE: the order page is in German.
    assert "Vielen Dank für Ihre Bestellung" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_place_order_refuses_a_cart_changed_after_authorize_and_cancels_the_token(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]
    edit(client, "items/TEE-ORG/quantity", {"quantity": "2"})  # e.g. in another tab
    before = last_request_id(emulator_server)
    response = place(client, state, token)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    authorization = emulator_of(emulator_server).store.authorizations[token]
    assert response.headers["Location"] == "/checkout/payment"
    assert "Your order changed after you confirmed it with Klarna" in page
    # Klarna is asked first whether the token is this session's (see cancel_authorization).
    assert klarna_operations(emulator_server, since=before) == [
        "read_session",
        "cancel_authorization",
    ]
    assert authorization.status == "cancelled"
    assert orders_in(seeded) == []


@pytest.mark.parametrize(
    "posted_session", ["theirs", "mine"], ids=["session-mismatch", "own-session-stale-page"]
)
def test_place_order_never_cancels_another_shoppers_token(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, posted_session: str
) -> None:
    """A leaked token posted with the victim's session, or with the poster's own one."""
    victim: ShopClient = seeded.test_client()  # type: ignore[assignment]
    theirs = open_payment_page(victim, "GB")
    token = authorize(emulator_server, theirs)["authorization_token"]
    mine = open_payment_page(client, "GB", (("TEE-ORG", 2),))
    before = last_request_id(emulator_server)
    # Theirs: the victim's own session (not this cart's). Mine: this cart's session, with a
    # fingerprint the page did not give (as if the cart changed after authorize).
    stale = {**mine, "purchase_fingerprint": theirs["purchase_fingerprint"]}
    forged = theirs if posted_session == "theirs" else stale
    response = place(client, forged, token)
    assert response.status_code == 303 and not orders_in(seeded)
    assert "cancel_authorization" not in klarna_operations(emulator_server, since=before)
    assert emulator_of(emulator_server).store.authorizations[token].status != "cancelled"
    assert place(victim, theirs, token).status_code == 303  # the victim still pays with it
    assert [order["status"] for order in orders_in(seeded)] == [OrderStatus.PAID]


def test_callback_for_a_changed_cart_gets_409_releases_the_claim_and_lets_the_token_lapse(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    """Only Klarna's word ties a callback's token to the cart: the shop never cancels it."""
    state = open_payment_page(client, "GB")
    payload = authorize(emulator_server, state)
    # Changed on the cart page after authorizing: the session and the token hold 1 tee.
    client.post_form("/cart/items/TEE-ORG/quantity", {"quantity": "2"})
    before = last_request_id(emulator_server)
    hook = callback(seeded.test_client(), callback_key(seeded), callback_body(payload, state))
    assert hook.status_code == 409
    assert hook.get_json()["outcome"] == "not placed: AuthorizeAgain"
    assert klarna_operations(emulator_server, since=before) == ["create_order"]
    assert orders_in(seeded) == []
    assert event_kinds(seeded)[-2:] == ["order_claimed", "order_refused"]


def test_place_order_with_an_expired_token_asks_to_authorize_again(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    old_token = authorize(emulator_server, state)["authorization_token"]
    emulator_of(emulator_server).store.advance_clock(61 * MINUTE)
    response = place(client, state, old_token)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your Klarna confirmation has expired" in page
    assert orders_in(seeded) == []
    new_token = authorize(emulator_server, state)["authorization_token"]
    place(client, state, new_token)
    assert [order["status"] for order in orders_in(seeded)] == [OrderStatus.PAID]


def test_place_order_for_a_replaced_session_asks_to_authorize_again(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]
    emulator_of(emulator_server).store.advance_clock(49 * 60 * MINUTE)
    edit(client, "items/TEE-ORG/quantity", {"quantity": "2"})  # replaces the expired session
    response = place(client, state, token)
    assert response.headers["Location"] == "/checkout/payment"
    assert orders_in(seeded) == []


def test_place_order_pending_is_on_hold_until_klarnas_notification(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "US", email="customer+pend-accept-05@email.us")
    token = authorize(emulator_server, state)["authorization_token"]
    place(client, state, token)
    [order] = orders_in(seeded)
    page = client.get(f"/orders/{order['number']}").get_data(as_text=True)
    assert order["status"] == OrderStatus.ON_HOLD
    assert "Klarna is reviewing this purchase" in page
    notice = {"order_id": order["klarna_order_id"], "event_type": "FRAUD_RISK_ACCEPTED"}
    # Before Klarna decided, a (forged or early) notice changes nothing: the read-back rules.
    early = callback(seeded.test_client(), callback_key(seeded), notice, "notification")
    assert early.status_code == 200 and orders_in(seeded)[0]["status"] == OrderStatus.ON_HOLD
    decide_pending_orders(emulator_server)
    late = callback(seeded.test_client(), callback_key(seeded), notice, "notification")
    assert late.status_code == 200
    assert orders_in(seeded)[0]["status"] == OrderStatus.PAID
    assert event_kinds(seeded)[-1] == "fraud_decision"


@pytest.mark.parametrize(
    ("market", "email"),
    [("US", "customer+pend-reject-05@email.us"), ("GB", "customer+pend-reject-05@email.uk")],
)
def test_notification_of_a_rejected_review_rejects_the_order(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, market: str, email: str
) -> None:
    # The emulator's only REJECTED: create order answers PENDING, Klarna's review rejects later.
    pay(client, emulator_server, market, email=email)
    [order] = orders_in(seeded)
    assert order["status"] == OrderStatus.ON_HOLD
    decide_pending_orders(emulator_server)
    notice = {"order_id": order["klarna_order_id"], "event_type": "FRAUD_RISK_REJECTED"}
    assert (
        callback(seeded.test_client(), callback_key(seeded), notice, "notification").status_code
        == 200
    )
    klarna_order = emulator_of(emulator_server).store.orders[order["klarna_order_id"]]
    assert orders_in(seeded)[0]["status"] == OrderStatus.REJECTED
    page = client.get(f"/orders/{order['number']}").get_data(as_text=True)
    assert "Klarna did not accept this purchase. Nothing has been charged." in page
    assert klarna_order.fraud_status == "REJECTED"
    assert klarna_order.captured_amount == 0
    assert "create_capture" not in klarna_operations(emulator_server)


def answer_create_order_with_fraud_status(monkeypatch: pytest.MonkeyPatch, status: str) -> None:
    """Let Klarna's create-order answers say `fraud_status: status` (the emulator says
    ACCEPTED or PENDING only: its playground e-mails have no immediate rejection)."""
    create_order = KlarnaClient.create_order

    def answered(client: KlarnaClient, token: str, body: dict[str, Any]) -> PlacedOrder:
        placed = create_order(client, token, body)
        raw = {**placed.raw, "fraud_status": status}
        return dataclasses.replace(placed, fraud_status=status, raw=raw)

    monkeypatch.setattr(KlarnaClient, "create_order", answered)


@pytest.mark.parametrize("market", ["US", "GB"])
def test_place_order_answered_rejected_places_no_order_and_stops_offering_klarna(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
    market: str,
) -> None:
    state = open_payment_page(client, market)
    token = authorize(emulator_server, state)["authorization_token"]
    answer_create_order_with_fraud_status(monkeypatch, "REJECTED")
    before = last_request_id(emulator_server)
    response = place(client, state, token)
    [order] = orders_in(seeded)
    klarna_order = emulator_of(emulator_server).store.orders[order["klarna_order_id"]]
    assert response.headers["Location"] == "/checkout/payment"
    assert order["status"] == OrderStatus.REJECTED
    assert event_kinds(seeded)[-3:] == ["order_claimed", "order_created", "declined"]
    # Nothing charged: create order was the only call, and nothing was captured.
    assert klarna_operations(emulator_server, since=before) == ["create_order"]
    assert klarna_order.captured_amount == 0
    page = client.get("/checkout/payment").get_data(as_text=True)
    assert "Klarna cannot accept this purchase. Nothing has been charged." in page
    assert '"declined": true' in page
    assert 'name="payment_method_category"' not in page
    assert "Organic Cotton Tee" in client.get("/cart").get_data(as_text=True)  # cart kept
    again = place(client, state, token)  # the back button, then the form posted again
    assert again.headers["Location"] == "/checkout/payment"
    assert "Klarna cannot accept this purchase" in client.get("/checkout/payment").get_data(
        as_text=True
    )
    assert klarna_operations(emulator_server, since=before) == ["create_order"]
    assert [row["status"] for row in orders_in(seeded)] == [OrderStatus.REJECTED]


def test_notification_never_revives_an_order_the_merchant_cancelled(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    pay(client, emulator_server, "US", email="customer+pend-accept-05@email.us")
    with seeded.app_context():
        order = db.session.scalars(sa.select(Order)).one()
        order.transition_to(OrderStatus.CANCELLED)  # the merchant cancelled it while on hold
        db.session.commit()
        klarna_order_id = order.klarna_order_id
    decide_pending_orders(emulator_server)
    notice = {"order_id": klarna_order_id, "event_type": "FRAUD_RISK_ACCEPTED"}
    response = callback(seeded.test_client(), callback_key(seeded), notice, "notification")
    assert response.status_code == 200
    assert orders_in(seeded)[0]["status"] == OrderStatus.CANCELLED
    assert event_kinds(seeded)[-1] == "notification_ignored"


def test_place_order_retries_a_lost_create_order_answer_with_the_same_token(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]
    add_fault(emulator_server, "create_order", drop=True)
    before = last_request_id(emulator_server)
    response = place(client, state, token)
    [order] = orders_in(seeded)
    assert response.status_code == 303 and order["status"] == OrderStatus.PAID
    assert klarna_operations(emulator_server, since=before) == ["create_order", "create_order"]
    assert len(emulator_of(emulator_server).store.orders) == 1


@pytest.mark.parametrize("status", [400, 401, 500])
def test_place_order_failure_before_klarna_acted_releases_the_claim(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, status: int
) -> None:
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]
    # 500 twice: also the identical second request fails, which makes the outcome unknown.
    add_fault(emulator_server, "create_order", status=status, count=1 if status < 500 else 2)
    response = place(client, state, token)
    requests = emulator_of(emulator_server).store.requests
    create_order = next(call for call in requests if call.operation == "create_order")
    if status < 500:
        assert response.headers["Location"] == "/checkout/payment"
        page = client.get("/checkout/payment").get_data(as_text=True)
        assert f"(Reference: {create_order.correlation_id})" in page
        assert orders_in(seeded) == []
        # A new authorization is needed, so the unused one is released at once.
        assert klarna_operations(emulator_server)[-1] == "cancel_authorization"
        assert event_kinds(seeded)[-2:] == ["order_refused", "authorization_cancelled"]
    else:
        assert [order["status"] for order in orders_in(seeded)] == [OrderStatus.PLACING]


def test_declined_shopper_gets_no_klarna_for_this_cart(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB", email="customer+denied@email.uk")
    assert authorize(emulator_server, state) == {"approved": False, "show_form": False}
    client.post_form("/checkout/payment/declined")
    before = last_request_id(emulator_server)
    page = client.get("/checkout/payment").get_data(as_text=True)
    assert "Klarna cannot accept this purchase" in page
    assert '"declined": true' in page
    assert 'name="payment_method_category"' not in page
    assert klarna_operations(emulator_server, since=before) == []
    assert event_kinds(seeded)[-1] == "declined"


def test_payment_events_cannot_be_changed_once_written(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    open_payment_page(client, "GB")
    with seeded.app_context():
        event = db.session.scalars(sa.select(PaymentEvent)).one()
        event.detail = "rewritten"
        with pytest.raises(ValueError, match="append-only"):
            db.session.commit()
        db.session.rollback()
    assert event_kinds(seeded) == ["session_created"]


def klarna_refusal(error_class: type[KlarnaError], status: int, code: str) -> KlarnaError:
    """A create-order error as the client raises it."""
    return error_class(
        f"Klarna create_order failed with HTTP {status} {code}",
        operation="create_order",
        status=status,
        error_code=code,
        correlation_id="corr-123",
    )


@pytest.mark.parametrize(
    ("error", "status_left", "told"),
    [
        (klarna_refusal(KlarnaRejectedError, 403, "REJECTED"), None, "Klarna cannot accept"),
        (klarna_refusal(KlarnaForbiddenError, 403, "MERCHANT_INACTIVE"), None, "not available"),
        (klarna_refusal(KlarnaValidationError, 400, "BAD_VALUE"), None, "not available"),
        (klarna_refusal(KlarnaForbiddenError, 403, "INVALID_OPERATION"), "placing", "yet"),
        (klarna_refusal(KlarnaSessionCompletedError, 404, "SESSION_COMPLETED"), "placing", "yet"),
    ],
    ids=["rejected", "forbidden", "bad-value", "token-consumed", "session-completed"],
)
def test_place_order_maps_each_create_order_error_to_an_outcome(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
    error: KlarnaError,
    status_left: str | None,
    told: str,
) -> None:
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]

    def refuse(*args: Any) -> None:
        raise error

    monkeypatch.setattr(seeded.extensions["klarna"], "create_order", refuse)
    response = place(client, state, token)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert told in page and "(Reference: corr-123)" in page
    assert [order["status"] for order in orders_in(seeded)] == (
        [status_left] if status_left else []
    )
    if isinstance(error, KlarnaRejectedError):
        assert "Klarna cannot accept this purchase" in client.get("/checkout/payment").get_data(
            as_text=True
        )
