"""The admin order page's actions: each form calls its service once and says how it went."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order
from tests.support.admin import create_account, sign_in
from tests.support.client import ShopClient
from tests.support.concurrency import run_together
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    authorize,
    emulator_of,
    klarna_operations,
    last_request_id,
    open_payment_page,
    place,
)

TWO_LINES = (("TEE-ORG", 1), ("MUG-STN", 1))
RACERS = 20


@pytest.fixture
def admin(seeded: Flask) -> ShopClient:
    """A browser signed in as an admin (the shop has the demo catalog)."""
    create_account(seeded)
    browser: ShopClient = seeded.test_client()  # type: ignore[assignment]
    assert sign_in(browser).status_code == 302
    return browser


@pytest.fixture
def number(seeded: Flask, client: ShopClient, emulator_server: LiveServer) -> str:
    """A GB order of a tee and a mug, placed and authorized."""
    state = open_payment_page(client, "GB", TWO_LINES)
    assert (
        place(client, state, authorize(emulator_server, state)["authorization_token"]).status_code
        == 303
    )
    with seeded.app_context():
        return db.session.scalars(sa.select(Order.number)).one()


def post(admin: ShopClient, number: str, action: str, form: dict | None = None) -> str:
    """Post an action's form and follow the redirect back to the order page; its HTML."""
    response = admin.post_form(f"/admin/orders/{number}/{action}", form)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/orders/{number}"
    return admin.get(response.headers["Location"]).get_data(as_text=True)


def klarna_order(seeded: Flask, server: LiveServer, number: str) -> object:
    with seeded.app_context():
        order = db.session.scalars(sa.select(Order).where(Order.number == number)).one()
        return emulator_of(server).store.orders[order.klarna_order_id or ""]


def test_capture_one_line_with_tracking_then_refund_it(
    seeded: Flask, admin: ShopClient, number: str, emulator_server: LiveServer
) -> None:
    page = post(
        admin,
        number,
        "capture",
        {
            "scope": "lines",
            "line": ["0", "1"],
            "units": ["1", "0"],
            "shipping_company": "DHL",
            "shipping_method": "Home",
            "tracking_number": "TRACK-123",
        },
    )
    assert "Captured." in page
    assert "TRACK-123" in page
    captured = klarna_order(seeded, emulator_server, number).captured_amount  # type: ignore[attr-defined]
    assert captured > 0
    page = post(
        admin, number, "refund", {"scope": "lines", "line": ["0", "1"], "units": ["1", "0"]}
    )
    assert "Refunded." in page
    assert klarna_order(seeded, emulator_server, number).refunded_amount == captured  # type: ignore[attr-defined]


def test_a_refused_action_flashes_why_and_calls_no_klarna(
    admin: ShopClient, number: str, emulator_server: LiveServer
) -> None:
    before = last_request_id(emulator_server)
    page = post(admin, number, "refund", {"scope": "all"})
    assert "Nothing has been captured, so nothing can be refunded." in page
    page = post(
        admin, number, "capture", {"scope": "lines", "line": ["0", "1"], "units": ["5", "0"]}
    )
    assert "but only 1 can be" in page
    page = post(admin, number, "capture", {"scope": "all", "shipping_company": "DHL"})
    assert "Choose a shipping method" in page
    page = post(admin, number, "refund", {"scope": "amount", "amount": "NaN"})
    assert "Enter an amount above zero to refund." in page
    assert klarna_operations(emulator_server, since=before) == ["get_order"] * 4


def test_cancel_release_extend_and_references(
    seeded: Flask, admin: ShopClient, number: str, emulator_server: LiveServer
) -> None:
    page = post(admin, number, "references", {"reference1": "PO-77", "reference2": ""})
    assert "Merchant references updated." in page
    assert 'value="PO-77"' in page
    assert "Authorization extended." in post(admin, number, "extend")
    assert 'id="cancel-order"' in page
    page = post(
        admin, number, "capture", {"scope": "lines", "line": ["0", "1"], "units": ["0", "1"]}
    )
    assert 'id="cancel-order"' not in page
    page = post(admin, number, "release")
    assert "The rest of the authorization is released." in page
    assert 'id="release-remaining"' not in page
    assert klarna_order(seeded, emulator_server, number).status == "CAPTURED"  # type: ignore[attr-defined]


def test_cancel_an_order_with_nothing_captured(
    seeded: Flask, admin: ShopClient, number: str, emulator_server: LiveServer
) -> None:
    page = post(admin, number, "cancel")
    assert "Order cancelled." in page
    assert klarna_order(seeded, emulator_server, number).status == "CANCELLED"  # type: ignore[attr-defined]
    assert 'id="capture"' not in page


def test_twenty_simultaneous_capture_posts_make_one_klarna_capture(
    seeded: Flask, admin: ShopClient, number: str, emulator_server: LiveServer
) -> None:
    """Twenty admin tabs press Capture at the same instant: Klarna sees one capture."""
    cookie = admin.get_cookie("session")
    assert cookie is not None
    form = {"csrf_token": admin.csrf_token(), "scope": "all"}
    since = last_request_id(emulator_server)

    def press_capture() -> int:
        tab = seeded.test_client()  # its own client, the same signed-in session
        tab.set_cookie("session", cookie.value)
        return tab.post(f"/admin/orders/{number}/capture", data=form).status_code

    statuses = run_together([press_capture] * RACERS)

    # Every tab lands back on the order page (or hears "busy, try again"), none on a 500.
    assert set(statuses) <= {303, 503}
    assert klarna_operations(emulator_server, since).count("create_capture") == 1
    captures = klarna_order(seeded, emulator_server, number).captures  # type: ignore[attr-defined]
    assert len(captures) == 1
    with seeded.app_context():
        order = db.session.scalars(sa.select(Order).where(Order.number == number)).one()
        assert order.captured_minor == captures[0].captured_amount
