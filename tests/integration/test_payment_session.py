"""The Klarna session behind the payment page: created once, updated only on a real change,
replaced when it expired or the market changed, dropped with an empty cart."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Payment, PaymentEvent
from tests.support.client import ShopClient
from tests.support.concurrency import run_together
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    JSON_HEADERS,
    add_fault,
    authorize,
    edit,
    emulator_of,
    klarna_operations,
    last_request_id,
    open_payment_page,
    place,
    widget_state,
)
from tests.support.polling import wait_until
from tests.support.shopping import add, complete_checkout, switch_market

HOUR = 3600
# Long enough that two page loads started together are both waiting for Klarna at once.
SLOW_CREATE_MS = 1000
# Long enough for another tab's whole edit to finish while this update is with Klarna.
SLOW_UPDATE_MS = 1500


def the_payment(app: Flask) -> Payment:
    """The only payment in the database (detached; read its columns only)."""
    with app.app_context():
        payment = db.session.scalars(sa.select(Payment)).one()
        db.session.expunge(payment)
        return payment


def session_data(server: LiveServer, session_id: str) -> dict:
    """What the emulator holds for a Klarna session."""
    store = emulator_of(server).store
    with store.lock:
        return dict(store.sessions[session_id].data)


def test_payment_page_creates_one_session_with_the_cart_and_no_personal_data(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="storefront.klarna")
    state = open_payment_page(client, "GB", (("TEE-ORG", 2),))
    payment = the_payment(seeded)
    data = session_data(emulator_server, state["session_id"])
    key = f"key={payment.callback_secret}"
    assert klarna_operations(emulator_server) == ["create_session"]
    assert payment.klarna_session_id == state["session_id"]
    assert payment.client_token == state["client_token"]
    assert payment.market == "GB" and payment.payload_fingerprint
    assert payment.session_expires_at is not None
    assert data["intent"] == "buy"
    assert data["merchant_reference1"] == payment.order_number
    assert data["merchant_urls"] == {
        "authorization": f"http://localhost/klarna/authorization?{key}",
        "confirmation": f"http://localhost/orders/{payment.order_number}",
        "notification": f"http://localhost/klarna/notification?{key}",
    }
    assert "billing_address" not in data and "shipping_address" not in data
    assert state["authorize_data"]["billing_address"]["email"] == "customer@email.uk"
    # The callback secret travels only to Klarna: the call log drops every URL's query.
    assert "merchant_urls" in caplog.text
    assert payment.callback_secret not in caplog.text


def test_payment_session_calls_and_create_order_hold_no_database_connection(
    seeded: Flask,
    client: ShopClient,
    emulator_server: LiveServer,
    connections_at_klarna_calls: list[tuple[str, int]],
) -> None:
    open_payment_page(client, "GB")
    edit(client, "items/TEE-ORG/quantity", {"quantity": "2"})
    edit(client, "session")  # the widget could not load: is the session still there?
    emulator_of(emulator_server).store.advance_clock(49 * HOUR)
    state = edit(client, "items/TEE-ORG/quantity", {"quantity": "3"})["payment"]
    assert (
        place(client, state, authorize(emulator_server, state)["authorization_token"]).status_code
        == 303
    )
    assert connections_at_klarna_calls == [
        ("create_session", 0),
        ("update_session", 0),
        ("read_session", 0),
        ("read_session", 0),
        ("update_session", 0),  # 404: the session expired at Klarna
        ("create_session", 0),
        ("create_order", 0),
    ]


def second_tab(app: Flask, client: ShopClient) -> ShopClient:
    """The shopper's second tab: the same session cookie, its own client."""
    tab: ShopClient = app.test_client()  # type: ignore[assignment]
    cookie = client.get_cookie("session")
    assert cookie is not None
    tab.set_cookie("session", cookie.value)
    return tab


