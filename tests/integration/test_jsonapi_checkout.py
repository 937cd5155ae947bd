"""The JSON:API door: a full purchase, the payment source's life, and exactly one order."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from storefront.extensions import db
from storefront.models import Order, OrderStatus
from tests.support.jsonapi import JsonApi
from tests.support.live_server import LiveServer
from tests.support.payment_flow import emulator_of, klarna_operations, last_request_id


def test_a_purchase_through_the_api_is_placed_and_authorized(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    api = JsonApi.for_market(seeded, "GB")
    order_id = api.ready_order((("TEE-ORG", 2),))
    payment = api.create_klarna_payment(order_id, reference="ORD-1", metadata={"a": "b"})
    attributes = payment["attributes"]
    assert attributes["session_id"] and attributes["client_token"]
    assert [m["identifier"] for m in attributes["payment_methods"]]
    assert attributes["auth_token"] is None
    assert (attributes["reference"], attributes["metadata"]) == ("ORD-1", {"a": "b"})
    assert payment["relationships"]["order"]["data"] == {"type": "orders", "id": order_id}
    assert payment["relationships"]["payment_gateway"]["data"]["type"] == "payment_gateways"
    assert payment["meta"] == {"mode": "test"}
    token = api.authorize(emulator_server, order_id, attributes["session_id"])
    recorded = api.patch_klarna_payment(payment["id"], {"auth_token": token})
    assert recorded.get_json()["data"]["attributes"]["auth_token"] == token

    placed = api.place(order_id)

    assert placed.status_code == 200, placed.get_json()
    order = placed.get_json()["data"]["attributes"]
    assert (order["status"], order["payment_status"]) == ("placed", "authorized")
    with seeded.app_context():
        orders = db.session.scalars(sa.select(Order)).all()
    assert [(o.status, o.number) for o in orders] == [(OrderStatus.PAID, order["number"])]
    assert orders[0].total_minor == order["total_amount_cents"]
    assert klarna_operations(emulator_server).count("create_order") == 1
    again = api.place(order_id)  # a repeat answers with the same order, no new Klarna call
    assert again.status_code == 200
    assert again.get_json()["data"]["attributes"]["status"] == "placed"
    assert klarna_operations(emulator_server).count("create_order") == 1


def test_update_sends_the_new_amount_only_when_the_order_changed(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    api = JsonApi.for_market(seeded, "GB")
    order_id = api.ready_order()
    payment = api.create_klarna_payment(order_id)
    session_id = payment["attributes"]["session_id"]
    before = last_request_id(emulator_server)
    unchanged = api.patch_klarna_payment(payment["id"], {"_update": True})
    assert unchanged.status_code == 200
    assert klarna_operations(emulator_server, since=before) == []

    item = api.ok("GET", f"/api/orders/{order_id}")["relationships"]["line_items"]["data"][0]
    body = {"data": {"type": "line_items", "id": item["id"], "attributes": {"quantity": 3}}}
    api.ok("PATCH", f"/api/line_items/{item['id']}", body)
    total = api.ok("GET", f"/api/orders/{order_id}")["attributes"]["total_amount_cents"]
    before = last_request_id(emulator_server)
    updated = api.patch_klarna_payment(payment["id"], {"_update": True})

    assert updated.status_code == 200, updated.get_json()
    assert klarna_operations(emulator_server, since=before) == ["update_session", "read_session"]
    assert updated.get_json()["data"]["attributes"]["session_id"] == session_id
    with emulator_of(emulator_server).store.lock:
        session = emulator_of(emulator_server).store.sessions[session_id]
        assert session.data["order_amount"] == total


def test_an_edit_after_the_payment_source_exists_nullifies_it(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    """As in Commerce Layer: the order's payment source is emptied; a new one must be made."""
    api = JsonApi.for_market(seeded, "GB")
    order_id = api.ready_order()
    payment_id = api.authorized(emulator_server, order_id)
    source = api.ok("GET", f"/api/orders/{order_id}")["relationships"]["payment_source"]
    assert source["data"] == {"type": "klarna_payments", "id": payment_id}

    api.add_line_item(order_id, "BOOK-BRD")

    order = api.ok("GET", f"/api/orders/{order_id}")
    assert order["relationships"]["payment_source"]["data"] is None
    stale = api.ok("GET", f"/api/klarna_payments/{payment_id}")
    assert stale["attributes"]["auth_token"] is None
    refused = api.place(order_id)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["code"] == "MISSING_PAYMENT_SOURCE"
    recorded = api.patch_klarna_payment(payment_id, {"auth_token": "stale-token"})
    assert recorded.get_json()["errors"][0]["code"] == "PAYMENT_SOURCE_DETACHED"
    with seeded.app_context():
        assert db.session.scalars(sa.select(Order)).all() == []

    api.authorized(emulator_server, order_id)  # a new klarna_payments, authorized again
    placed = api.place(order_id)
    assert placed.status_code == 200, placed.get_json()
    assert placed.get_json()["data"]["attributes"]["status"] == "placed"


def test_an_order_cannot_be_edited_once_placed(seeded: Flask, emulator_server: LiveServer) -> None:
    api = JsonApi.for_market(seeded, "GB")
    order_id = api.ready_order()
    api.authorized(emulator_server, order_id)
    assert api.place(order_id).status_code == 200

    response = api.send(
        "POST",
        "/api/line_items",
        {
            "data": {
                "type": "line_items",
                "attributes": {"sku_code": "BOOK-BRD", "quantity": 1},
                "relationships": {"order": {"data": {"type": "orders", "id": order_id}}},
            }
        },
    )

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["code"] == "ORDER_PLACED"
    items = api.ok("GET", f"/api/orders/{order_id}")["relationships"]["line_items"]["data"]
    assert len(items) == 1


def test_an_order_klarna_reviews_is_placed_with_payment_status_pending(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    """fraud_status PENDING (Klarna's `+pend-accept-NN` shopper): placed, payment pending."""
    api = JsonApi.for_market(seeded, "GB")
    order_id = api.ready_order(email="customer+pend-accept-05@email.uk")
    api.authorized(emulator_server, order_id)

    placed = api.place(order_id)

    assert placed.status_code == 200, placed.get_json()
    order = placed.get_json()["data"]["attributes"]
    assert (order["status"], order["payment_status"]) == ("placed", "pending")
    with seeded.app_context():
        assert db.session.scalars(sa.select(Order.status)).all() == [OrderStatus.ON_HOLD]
