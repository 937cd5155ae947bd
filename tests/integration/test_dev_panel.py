"""The developer panel: a checkout's Klarna calls are stored scrubbed, survive a restart, hold no
connection while Klarna answers, and nothing is stored or shown while KLARNA_DEV_PANEL is off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.klarna_call_models import KlarnaCall
from storefront.models import Order, Payment
from storefront.services.klarna_calls import calls_of_order
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    authorize,
    callback,
    callback_body,
    edit,
    emulator_of,
    open_payment_page,
    pay,
    place,
)
from tests.support.personas import PERSONAS

SDK_CALLS_URL = "/dev-panel/sdk-calls"


@pytest.fixture
def panel_app(seeded: Flask, make_app: Callable[..., Flask]) -> Flask:
    """The shop with the developer panel on, on the test's seeded database."""
    return make_app(KLARNA_DEV_PANEL=True)


@pytest.fixture
def panel_client(panel_app: Flask) -> ShopClient:
    """A shopper of the shop with the panel on."""
    return panel_app.test_client()  # type: ignore[return-value]


def stored_calls(app: Flask) -> list[tuple[str, str]]:
    """(kind, operation) of every stored call, oldest first."""
    with app.app_context():
        query = sa.select(KlarnaCall.kind, KlarnaCall.operation).order_by(KlarnaCall.id)
        return [(kind, operation) for kind, operation in db.session.execute(query)]


def sdk_call(client: ShopClient, body: object) -> tuple[int, dict[str, str]]:
    """Post an SDK call as static/js/dev-panel.js does; the status and JSON answer."""
    response = client.post(SDK_CALLS_URL, json=body, headers={"X-CSRFToken": client.csrf_token()})
    return response.status_code, response.get_json()


def test_a_checkouts_calls_are_stored_and_survive_a_restart(
    panel_app: Flask,
    panel_client: ShopClient,
    make_app: Callable[..., Flask],
    emulator_server: LiveServer,
) -> None:
    open_payment_page(panel_client, "GB")
    state = edit(panel_client, "items/TEE-ORG/quantity", {"quantity": "2"})["payment"]
    token = authorize(emulator_server, state)["authorization_token"]
    assert place(panel_client, state, token).status_code == 303

    restarted = make_app(KLARNA_DEV_PANEL=True)
    with restarted.app_context():
        order = db.session.scalars(sa.select(Order)).one()
        calls = [
            (call.operation, call.status, call.correlation_id) for call in calls_of_order(order)
        ]
    klarna_log = [
        (record.operation, record.status, record.correlation_id)
        for record in emulator_of(emulator_server).store.requests
        if record.operation in ("create_session", "update_session", "read_session", "create_order")
    ]
    assert calls == klarna_log
    assert [operation for operation, _, _ in calls] == [
        "create_session",
        "update_session",
        "read_session",
        "create_order",
    ]


def test_the_panel_shows_bodies_scrubbed_as_the_log_does(
    panel_app: Flask, panel_client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(panel_client, "GB")
    page = panel_client.get("/checkout/payment").get_data(as_text=True)
    token = authorize(emulator_server, state)["authorization_token"]
    status, answer = sdk_call(
        panel_client,
        {
            "operation": "authorize",
            "options": {"payment_method_category": "pay_later", "auto_finalize": True},
            "result": {"approved": True, "show_form": True, "authorization_token": token},
        },
    )
    assert status == 201
    place(panel_client, state, token)
    with panel_app.app_context():
        payment = db.session.scalars(sa.select(Payment)).one()
        number, secret = payment.order_number, payment.callback_secret
    order_page = panel_client.get(f"/orders/{number}").get_data(as_text=True)
    panel = order_page[order_page.index('id="klarna-calls-panel"') :]

    assert 'data-operation="create_session"' in page and "order_lines" in page
    assert "Browser → Klarna SDK" in answer["panel"] and token[:8] in answer["panel"]
    for operation in ("create_session", "authorize", "create_order"):
        assert f'data-operation="{operation}"' in panel
    email, phone, address = PERSONAS["GB"]
    for secret_or_personal in (
        email,
        phone,
        address.given_name,
        address.family_name,
        address.street_address,
        token,
        state["client_token"],
        secret,
    ):
        assert secret_or_personal not in panel
        assert secret_or_personal not in answer["panel"]


def test_sdk_calls_are_refused_without_a_known_operation_or_a_checkout(
    panel_app: Flask, panel_client: ShopClient
) -> None:
    assert sdk_call(panel_client, {"operation": "drop_tables"})[0] == 400
    assert sdk_call(panel_client, ["init"])[0] == 400
    assert sdk_call(panel_client, {"operation": "init"})[0] == 404  # no cart, no checkout
    no_csrf = panel_client.post(SDK_CALLS_URL, json={"operation": "init"})
    assert no_csrf.status_code == 400
    assert stored_calls(panel_app) == []


def test_klarnas_callback_is_stored_without_the_key_in_its_url(
    panel_app: Flask, panel_client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(panel_client, "GB")
    authorized = authorize(emulator_server, state)
    with panel_app.app_context():
        secret = db.session.scalars(sa.select(Payment.callback_secret)).one()
    assert callback(panel_client, secret, callback_body(authorized, state)).status_code == 200
    with panel_app.app_context():
        stored = db.session.scalars(
            sa.select(KlarnaCall).where(KlarnaCall.operation == "authorization_callback")
        ).one()
        assert stored.path == "/klarna/authorization"
        assert stored.status == 200
        assert stored.request_body == {
            "authorization_token": authorized["authorization_token"][:8] + "…",
            "session_id": state["session_id"],
        }
    assert ("api", "create_order") in stored_calls(panel_app)


def test_with_the_panel_on_no_connection_is_held_while_klarna_answers(
    panel_app: Flask,
    panel_client: ShopClient,
    emulator_server: LiveServer,
    connections_at_klarna_calls: list[tuple[str, int]],
) -> None:
    open_payment_page(panel_client, "GB")
    state = edit(panel_client, "items/TEE-ORG/quantity", {"quantity": "2"})["payment"]
    place(panel_client, state, authorize(emulator_server, state)["authorization_token"])
    assert connections_at_klarna_calls == [
        ("create_session", 0),
        ("update_session", 0),
        ("read_session", 0),
        ("create_order", 0),
    ]
    assert len(stored_calls(panel_app)) == 4


def test_with_the_panel_off_nothing_is_stored_or_shown(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    pay(client, emulator_server, "GB")
    with seeded.app_context():
        number = db.session.scalars(sa.select(Order.number)).one()
    order_page = client.get(f"/orders/{number}").get_data(as_text=True)
    assert "Klarna calls" not in order_page
    assert sdk_call(client, {"operation": "init"})[0] == 404
    assert stored_calls(seeded) == []
