"""Klarna's session, authorize() and create-order bodies: one builder, merchant fields added."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storefront.klarna.bodies import (
    MerchantContext,
    authorize_data,
    fingerprint,
    order_body,
    purchase_body,
    purchase_fingerprint,
    session_body,
)
from storefront.klarna.preflight import payload_problems
from storefront.klarna_purchase import klarna_purchase
from tests.unit.test_payloads import BOOK, TEE, full_snapshot

MERCHANT = MerchantContext(
    order_number="FF-7K3Q-M9XD",
    authorization_url="https://shop.test/klarna/authorization?key=secret",
    confirmation_url="https://shop.test/orders/FF-7K3Q-M9XD",
    notification_url="https://shop.test/klarna/notification?key=secret",
)
PERSONAL = ("billing_address", "shipping_address", "customer")


@pytest.mark.parametrize("market", ["US", "GB", "DE", "SE"])
def test_session_body_is_the_cart_for_a_purchase_without_personal_data(market: str) -> None:
    purchase = klarna_purchase(full_snapshot(market, TEE, BOOK))
    body = session_body(purchase, MERCHANT)
    assert {key: body[key] for key in purchase_body(purchase)} == purchase_body(purchase)
    assert body["intent"] == "buy"
    assert body["merchant_reference1"] == "FF-7K3Q-M9XD"
    assert body["merchant_urls"] == {
        "authorization": MERCHANT.authorization_url,
        "confirmation": MERCHANT.confirmation_url,
        "notification": MERCHANT.notification_url,
    }
    assert body["merchant_urls"] == {
        "authorization": MERCHANT.authorization_url,
        **order_body(purchase, MERCHANT)["merchant_urls"],
    }
    assert not set(PERSONAL) & set(body)
    assert payload_problems(body) == []


@pytest.mark.parametrize("market", ["US", "GB", "DE", "SE"])
def test_order_body_repeats_exactly_what_authorize_was_given(market: str) -> None:
    purchase = klarna_purchase(full_snapshot(market, TEE))
    body = order_body(purchase, MERCHANT)
    authorized = authorize_data(purchase)
    assert set(authorized) == {"billing_address", "shipping_address"}
    assert {key: body[key] for key in authorized} == authorized
    assert body["order_lines"] == session_body(purchase, MERCHANT)["order_lines"]
    assert body["merchant_urls"] == {
        "confirmation": MERCHANT.confirmation_url,
        "notification": MERCHANT.notification_url,
    }
    assert payload_problems(body) == []


def test_fingerprint_is_the_same_for_equal_bodies_in_any_key_order() -> None:
    body = session_body(klarna_purchase(full_snapshot("GB", TEE)), MERCHANT)
    reordered = dict(reversed(list(body.items())))
    assert fingerprint(body) == fingerprint(reordered)
    assert len(fingerprint(body)) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"items": (replace(TEE, quantity=3),)},
        {"items": (TEE, BOOK)},
        {"email": "someone.else@email.uk"},
        {"phone": "+447700900123"},
    ],
    ids=["quantity", "line", "email", "phone"],
)
def test_purchase_fingerprint_changes_with_anything_create_order_compares(change: dict) -> None:
    snapshot = full_snapshot("GB", TEE)
    changed = klarna_purchase(replace(snapshot, **change))
    assert purchase_fingerprint(klarna_purchase(snapshot)) != purchase_fingerprint(changed)
    again = klarna_purchase(full_snapshot("GB", TEE))
    assert purchase_fingerprint(klarna_purchase(snapshot)) == purchase_fingerprint(again)


def test_session_fingerprint_ignores_personal_data_the_session_never_gets() -> None:
    snapshot = full_snapshot("GB", TEE)
    moved = replace(snapshot, email="someone.else@email.uk")
    assert fingerprint(session_body(klarna_purchase(snapshot), MERCHANT)) == fingerprint(
        session_body(klarna_purchase(moved), MERCHANT)
    )