def test_payment_pages_loaded_at_once_store_one_session_and_both_show_it(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    switch_market(client, "GB")
    add(client, "TEE-ORG")
    complete_checkout(client, "GB")
    add_fault(emulator_server, "create_session", delay_ms=SLOW_CREATE_MS, count=2)
    tab = second_tab(seeded, client)
    pages = run_together(
        [lambda: client.get("/checkout/payment"), lambda: tab.get("/checkout/payment")]
    )
    stored = the_payment(seeded).klarna_session_id
    # Neither load waited for the other's Klarna call: both created a session, one was kept.
    assert klarna_operations(emulator_server) == ["create_session", "create_session"]
    assert [widget_state(page)["session_id"] for page in pages] == [stored, stored]
    with seeded.app_context():
        kinds = db.session.scalars(sa.select(PaymentEvent.kind)).all()
    assert kinds == ["session_created"]


def test_payment_edit_whose_update_reaches_klarna_last_is_sent_again_on_the_next_load(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    tab = second_tab(seeded, client)
    store = emulator_of(emulator_server).store
    add_fault(emulator_server, "update_session", delay_ms=SLOW_UPDATE_MS)
    with ThreadPoolExecutor(max_workers=1) as pool:
        older = pool.submit(edit, client, "items/TEE-ORG/quantity", {"quantity": "2"})
        wait_until(lambda: not store.faults.get("update_session"))  # its update is at Klarna
        newer = edit(tab, "items/TEE-ORG/quantity", {"quantity": "3"})
        older.result()
    # Klarna applied the older edit last, after the shop had stored the newer one.
    assert session_data(emulator_server, state["session_id"])["order_lines"][0]["quantity"] == 2
    before = last_request_id(emulator_server)
    again = widget_state(client.get("/checkout/payment"))
    assert klarna_operations(emulator_server, since=before) == ["update_session", "read_session"]
    assert session_data(emulator_server, state["session_id"])["order_lines"][0]["quantity"] == 3
    assert again["session_id"] == newer["payment"]["session_id"] == state["session_id"]


def test_payment_page_shows_klarnas_category_names_and_badges(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    open_payment_page(client, "GB")
    page = client.get("/checkout/payment").get_data(as_text=True)
    categories = the_payment(seeded).payment_method_categories
    assert [c["identifier"] for c in categories] == ["pay_later"]
    assert 'value="pay_later"' in page
    assert "Pay later." in page
    assert f'src="{categories[0]["asset_url"]}"' in page
    assert categories[0]["asset_url"].startswith(emulator_server.url)


def test_payment_page_refresh_makes_no_klarna_call(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "DE")
    before = last_request_id(emulator_server)
    again = widget_state(client.get("/checkout/payment"))
    assert klarna_operations(emulator_server, since=before) == []
    assert again == state


def test_payment_edit_updates_the_session_and_reads_back_the_categories(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    before = last_request_id(emulator_server)
    answer = edit(client, "items/TEE-ORG/quantity", {"quantity": "3"})
    data = session_data(emulator_server, state["session_id"])
    assert klarna_operations(emulator_server, since=before) == ["update_session", "read_session"]
    assert answer["payment"]["session_id"] == state["session_id"]
    # Three tees cross the emulator's 50 GBP threshold: "Slice it." is offered now.
    assert answer["payment"]["categories"] == ["pay_later", "pay_over_time"]
    assert "Slice it." in answer["fragments"]["klarna"]
    assert data["order_lines"][0]["quantity"] == 3
    assert f'data-amount-minor="{data["order_amount"]}"' in answer["fragments"]["totals"]
    assert "(3<span" in answer["fragments"]["cart_link"]  # the header's count follows the edit
    assert answer["payment"]["purchase_fingerprint"] != state["purchase_fingerprint"]


def test_payment_edit_that_changes_nothing_makes_no_klarna_call(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    open_payment_page(client, "GB")
    before = last_request_id(emulator_server)
    answer = edit(client, "items/TEE-ORG/quantity", {"quantity": "1"})
    assert answer["messages"] == [{"category": "success", "text": "Quantity updated."}]
    assert klarna_operations(emulator_server, since=before) == []


def test_payment_edit_refused_by_the_shop_changes_nothing(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    before = last_request_id(emulator_server)
    answer = edit(client, "coupon", {"code": "NOSUCHCODE"})
    assert answer["messages"] == [
        {"category": "error", "text": "There is no coupon code NOSUCHCODE."}
    ]
    assert answer["payment"] == state
    assert klarna_operations(emulator_server, since=before) == []


def test_payment_session_expired_at_klarna_is_replaced_on_the_next_change(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    emulator_of(emulator_server).store.advance_clock(49 * HOUR)
    before = last_request_id(emulator_server)
    answer = edit(client, "items/TEE-ORG/quantity", {"quantity": "2"})
    assert klarna_operations(emulator_server, since=before) == ["update_session", "create_session"]
    assert answer["payment"]["session_id"] != state["session_id"]
    assert answer["payment"]["client_token"] != state["client_token"]


def test_payment_session_near_its_expiry_is_replaced_without_asking_klarna(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    with seeded.app_context():
        payment = db.session.scalars(sa.select(Payment)).one()
        secret = payment.callback_secret
        payment.session_expires_at = datetime.now(UTC) + timedelta(minutes=30)
        db.session.commit()
    before = last_request_id(emulator_server)
    again = widget_state(client.get("/checkout/payment"))
    assert klarna_operations(emulator_server, since=before) == ["create_session"]
    assert again["session_id"] != state["session_id"]
    assert the_payment(seeded).callback_secret != secret


def test_payment_session_is_replaced_when_the_market_changes(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    first = open_payment_page(client, "GB")
    second = open_payment_page(client, "DE")
    assert second["session_id"] != first["session_id"]
    assert session_data(emulator_server, second["session_id"])["purchase_currency"] == "EUR"
    assert the_payment(seeded).market == "DE"


def test_payment_session_is_dropped_when_the_cart_becomes_empty(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    open_payment_page(client, "GB")
    before = last_request_id(emulator_server)
    answer = edit(client, "items/TEE-ORG/remove")
    payment = the_payment(seeded)
    assert answer["redirect"] == "/cart"
    assert payment.klarna_session_id is None and payment.client_token is None
    assert klarna_operations(emulator_server, since=before) == []
    with seeded.app_context():
        kinds = db.session.scalars(sa.select(PaymentEvent.kind).order_by(PaymentEvent.id)).all()
    assert kinds == ["session_created", "session_discarded"]


def test_payment_session_is_dropped_when_the_cart_page_empties_the_cart(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    open_payment_page(client, "GB", (("TEE-ORG", 1), ("BOOK-BRD", 1)))
    client.post_form("/cart/items/TEE-ORG/remove")
    assert the_payment(seeded).klarna_session_id is not None  # one line is left
    before = last_request_id(emulator_server)
    removed = client.post_form("/cart/items/BOOK-BRD/remove")
    payment = the_payment(seeded)
    assert removed.status_code == 302
    assert payment.klarna_session_id is None and payment.client_token is None
    assert payment.callback_secret is None and payment.payload_fingerprint is None
    assert klarna_operations(emulator_server, since=before) == []
    with seeded.app_context():
        kinds = db.session.scalars(sa.select(PaymentEvent.kind).order_by(PaymentEvent.id)).all()
    assert kinds == ["session_created", "session_discarded"]


def test_payment_page_without_javascript_edits_by_post_redirect_get(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    open_payment_page(client, "GB")
    response = client.post_form("/checkout/payment/items/TEE-ORG/quantity", {"quantity": "2"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/checkout/payment"
    page = client.get("/checkout/payment").get_data(as_text=True)
    assert "Quantity updated." in page
    assert (
        session_data(emulator_server, the_payment(seeded).klarna_session_id or "")["order_lines"][
            0
        ]["quantity"]
        == 2
    )


def test_payment_details_with_errors_are_shown_next_to_the_fields(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    from tests.support.shopping import details_form

    open_payment_page(client, "GB")
    response = client.post_form(
        "/checkout/payment/details",
        details_form("GB", **{"billing-postal_code": "12345"}),
        headers=JSON_HEADERS,
    )
    answer = response.get_json()
    assert answer["messages"] == [
        {"category": "error", "text": "Please correct the highlighted details."}
    ]
    assert "Enter a UK postcode, e.g. W1S 3BE." in answer["fragments"]["delivery"]
    assert answer["payment"]["authorize_data"]["billing_address"]["postal_code"] == "W1S 3BE"


@pytest.mark.parametrize("status", [500, 503])
def test_payment_page_explains_klarna_outage_with_a_reference(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer, status: int
) -> None:
    add_fault(emulator_server, "create_session", status=status)

    switch_market(client, "GB")
    add(client, "TEE-ORG")
    complete_checkout(client, "GB")
    page = client.get("/checkout/payment")
    text = page.get_data(as_text=True)
    correlation_id = emulator_of(emulator_server).store.requests[-1].correlation_id
    assert page.status_code == 200
    assert "Klarna is not available right now." in text
    assert f"(Reference: {correlation_id})" in text
    assert 'id="klarna-widget-state"' not in text
    with seeded.app_context():
        # The payment (its order number reserved) holds no session.
        assert db.session.scalars(sa.select(Payment.klarna_session_id)).all() == [None]


def test_payment_recheck_replaces_a_session_klarna_no_longer_knows(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "GB")
    before = last_request_id(emulator_server)
    kept = edit(client, "session")
    assert klarna_operations(emulator_server, since=before) == ["read_session"]
    assert kept["payment"] == state
    emulator_of(emulator_server).store.advance_clock(49 * HOUR)
    before = last_request_id(emulator_server)
    replaced = edit(client, "session")
    assert klarna_operations(emulator_server, since=before) == ["read_session", "create_session"]
    assert replaced["payment"]["session_id"] != state["session_id"]


def test_payment_edits_of_shipping_and_details_update_the_session(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    from tests.support.shopping import details_form

    state = open_payment_page(client, "US")
    shipping = edit(client, "shipping", {"method": "express"})
    data = session_data(emulator_server, state["session_id"])
    assert shipping["messages"] == [{"category": "success", "text": "Shipping changed."}]
    assert any(line["reference"] == "SHIP-EXPRESS" for line in data["order_lines"])
    moved = edit(client, "details", details_form("US", **{"billing-region": "CA"}))
    assert moved["messages"] == [{"category": "success", "text": "Details saved."}]
    assert moved["payment"]["authorize_data"]["billing_address"]["region"] == "CA"
    # Sales tax follows the ship-to state, so the session's amount changed with the address.
    moved_data = session_data(emulator_server, state["session_id"])
    assert moved_data["order_tax_amount"] != data["order_tax_amount"]


def test_payment_edit_without_the_csrf_token_is_refused_and_changes_nothing(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    open_payment_page(client, "GB")
    before = last_request_id(emulator_server)
    response = client.post(
        "/checkout/payment/items/TEE-ORG/quantity", data={"quantity": "5"}, headers=JSON_HEADERS
    )
    assert response.status_code == 400
    assert klarna_operations(emulator_server, since=before) == []
    assert 'value="1"' in client.get("/checkout/payment").get_data(as_text=True)
