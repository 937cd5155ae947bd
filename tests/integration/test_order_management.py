"""Order management against the emulator: capture, refund, cancel, release, extend, references.

Each test places an order through the shop (tests/support/payment_flow.py) and acts on it as
the back office would, then checks the shop's totals and status against Klarna's order.
"""

from __future__ import annotations

from collections import Counter

import pytest
import requests
import sqlalchemy as sa
from flask import Flask

from storefront.config import EMULATOR_PASSWORD, EMULATOR_USERNAME
from storefront.extensions import db
from storefront.models import Order, OrderStatus, PaymentEvent, PaymentEventKind
from storefront.services import authorization_actions, captures, refunds
from storefront.services.order_action_errors import ActionNotAllowed, OrderActionError
from storefront.services.settlement_lines import line_states
from tests.support.concurrency import run_together
from tests.support.live_server import LiveServer
from tests.support.order_management import (
    in_app,
    klarna_order_of,
    klarna_totals,
    placed_order,
    shop_settlements,
    shop_totals,
)
from tests.support.payment_flow import klarna_operations, last_request_id, pay

RACERS = 20


def status_of(app: Flask, number: str) -> str:
    """The shop order's status."""
    with app.app_context():
        return db.session.scalars(sa.select(Order.status).where(Order.number == number)).one()


def events_of(app: Flask, number: str) -> list[str]:
    """The kinds of the order's payment events, oldest first."""
    with app.app_context():
        order = db.session.scalars(sa.select(Order).where(Order.number == number)).one()
        return [event.kind for event in order.payment.events]


def test_ship_one_of_two_then_the_rest(seeded: Flask, emulator_server: LiveServer) -> None:
    number = placed_order(seeded, emulator_server)
    shipping = captures.ShippingInfo("DHL", "Home", "JD0123", "https://track.example/JD0123")

    in_app(seeded, captures.capture, number, {0: 1}, shipping=shipping, requested_by="ann")

    klarna = klarna_order_of(seeded, emulator_server, number)
    assert klarna.status == "PART_CAPTURED"
    assert klarna.captures[0].shipping_info[0]["tracking_number"] == "JD0123"
    assert shop_totals(seeded, number) == klarna_totals(seeded, emulator_server, number)
    assert status_of(seeded, number) == OrderStatus.PART_CAPTURED
    in_app(seeded, captures.capture, number)
    assert klarna_order_of(seeded, emulator_server, number).status == "CAPTURED"
    assert shop_totals(seeded, number) == klarna_totals(seeded, emulator_server, number)
    assert shop_totals(seeded, number)[0] == klarna.order_amount
    assert status_of(seeded, number) == OrderStatus.CAPTURED
    with seeded.app_context():
        order = db.session.scalars(sa.select(Order).where(Order.number == number)).one()
        assert all(state.capturable == 0 for state in line_states(order))


def test_tracking_added_to_an_earlier_capture(seeded: Flask, emulator_server: LiveServer) -> None:
    number = placed_order(seeded, emulator_server)
    in_app(seeded, captures.capture, number, {0: 1})
    capture_id = klarna_order_of(seeded, emulator_server, number).captures[0].capture_id
    later = captures.ShippingInfo("PostNord", "PickUpPoint", "PN42", "https://track.example/PN42")

    in_app(seeded, captures.add_shipping_info, number, capture_id, later, requested_by="ann")

    shipped = klarna_order_of(seeded, emulator_server, number).captures[0].shipping_info
    assert [entry["tracking_number"] for entry in shipped] == ["PN42"]
    with pytest.raises(OrderActionError):
        in_app(seeded, captures.add_shipping_info, number, "no-such-capture", later)


