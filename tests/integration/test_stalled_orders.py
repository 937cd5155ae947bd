"""An order whose placing stalled (the process died, or Klarna's answer got lost) is finished.

The attempt that claims an order holds the claim for a lease; past it, the next attempt (the
shopper's order page, a resubmitted Buy, Klarna's repeated callback) sends the stored create
order again, which Klarna answers with the order it made, or makes now. Exactly one order
comes out either way; nothing stays "confirming your payment" for ever.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order, OrderStatus, Payment, PaymentEvent
from storefront.services import order_placement
from storefront.services.order_claims import Claim
from storefront.services.placement_outcomes import RESEND_AFTER_UNKNOWN, Placement
from tests.support.client import ShopClient
from tests.support.concurrency import run_together
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    add_fault,
    authorize,
    callback,
    callback_body,
    emulator_of,
    klarna_operations,
    last_request_id,
    open_payment_page,
    place,
)


class ProcessDied(Exception):
    """Stands for the worker process dying at that point of placing an order."""


@pytest.fixture
def dying_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`dying_once(name)` makes storefront.services.order_placement.<name> die on its next call."""

    def arm(name: str) -> None:
        real = getattr(order_placement, name)

        def die(*args: Any, **kwargs: Any) -> Any:
            monkeypatch.setattr(order_placement, name, real)
            raise ProcessDied(name)

        monkeypatch.setattr(order_placement, name, die)

    yield arm


def the_order(app: Flask) -> Order | None:
    """The only order, if any, detached from the session."""
    with app.app_context():
        order = db.session.scalars(sa.select(Order)).one_or_none()
        if order is not None:
            db.session.expunge(order)
        return order


