"""Payments API sessions over HTTP: create, read, update, with Klarna's validation answers."""

from __future__ import annotations

from typing import Any

import pytest

from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorize, create_session, error_of, place_order
from tests.support.klarna_examples import gb_cart, se_session, shopper_gb, us_sales_tax

SESSIONS = "/payments/v1/sessions"


def test_create_session_answers_id_token_and_categories(api: KlarnaApiClient) -> None:
    response = api.post(SESSIONS, json=gb_cart())

    assert response.status_code == 200
    assert "Location" not in response.headers
    assert response.headers["Klarna-Correlation-Id"]
    body = response.json
    assert body["client_token"].count(".") == 2
    assert [c["identifier"] for c in body["payment_method_categories"]] == ["pay_later"]
    badge = body["payment_method_categories"][0]["asset_urls"]["standard"]
    assert badge == "http://localhost/payment-method/assets/badges/generic/klarna.svg"
    assert api.get(badge).status_code == 200


def test_create_session_accepts_klarnas_se_example(api: KlarnaApiClient) -> None:
    response = api.post(SESSIONS, json=se_session())

    assert response.status_code == 200
    identifiers = [c["identifier"] for c in response.json["payment_method_categories"]]
    assert identifiers == ["pay_now", "pay_later"]


def test_create_session_ignores_read_only_fields(api: KlarnaApiClient) -> None:
    body = {**gb_cart(), "status": "complete", "authorization_token": "forged"}

    session_id = create_session(api, body)

    session = api.get(f"{SESSIONS}/{session_id}").json
    assert session["status"] == "incomplete"
    assert "authorization_token" not in session


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"purchase_currency": "EUR"}, "Bad value: purchase_currency"),
        ({"purchase_country": "XX"}, "Bad value: purchase_country"),
        ({"locale": "de-DE"}, "Bad value: locale"),
        ({"locale": "english"}, "Bad value: locale"),
        ({"locale": None}, "Bad value: locale"),
        ({"purchase_country": None}, "Bad value: purchase_country"),
        ({"purchase_currency": None}, "Bad value: purchase_currency"),
        ({"order_amount": 2500}, "Bad value: order_amount"),
        ({"order_tax_amount": 419}, "Bad value: order_tax_amount"),
        ({"order_amount": "2499"}, "Bad value: order_amount"),
        ({"order_lines": []}, "Bad value: order_lines"),
        ({"order_amount": None}, "Bad value: order_amount"),
        ({"merchant_reference1": "x" * 256}, "Bad value: merchant_reference1"),
        ({"intent": "donate"}, "Bad value: intent"),
        ({"options": {"color_text": "red"}}, "Bad value: options.color_text"),
        (
            {"attachment": {"content_type": "x", "body": "not json"}},
            "Bad value: attachment.attachment",
        ),
        ({"billing_address": {"phone": "123"}}, "Bad value: billing_address.phone"),
        ({"billing_address": {"given_name": "1234"}}, "Bad value: billing_address.given_name"),
        ({"shipping_address": {"family_name": "X"}}, "Bad value: shipping_address.family_name"),
        ({"billing_address": {"email": "not-an-email"}}, "Bad value: billing_address.email"),
        # The billing country overrides the purchase country, so GBP is now the wrong currency.
        ({"billing_address": {"country": "DE"}}, "Bad value: purchase_currency"),
    ],
)
def test_create_session_rejects_bad_fields_by_name(
    api: KlarnaApiClient, emulator: Emulator, change: dict[str, Any], message: str
) -> None:
    response = api.post(SESSIONS, json={**gb_cart(), **change})

    assert error_of(response) == (400, "BAD_VALUE", [message])
    assert response.json["correlation_id"] == response.headers["Klarna-Correlation-Id"]
    assert emulator.store.sessions == {}


@pytest.mark.parametrize(
    ("line_change", "message"),
    [
        ({"total_amount": 1999}, "Bad value: order_lines[0].total_amount"),
        ({"total_tax_amount": 335}, "Bad value: order_lines[0].total_tax_amount"),
        ({"tax_rate": 10001}, "Bad value: order_lines[0].tax_rate"),
        ({"type": "voucher"}, "Bad value: order_lines[0].type"),
        ({"quantity": -1}, "Bad value: order_lines[0].quantity"),
        ({"name": ""}, "Bad value: order_lines[0].name"),
        ({"quantity_unit": "pieces-of"}, "Bad value: order_lines[0].quantity_unit"),
    ],
)
def test_create_session_names_the_bad_order_line_field(
    api: KlarnaApiClient, line_change: dict[str, Any], message: str
) -> None:
    cart = gb_cart()
    cart["order_lines"][0].update(line_change)

    response = api.post(SESSIONS, json=cart)

    assert error_of(response) == (400, "BAD_VALUE", [message])


def test_create_session_names_every_missing_line_field_in_one_message(api: KlarnaApiClient) -> None:
    cart = gb_cart()
    for key in ("name", "unit_price"):
        del cart["order_lines"][1][key]

    response = api.post(SESSIONS, json=cart)

    assert error_of(response) == (
        400,
        "BAD_VALUE",
        ["Bad value: order_lines[1].name, order_lines[1].unit_price"],
    )