def test_refunds_by_line_and_amount_then_in_full(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    number = placed_order(seeded, emulator_server)
    in_app(seeded, captures.capture, number)

    in_app(seeded, refunds.refund, number, lines={0: 1}, description="Returned one tee")
    assert status_of(seeded, number) == OrderStatus.PART_REFUNDED
    in_app(seeded, refunds.refund, number, amount_minor=100, description="Goodwill")
    in_app(seeded, refunds.refund, number)

    assert shop_totals(seeded, number) == klarna_totals(seeded, emulator_server, number)
    captured, refunded = shop_totals(seeded, number)
    assert captured == refunded > 0
    assert status_of(seeded, number) == OrderStatus.REFUNDED
    assert events_of(seeded, number).count(PaymentEventKind.REFUNDED) == 3


def test_cancel_release_extend_and_references(seeded: Flask, emulator_server: LiveServer) -> None:
    cancelled = placed_order(seeded, emulator_server)
    in_app(seeded, authorization_actions.cancel, cancelled)
    assert klarna_order_of(seeded, emulator_server, cancelled).status == "CANCELLED"
    assert status_of(seeded, cancelled) == OrderStatus.CANCELLED

    number = placed_order(seeded, emulator_server)
    before = klarna_order_of(seeded, emulator_server, number).expires_at
    in_app(seeded, authorization_actions.extend_authorization_time, number)
    assert klarna_order_of(seeded, emulator_server, number).expires_at > before
    in_app(seeded, authorization_actions.update_merchant_references, number, reference2="PO-7")
    assert (
        klarna_order_of(seeded, emulator_server, number).purchase["merchant_reference2"] == "PO-7"
    )
    in_app(seeded, captures.capture, number, {1: 1})
    in_app(seeded, authorization_actions.release_remaining_authorization, number)
    assert klarna_order_of(seeded, emulator_server, number).status == "CAPTURED"
    assert status_of(seeded, number) == OrderStatus.CAPTURED
    with seeded.app_context():
        kinds = db.session.scalars(sa.select(PaymentEvent.kind)).all()
    # The shop's own extension is not mistaken for one made outside the shop.
    assert kinds.count(PaymentEventKind.AUTHORIZATION_EXTENDED) == 1


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (lambda n: refunds.refund(n), "Nothing has been captured"),
        (lambda n: captures.capture(n, {0: 3}), "only 2 can be"),
        (lambda n: captures.capture(n, {9: 1}), "no line 9"),
        (lambda n: authorization_actions.release_remaining_authorization(n), "cancel the order"),
        (lambda n: refunds.refund(n, lines={0: 1}, amount_minor=5), "not both"),
    ],
)
def test_refused_actions_send_nothing(
    seeded: Flask, emulator_server: LiveServer, act: object, message: str
) -> None:
    number = placed_order(seeded, emulator_server)
    since = last_request_id(emulator_server)

    with pytest.raises(ActionNotAllowed, match=message):
        in_app(seeded, act, number)  # type: ignore[arg-type]

    assert klarna_operations(emulator_server, since) == []


def test_cannot_cancel_after_a_capture_or_capture_after_cancel(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    number = placed_order(seeded, emulator_server)
    in_app(seeded, captures.capture, number, {0: 1})
    with pytest.raises(ActionNotAllowed, match="refund it"):
        in_app(seeded, authorization_actions.cancel, number)
    other = placed_order(seeded, emulator_server)
    in_app(seeded, authorization_actions.cancel, other)
    with pytest.raises(ActionNotAllowed, match="Nothing is left to capture"):
        in_app(seeded, captures.capture, other)


def test_twenty_admins_capturing_at_once_make_one_capture(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    number = placed_order(seeded, emulator_server)

    def attempt() -> str:
        try:
            in_app(seeded, captures.capture, number)
        except OrderActionError as refused:
            return type(refused).__name__
        return "captured"

    outcomes = run_together([attempt] * RACERS)

    assert outcomes.count("captured") == 1, Counter(outcomes)
    assert set(outcomes) <= {"captured", "ActionInProgress", "ActionNotAllowed"}
    assert len(klarna_order_of(seeded, emulator_server, number).captures) == 1
    assert shop_settlements(seeded, number) == (1, 0)
    assert shop_totals(seeded, number) == klarna_totals(seeded, emulator_server, number)


def test_reconcile_records_a_capture_made_outside_the_shop(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    number = placed_order(seeded, emulator_server)
    klarna = klarna_order_of(seeded, emulator_server, number)
    made_in_portal = requests.post(
        f"{emulator_server.url}/ordermanagement/v1/orders/{klarna.order_id}/captures",
        json={"captured_amount": 1000},
        auth=(EMULATOR_USERNAME, EMULATOR_PASSWORD),
        timeout=10,
    )
    assert made_in_portal.status_code == 201

    first = seeded.test_cli_runner().invoke(args=["klarna", "reconcile"])
    again = seeded.test_cli_runner().invoke(args=["klarna", "reconcile"])

    assert first.exit_code == 0, first.output
    capture_id = made_in_portal.headers["Capture-Id"]
    assert f"{number}: captured £10.00 ({capture_id})" in first.output
    assert number not in again.output
    assert (
        shop_totals(seeded, number) == (1000, 0) == klarna_totals(seeded, emulator_server, number)
    )
    assert status_of(seeded, number) == OrderStatus.PART_CAPTURED
    with seeded.app_context():
        event = db.session.scalars(
            sa.select(PaymentEvent).where(PaymentEvent.kind == PaymentEventKind.CAPTURED)
        ).one()
        assert (event.amount_minor, event.klarna_reference) == (1000, capture_id)
        assert "outside the shop" in event.detail


def test_the_shoppers_order_page_shows_a_captured_order(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    shopper = seeded.test_client()
    pay(shopper, emulator_server)  # type: ignore[arg-type]
    with seeded.app_context():
        number = db.session.scalars(sa.select(Order.number)).one()

    in_app(seeded, captures.capture, number, {0: 1})
    part = shopper.get(f"/orders/{number}")
    in_app(seeded, captures.capture, number)
    whole = shopper.get(f"/orders/{number}")

    assert part.status_code == whole.status_code == 200
    assert "Your order is on its way" in part.get_data(as_text=True)
    assert "Your order has shipped" in whole.get_data(as_text=True)
