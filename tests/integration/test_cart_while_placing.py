"""The cart cannot change while its order is being placed, and the order keeps Klarna's links.

Create order can take seconds; meanwhile the shopper may still have the cart open in another
tab. An edit then is refused ("your order is being confirmed") and changes nothing, and the
payment keeps its Klarna session id and callback secret, by which Klarna's authorization
callback and pending-order notification find and prove the order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import CartLine, Order, OrderStatus, Payment
from storefront.services import order_placement
from storefront.services.errors import (
    BEING_CONFIRMED_MESSAGE,
    OrderInProgress,
    PaymentOutcomeUnknown,
)
from storefront.services.klarna_session import discard_session
from storefront.services.order_claims import Claim
from storefront.services.placement_outcomes import Placement
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    JSON_HEADERS,
    add_fault,
    authorize,
    callback,
    callback_body,
    decide_pending_orders,
    open_payment_page,
    place,
)
from tests.support.shopping import details_form, flashes

PENDING_PERSONA = "customer+pend-accept-05@email.uk"


@pytest.fixture
def slow_create_order(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Flask], str]]:
    """The next place-order attempt stops once it holds its claim; `finish(app)` sends it and
    returns the order's status.

    Between the two the order is PLACING with its claim held, exactly as while Klarna takes
    its time to answer create order.
    """
    send_claimed = order_placement.send_claimed
    claims: list[Claim] = []

    def hold(claimed: Claim) -> Placement:
        claims.append(claimed)
        monkeypatch.setattr(order_placement, "send_claimed", send_claimed)  # the next one goes
        # What the browser is told while it waits: the order page, "confirming your payment".
        raise OrderInProgress(db.session.get_one(Order, claimed.order_id).number)

    def finish(app: Flask) -> str:
        with app.app_context():
            return str(send_claimed(claims[-1]).order.status)

    monkeypatch.setattr(order_placement, "send_claimed", hold)
    yield finish


def placing(app: Flask, client: ShopClient, server: LiveServer, **shopper: Any) -> dict[str, Any]:
    """Authorize on the payment page and press Buy; create order is still on its way.

    The page state, with the authorization and the callback key Klarna was given.
    """
    state = open_payment_page(client, "GB", **shopper)
    authorized = authorize(server, state)
    with app.app_context():
        key = db.session.scalars(sa.select(Payment.callback_secret)).one()
    response = place(client, state, authorized["authorization_token"])
    assert response.headers["Location"].startswith("/orders/")
    return {**state, "authorized": authorized, "key": key}


def links(app: Flask) -> tuple[str | None, str | None, int]:
    """The payment's Klarna session id and callback secret, and the items in its cart."""
    with app.app_context():
        payment = db.session.scalars(sa.select(Payment)).one()
        items = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(CartLine.quantity), 0)))
        return payment.klarna_session_id, payment.callback_secret, items or 0


def the_order(app: Flask) -> dict[str, Any]:
    """The only order's number, status and Klarna id."""
    with app.app_context():
        row = db.session.execute(sa.select(Order.number, Order.status, Order.klarna_order_id))
        return row.one()._asdict()


def test_emptying_the_cart_while_a_pending_order_is_placed_keeps_klarnas_notification_working(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    slow_create_order: Callable[[Flask], str],
) -> None:
    state = placing(seeded, client, emulator_server, email=PENDING_PERSONA)
    before = links(seeded)
    number = the_order(seeded)["number"]
    response = client.post_form("/cart/items/TEE-ORG/remove")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/orders/{number}"
    assert ("error", BEING_CONFIRMED_MESSAGE) in flashes(client)
    assert links(seeded) == before  # the item is still there, the Klarna links too
    assert slow_create_order(seeded) == OrderStatus.ON_HOLD
    decide_pending_orders(emulator_server)
    order = the_order(seeded)
    notice = {"order_id": order["klarna_order_id"], "event_type": "FRAUD_RISK_ACCEPTED"}
    answer = callback(seeded.test_client(), state["key"], notice, "notification")
    assert answer.status_code == 200
    assert the_order(seeded)["status"] == OrderStatus.PAID


def test_emptying_the_cart_while_the_answer_is_lost_keeps_klarnas_callback_working(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    slow_create_order: Callable[[Flask], str],
) -> None:
    state = placing(seeded, client, emulator_server)
    before = links(seeded)
    number = the_order(seeded)["number"]
    response = client.post_form("/checkout/payment/items/TEE-ORG/remove", headers=JSON_HEADERS)
    assert response.status_code == 409
    assert response.get_json() == {
        "messages": [{"category": "error", "text": BEING_CONFIRMED_MESSAGE}],
        "redirect": f"/orders/{number}",
    }
    assert links(seeded) == before
    add_fault(emulator_server, "create_order", drop_answer=True, count=2)
    with pytest.raises(PaymentOutcomeUnknown):
        slow_create_order(seeded)
    with seeded.app_context():  # the claim's lease ran out: the next attempt sends it again
        past = datetime.now(UTC) - timedelta(seconds=1)
        db.session.execute(sa.update(Order).values(claim_expires_at=past))
        db.session.commit()
    body = callback_body(state["authorized"], state)
    answer = callback(seeded.test_client(), state["key"], body)
    assert answer.status_code == 200
    order = the_order(seeded)
    assert order["status"] == OrderStatus.PAID and order["klarna_order_id"]


EDITS = [
    ("/cart/add", {"sku": "COF-BEAN", "quantity": "1"}),
    ("/cart/items/TEE-ORG/quantity", {"quantity": "3"}),
    ("/cart/coupon", {"code": "WELCOME10"}),
    ("/checkout/payment/items/TEE-ORG/quantity", {"quantity": "3"}),
    ("/checkout/payment/shipping", {"method": "express"}),
    ("/checkout/payment/details", details_form("GB", email="other@example.com")),
    ("/checkout/payment/session", {}),
    ("/checkout/shipping", {"method": "express"}),
    ("/market", {"market": "US"}),
]


@pytest.mark.parametrize(("path", "form"), EDITS, ids=[path for path, _ in EDITS])
def test_every_cart_edit_waits_for_the_order_being_placed(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    slow_create_order: Callable[[Flask], str],
    path: str,
    form: dict[str, str],
) -> None:
    placing(seeded, client, emulator_server)
    with seeded.app_context():
        cart_before = db.session.execute(sa.text("SELECT * FROM cart")).all()
    before = links(seeded)
    response = client.post_form(path, form)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/orders/")
    assert ("error", BEING_CONFIRMED_MESSAGE) in flashes(client)
    assert links(seeded) == before
    with seeded.app_context():
        assert db.session.execute(sa.text("SELECT * FROM cart")).all() == cart_before


def test_a_payment_with_an_order_never_loses_its_session_or_callback_secret(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    slow_create_order: Callable[[Flask], str],
) -> None:
    placing(seeded, client, emulator_server)
    before = links(seeded)
    with seeded.app_context():
        discard_session(db.session.scalars(sa.select(Payment)).one())
        db.session.commit()
    assert links(seeded) == before