def test_create_session_requires_region_in_us_addresses(api: KlarnaApiClient) -> None:
    cart = us_sales_tax()
    cart["billing_address"] = {"street_address": "509 Amsterdam Ave", "country": "US"}

    response = api.post(SESSIONS, json=cart)

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: billing_address.region"])


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", b'"text"'])
def test_create_session_answers_bad_request_to_a_body_that_is_not_an_object(
    api: KlarnaApiClient, raw: bytes
) -> None:
    response = api.post(SESSIONS, data=raw, content_type="application/json")

    assert error_of(response) == (400, "BAD_REQUEST", [])


def test_read_session_hides_shopper_details_until_authorized(api: KlarnaApiClient) -> None:
    cart = {**gb_cart(), "billing_address": shopper_gb()}
    session_id = create_session(api, cart)

    before = api.get(f"{SESSIONS}/{session_id}").json
    authorize(api, session_id)
    after = api.get(f"{SESSIONS}/{session_id}").json

    assert "billing_address" not in before
    assert before["status"] == "incomplete"
    assert before["expires_at"] == "2025-03-05T12:00:00.000Z"
    assert after["billing_address"] == shopper_gb()
    assert after["authorization_token"]


def test_read_session_is_complete_after_the_order(api: KlarnaApiClient, emulator: Emulator) -> None:
    order_id = place_order(api)
    session_id = next(iter(emulator.store.sessions))

    session = api.get(f"{SESSIONS}/{session_id}").json

    assert session["status"] == "complete"
    assert emulator.store.sessions[session_id].order_id == order_id


def test_read_session_answers_404_for_an_unknown_id(api: KlarnaApiClient) -> None:
    response = api.get(f"{SESSIONS}/068df369-13a7-4d47-a564-62f8408bb760")

    assert error_of(response) == (404, "NOT_FOUND", ["Invalid session id"])


def test_update_session_answers_204_with_an_empty_octet_stream(api: KlarnaApiClient) -> None:
    session_id = create_session(api)
    cart = gb_cart()
    cart["order_lines"][0].update(quantity=3, total_amount=3000, total_tax_amount=500)
    cart.update(order_amount=3499, order_tax_amount=583)

    response = api.post(
        f"{SESSIONS}/{session_id}",
        json={key: cart[key] for key in ("order_amount", "order_tax_amount", "order_lines")},
    )

    assert response.status_code == 204
    assert response.get_data() == b""
    assert response.content_type == "application/octet-stream"
    assert api.get(f"{SESSIONS}/{session_id}").json["order_amount"] == 3499


def test_update_session_can_change_the_offered_categories(api: KlarnaApiClient) -> None:
    session_id = create_session(api)
    cart = gb_cart()
    cart["order_lines"][0].update(quantity=5, total_amount=5000, total_tax_amount=833)
    cart.update(order_amount=5499, order_tax_amount=916)

    api.post(f"{SESSIONS}/{session_id}", json=cart)

    categories = api.get(f"{SESSIONS}/{session_id}").json["payment_method_categories"]
    assert [c["identifier"] for c in categories] == ["pay_later", "pay_over_time"]


def test_update_session_validates_the_merged_session_and_changes_nothing(
    api: KlarnaApiClient,
) -> None:
    session_id = create_session(api)

    response = api.post(f"{SESSIONS}/{session_id}", json={"order_amount": 100})

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: order_amount"])
    assert api.get(f"{SESSIONS}/{session_id}").json["order_amount"] == 2499


@pytest.mark.parametrize("field", ["locale", "purchase_country", "purchase_currency"])
def test_update_session_to_a_null_market_field_is_a_bad_value(
    api: KlarnaApiClient, field: str
) -> None:
    session_id = create_session(api)

    response = api.post(f"{SESSIONS}/{session_id}", json={field: None})

    assert error_of(response) == (400, "BAD_VALUE", [f"Bad value: {field}"])
    assert api.get(f"{SESSIONS}/{session_id}").json[field] == gb_cart()[field]


def test_update_session_answers_404_for_an_unknown_id(api: KlarnaApiClient) -> None:
    response = api.post(f"{SESSIONS}/nope", json={"order_amount": 1})

    assert error_of(response) == (404, "NOT_FOUND", ["Invalid session id"])


def test_update_session_after_the_order_answers_session_completed(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    place_order(api)
    session_id = next(iter(emulator.store.sessions))

    response = api.post(f"{SESSIONS}/{session_id}", json={"merchant_reference1": "A-1"})

    assert error_of(response) == (404, "SESSION_COMPLETED", ["Session has already been completed"])


def test_unknown_paths_answer_klarnas_envelope(api: KlarnaApiClient) -> None:
    response = api.get("/payments/v2/sessions")

    assert response.status_code == 404
    assert response.json["error_code"] == "NOT_FOUND"


def test_wrong_method_answers_klarnas_envelope(api: KlarnaApiClient) -> None:
    response = api.delete(f"{SESSIONS}/some-id")

    assert response.status_code == 405
    assert response.json["error_code"] == "METHOD_NOT_ALLOWED"
