"""Klarna's `locale` follows the shopper's language where Klarna has the pair for the country."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    authorize,
    emulator_of,
    klarna_operations,
    last_request_id,
    open_payment_page,
    place,
    widget_state,
)


def session_locale(server: LiveServer, session_id: str) -> str:
    """The locale the emulator holds for a Klarna session."""
    store = emulator_of(server).store
    with store.lock:
        return str(store.sessions[session_id].data["locale"])


def choose_language(client: ShopClient, language: str) -> None:
    """Switch language from the payment page, as its header form does."""
    answer = client.post_form("/language", {"language": language, "next": "/checkout/payment"})
    assert (answer.status_code, answer.location) == (302, "/checkout/payment")


def test_a_german_shopper_gets_de_de_and_an_english_one_en_de(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "DE")
    assert session_locale(emulator_server, state["session_id"]) == "de-DE"
    before = last_request_id(emulator_server)
    choose_language(client, "en")
    page = client.get("/checkout/payment")
    changed = widget_state(page)
    # The session body changed (its locale), so the same session is updated and read back.
    assert klarna_operations(emulator_server, since=before) == ["update_session", "read_session"]
    assert changed["session_id"] == state["session_id"]
    assert session_locale(emulator_server, state["session_id"]) == "en-DE"
    assert changed["purchase_fingerprint"] != state["purchase_fingerprint"]
    assert "Pay with Klarna" in page.get_data(as_text=True)


def test_a_pair_klarna_lacks_falls_back_to_the_markets_locale(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    state = open_payment_page(client, "SE")
    assert session_locale(emulator_server, state["session_id"]) == "sv-SE"
    before = last_request_id(emulator_server)
    choose_language(client, "de")  # Klarna has no de-SE
    page = client.get("/checkout/payment")
    assert "Mit Klarna bezahlen" in page.get_data(as_text=True)
    assert klarna_operations(emulator_server, since=before) == []
    assert session_locale(emulator_server, state["session_id"]) == "sv-SE"


def test_the_order_is_created_with_the_chosen_locale(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    open_payment_page(client, "SE")
    choose_language(client, "en")
    state = widget_state(client.get("/checkout/payment"))
    assert session_locale(emulator_server, state["session_id"]) == "en-SE"
    answer = place(client, state, authorize(emulator_server, state)["authorization_token"])
    assert answer.status_code == 303
    with seeded.app_context():
        order = db.session.scalars(sa.select(Order)).one()
        assert order.klarna_order_request["locale"] == "en-SE"
