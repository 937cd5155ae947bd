"""Payment steps for the Flask test client: open the payment page, authorize as the widget
would (through the emulator's control plane), place the order, count Klarna calls."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from klarna_emulator.emulator import Emulator
from tests.support.client import ShopClient
from tests.support.emulator_client import KlarnaApiClient
from tests.support.live_server import LiveServer
from tests.support.shopping import add, complete_checkout, details_form, switch_market

WIDGET_STATE = re.compile(
    r'<script type="application/json" id="klarna-widget-state">(.*?)</script>', re.DOTALL
)
JSON_HEADERS = {"Accept": "application/json"}


def widget_state(page: TestResponse) -> dict[str, Any]:
    """The JSON the payment page hands checkout.js (client token, authorize data, ...)."""
    return widget_state_in(page.get_data(as_text=True))


def widget_state_in(html: str) -> dict[str, Any]:
    """The widget state in a payment page's HTML."""
    match = WIDGET_STATE.search(html)
    assert match, "the payment page renders no widget state"
    state: dict[str, Any] = json.loads(match.group(1))
    return state


def open_payment_page(
    client: ShopClient,
    market: str = "GB",
    items: tuple[tuple[str, int], ...] = (("TEE-ORG", 1),),
    *,
    email: str | None = None,
) -> dict[str, Any]:
    """Fill a cart in `market`, go through checkout and open the payment page; its state.

    `email` replaces the persona's address (Klarna's playground decides by it: `+denied`,
    `+pend-accept-00`, ...).
    """
    switch_market(client, market)
    for sku, quantity in items:
        add(client, sku, quantity)
    complete_checkout(client, market)
    if email is not None:
        client.post_form("/checkout/details", details_form(market, email=email))
    page = client.get("/checkout/payment")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return widget_state(page)


def emulator_of(server: LiveServer) -> Emulator:
    """The emulator behind the run's live emulator server."""
    emulator: Emulator = server.app.extensions["klarna_emulator"]
    return emulator


def control_client(server: LiveServer) -> FlaskClient:
    """A test client for the emulator's control plane (in process, no HTTP), with its token."""
    return KlarnaApiClient(server.app)


def authorize(server: LiveServer, state: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Do what the widget's authorize() does with the page's data; the callback payload."""
    data = state["authorize_data"]
    response = control_client(server).post(
        f"/_emulator/sessions/{state['session_id']}/authorize",
        json={"payment_method_category": state["categories"][0], **data, **extra},
    )
    assert response.status_code == 200, response.get_json()
    payload: dict[str, Any] = response.get_json()
    return payload


def callback_body(authorized: dict[str, Any], state: dict[str, Any]) -> dict[str, str]:
    """The authorization callback Klarna sends for an approved authorize() of the page."""
    return {
        "authorization_token": authorized["authorization_token"],
        "session_id": state["session_id"],
    }


def pay(client: ShopClient, server: LiveServer, market: str = "GB", **shopper: Any) -> None:
    """Open the payment page, authorize and place the order (`shopper`: open_payment_page's)."""
    state = open_payment_page(client, market, **shopper)
    response = place(client, state, authorize(server, state)["authorization_token"])
    assert response.status_code == 303


def place(client: ShopClient, state: dict[str, Any], token: str) -> TestResponse:
    """Post the place-order form as checkout.js does after an approved authorize()."""
    return client.post_form(
        "/checkout/payment/place",
        {
            "authorization_token": token,
            "klarna_session_id": state["session_id"],
            "purchase_fingerprint": state["purchase_fingerprint"],
        },
    )


def edit(client: ShopClient, path: str, data: dict[str, str] | None = None) -> dict[str, Any]:
    """Post a payment-page edit as checkout.js does (fetch, JSON answer)."""
    response = client.post_form(f"/checkout/payment/{path}", data or {}, headers=JSON_HEADERS)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer: dict[str, Any] = response.get_json()
    return answer


def callback(
    client: FlaskClient, payment_key: str, payload: dict[str, Any], kind: str = "authorization"
) -> TestResponse:
    """POST what Klarna POSTs to `merchant_urls.<kind>` (no CSRF token: Klarna has none)."""
    return client.post(f"/klarna/{kind}?key={payment_key}", json=payload)


def klarna_operations(server: LiveServer, since: int = 0) -> list[str]:
    """The Klarna API operations the emulator answered after request log entry `since`."""
    store = emulator_of(server).store
    with store.lock:
        return [
            record.operation for record in store.requests if record.id > since and record.operation
        ]


def last_request_id(server: LiveServer) -> int:
    """The id of the emulator's newest logged request (0 when none)."""
    store = emulator_of(server).store
    with store.lock:
        return store.requests[-1].id if store.requests else 0


def add_fault(server: LiveServer, operation: str, **fault: Any) -> None:
    """Make the emulator's next call(s) of an operation fail."""
    response = control_client(server).post(
        "/_emulator/faults", json={"operation": operation, **fault}
    )
    assert response.status_code == 201, response.get_json()


def decide_pending_orders(server: LiveServer) -> None:
    """Let the emulated time pass until Klarna has decided its pending orders."""
    store = emulator_of(server).store
    store.advance_clock(10 * 60)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with store.lock:
            if all(order.fraud_status != "PENDING" for order in store.orders.values()):
                return
        time.sleep(0.05)
    raise AssertionError("the emulator did not decide its pending orders")