def expire_the_lease(app: Flask) -> None:
    """Move the only order's claim lease into the past, as if its time had passed."""
    with app.app_context():
        db.session.execute(
            sa.update(Order).values(claim_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()


def event_kinds(app: Flask) -> list[str]:
    """The payment log's event kinds, oldest first."""
    with app.app_context():
        return list(db.session.scalars(sa.select(PaymentEvent.kind).order_by(PaymentEvent.id)))


def callback_key(app: Flask) -> str:
    """The callback secret of the only payment."""
    with app.app_context():
        key = db.session.scalars(sa.select(Payment.callback_secret)).one()
        assert key
        return key


@dataclass(frozen=True)
class Stalled:
    """A checkout whose place-order attempt died: the page state, the authorization, the order."""

    state: dict[str, Any]
    authorized: dict[str, Any]
    order: Order


def stall(app: Flask, client: ShopClient, server: LiveServer, die: Any, dies_in: str) -> Stalled:
    """Open the payment page, authorize, and let the place-order attempt die in `dies_in`."""
    die(dies_in)
    state = open_payment_page(client, "GB")
    authorized = authorize(server, state)
    with pytest.raises(ProcessDied):
        place(client, state, authorized["authorization_token"])
    order = the_order(app)
    assert order is not None and order.status == OrderStatus.PLACING
    return Stalled(state, authorized, order)


def look_up(client: ShopClient, order: Order) -> str:
    """Find the order by number and email as the shopper would; the order page's text."""
    response = client.post_form("/orders/lookup", {"number": order.number, "email": order.email})
    assert response.headers["Location"] == f"/orders/{order.number}"
    return client.get(f"/orders/{order.number}").get_data(as_text=True)


@pytest.fixture(autouse=True)
def crashes_propagate(seeded: Flask) -> None:
    """Let the simulated death reach the test instead of the shop's 500 page."""
    seeded.config["PROPAGATE_EXCEPTIONS"] = True
    seeded.error_handler_spec[None][None].pop(Exception, None)


def test_died_after_klarna_made_the_order_its_order_page_finishes_it(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, dying_once: Any
) -> None:
    order = stall(seeded, client, emulator_server, dying_once, "record_placed").order
    [klarna_order_id] = emulator_of(emulator_server).store.orders

    # Inside the lease the dead attempt might still be working: the page only waits.
    before = last_request_id(emulator_server)
    assert "We are confirming your payment" in look_up(client, order)
    assert klarna_operations(emulator_server, since=before) == []

    expire_the_lease(seeded)
    page = look_up(client, order)

    assert "Thank you for your order" in page
    placed = the_order(seeded)
    assert placed is not None
    assert (placed.status, placed.klarna_order_id) == (OrderStatus.PAID, klarna_order_id)
    assert list(emulator_of(emulator_server).store.orders) == [klarna_order_id]
    assert klarna_operations(emulator_server, since=before) == ["create_order"]
    assert event_kinds(seeded)[-2:] == ["order_claim_taken_over", "order_created"]


def test_died_before_sending_klarna_callback_places_the_order(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, dying_once: Any
) -> None:
    stalled = stall(seeded, client, emulator_server, dying_once, "send_create_order")
    state, authorized = stalled.state, stalled.authorized
    assert emulator_of(emulator_server).store.orders == {}
    key = callback_key(seeded)

    # Klarna's callback inside the lease hears "try again later".
    early = callback(seeded.test_client(), key, callback_body(authorized, state))
    assert (early.status_code, early.headers["Retry-After"]) == (503, "2")

    expire_the_lease(seeded)
    response = callback(seeded.test_client(), key, callback_body(authorized, state))

    assert response.status_code == 200
    placed = the_order(seeded)
    assert placed is not None and placed.status == OrderStatus.PAID
    assert list(emulator_of(emulator_server).store.orders) == [placed.klarna_order_id]
    assert klarna_operations(emulator_server).count("create_order") == 1


def test_died_after_klarna_answered_buy_pressed_again_lands_on_the_order(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, dying_once: Any
) -> None:
    stalled = stall(seeded, client, emulator_server, dying_once, "record_placed")
    state, authorized = stalled.state, stalled.authorized
    expire_the_lease(seeded)

    response = place(client, state, authorized["authorization_token"])

    placed = the_order(seeded)
    assert placed is not None and placed.status == OrderStatus.PAID
    assert response.status_code == 303
    assert len(emulator_of(emulator_server).store.orders) == 1


def test_lost_answer_twice_says_so_and_is_asked_again_once_the_handover_delay_passed(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    token = authorize(emulator_server, state)["authorization_token"]
    add_fault(emulator_server, "create_order", status=500, count=2)
    response = place(client, state, token)
    order = the_order(seeded)
    assert order is not None and order.status == OrderStatus.PLACING
    assert order.claim_expires_at is not None
    handed_over_in = order.claim_expires_at.replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(0) < handed_over_in <= RESEND_AFTER_UNKNOWN
    waiting = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We could not confirm your payment with Klarna yet" in waiting
    assert "We are confirming your payment" in waiting
    assert '<meta http-equiv="refresh"' in waiting
    assert event_kinds(seeded)[-1] == "order_outcome_unknown"

    expire_the_lease(seeded)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)

    assert "Thank you for your order" in page
    assert len(emulator_of(emulator_server).store.orders) == 1
    assert klarna_operations(emulator_server).count("create_order") == 3


def test_resent_order_refused_while_klarna_shows_the_session_complete_stays_placing(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, dying_once: Any
) -> None:
    """A "no order" answer to the resend is checked against the session before releasing."""
    order = stall(seeded, client, emulator_server, dying_once, "record_placed").order
    expire_the_lease(seeded)
    add_fault(emulator_server, "create_order", status=404)
    before = last_request_id(emulator_server)

    page = look_up(client, order)

    assert "We could not confirm your payment with Klarna yet" in page
    assert klarna_operations(emulator_server, since=before) == ["create_order", "read_session"]
    kept = the_order(seeded)
    assert kept is not None and kept.status == OrderStatus.PLACING
    assert event_kinds(seeded)[-1] == "order_outcome_unknown"


def test_resent_order_refused_with_the_session_open_releases_the_claim(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, dying_once: Any
) -> None:
    order = stall(seeded, client, emulator_server, dying_once, "send_create_order").order
    expire_the_lease(seeded)
    add_fault(emulator_server, "create_order", status=404)

    response = client.post_form("/orders/lookup", {"number": order.number, "email": order.email})
    response = client.get(response.headers["Location"])

    assert response.headers["Location"] == "/checkout/payment"
    assert the_order(seeded) is None
    page = client.get("/checkout/payment").get_data(as_text=True)
    assert "Your Klarna confirmation has expired" in page
    assert emulator_of(emulator_server).store.orders == {}


def test_many_pages_finding_a_stalled_claim_at_once_resend_it_once(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, dying_once: Any
) -> None:
    order = stall(seeded, client, emulator_server, dying_once, "record_placed").order
    look_up(client, order)  # this browser may now see the order page
    cookie = client.get_cookie("session")
    assert cookie is not None
    expire_the_lease(seeded)
    before = last_request_id(emulator_server)

    def open_order_page() -> int:
        tab = seeded.test_client()
        tab.set_cookie("session", cookie.value)
        return tab.get(f"/orders/{order.number}").status_code

    statuses = run_together([open_order_page] * 10)

    assert statuses == [200] * 10
    assert klarna_operations(emulator_server, since=before) == ["create_order"]
    placed = the_order(seeded)
    assert placed is not None and placed.status == OrderStatus.PAID
    assert event_kinds(seeded).count("order_created") == 1


def test_the_dead_attempt_coming_back_after_a_takeover_records_nothing_twice(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, monkeypatch: Any
) -> None:
    """The first attempt was only slow: it records after the takeover did; one order stays."""
    late: list[tuple[Claim, Any]] = []
    real = order_placement.record_placed

    def stall_first(claimed: Claim, placed: Any) -> Placement:
        if not late:
            late.append((claimed, placed))
            raise ProcessDied("slow")
        return real(claimed, placed)

    def slow_down(name: str) -> None:
        monkeypatch.setattr(order_placement, name, stall_first)

    order = stall(seeded, client, emulator_server, slow_down, "record_placed").order
    expire_the_lease(seeded)
    look_up(client, order)  # the takeover records the order
    monkeypatch.setattr(order_placement, "record_placed", real)

    with seeded.test_request_context():
        placement = order_placement.record_placed(*late[0])
        assert placement.order.status == OrderStatus.PAID

    assert event_kinds(seeded).count("order_created") == 1
    assert len(emulator_of(emulator_server).store.orders) == 1
