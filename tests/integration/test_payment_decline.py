"""Klarna's hard decline covers one purchase: changed details or cart get a new session."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.integration.test_place_order import event_kinds
from tests.support.client import ShopClient
from tests.support.live_server import LiveServer
from tests.support.payment_flow import (
    authorize,
    edit,
    klarna_operations,
    last_request_id,
    open_payment_page,
)
from tests.support.shopping import details_form

DENIED = "customer+denied@email.uk"


def declined_page(client: ShopClient, server: LiveServer) -> dict[str, Any]:
    """Open the GB payment page as Klarna's denied shopper and report authorize()'s decline."""
    state = open_payment_page(client, "GB", email=DENIED)
    assert authorize(server, state) == {"approved": False, "show_form": False}
    client.post_form("/checkout/payment/declined")
    return state


def test_declined_purchase_stays_declined_without_a_klarna_call_while_nothing_changed(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    declined_page(client, emulator_server)
    before = last_request_id(emulator_server)
    page = client.get("/checkout/payment").get_data(as_text=True)
    same = edit(client, "details", details_form("GB", email=DENIED))
    assert "To ask Klarna again, change your e-mail" in page
    assert "in the next window" not in page
    assert same["payment"]["declined"] is True
    assert klarna_operations(emulator_server, since=before) == []
    assert event_kinds(seeded)[-1] == "declined"


def test_declined_shopper_who_changes_the_email_is_offered_klarna_in_a_new_session(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    declined = declined_page(client, emulator_server)
    before = last_request_id(emulator_server)
    answer = edit(client, "details", details_form("GB"))
    offered = answer["payment"]
    assert offered["declined"] is False
    assert offered["session_id"] != declined["session_id"]
    assert offered["categories"] == ["pay_later"]
    assert "in the next window" in answer["fragments"]["klarna"]
    assert klarna_operations(emulator_server, since=before) == ["create_session"]
    assert event_kinds(seeded)[-4:] == [
        "declined",
        "session_discarded",
        "decline_lifted",
        "session_created",
    ]
    assert authorize(emulator_server, offered)["approved"] is True


def test_declined_shopper_who_changes_the_cart_is_offered_klarna_in_a_new_session(
    seeded: Flask, client: ShopClient, emulator_server: LiveServer
) -> None:
    declined = declined_page(client, emulator_server)
    answer = edit(client, "items/TEE-ORG/quantity", {"quantity": "2"})
    assert answer["payment"]["declined"] is False
    assert answer["payment"]["session_id"] not in (None, declined["session_id"])
