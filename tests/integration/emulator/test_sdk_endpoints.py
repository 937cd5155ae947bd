"""The SDK's server side: the script, the frame pages and their JSON calls, without a browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import create_session, emulator_app
from tests.support.klarna_examples import (
    gb_cart,
    gb_free_trial_cart,
    gb_subscription_cart,
    se_session,
    shopper_gb,
)

SHOP = "http://127.0.0.1:5000"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def client_token(api: KlarnaApiClient, body: dict[str, Any] | None = None) -> str:
    """A fresh session's client token."""
    response = api.post("/payments/v1/sessions", json=body or gb_cart())
    return str(response.json["client_token"])


def purchase_call(token: str, **changes: Any) -> dict[str, Any]:
    """The dialog's call for an approved GB shopper paying later."""
    return {
        "method": "authorize",
        "client_token": token,
        "payment_method_category": "pay_later",
        "data": {"billing_address": shopper_gb()},
        **changes,
    }


def test_the_sdk_script_is_served_at_klarnas_cdn_path(api: KlarnaApiClient) -> None:
    response = api.get("/kp/lib/v1/api.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    assert b"klarnaAsyncCallback" in response.data
    revalidated = api.get("/kp/lib/v1/api.js", headers={"If-None-Match": response.headers["ETag"]})
    assert revalidated.status_code == 304


@pytest.mark.parametrize("page", ["widget", "purchase"])
def test_frame_pages_may_be_framed_only_by_the_declared_origin(
    api: KlarnaApiClient, page: str
) -> None:
    response = api.get(f"/kp/sdk/v1/{page}", query_string={"origin": SHOP})

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors {SHOP}" in policy
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    html = response.get_data(as_text=True)
    assert not INLINE_SCRIPT.search(html)
    assert " style=" not in html
    assert f'data-embedder-origin="{SHOP}"' in html


@pytest.mark.parametrize(
    "origin",
    [
        None,
        "",
        "null",
        "https://shop.example/checkout",
        "https://shop.example; script-src *",
        "javascript:alert(1)",
        "HTTPS://SHOP.EXAMPLE",
        "ftp://shop.example",
    ],
)
def test_frame_pages_refuse_anything_but_an_http_origin(
    api: KlarnaApiClient, origin: str | None
) -> None:
    query = {} if origin is None else {"origin": origin}

    response = api.get("/kp/sdk/v1/widget", query_string=query)

    assert response.status_code == 400
    assert response.json["error_code"] == "BAD_REQUEST"
    assert "Content-Security-Policy" not in response.headers


def test_load_answers_the_payload_and_the_widget_content(api: KlarnaApiClient) -> None:
    token = client_token(api)

    response = api.post(
        "/kp/sdk/v1/load", json={"client_token": token, "payment_method_category": "pay_later"}
    )

    assert response.json == {
        "result": {"show_form": True},
        "offered": True,
        "widget": {
            "name": "Pay later.",
            "badge_url": "/payment-method/assets/badges/generic/klarna.svg",
            "plan": "Pay in 30 days: £24.99",
        },
    }


def test_load_of_a_category_not_offered_has_no_widget_content(api: KlarnaApiClient) -> None:
    token = client_token(api)

    response = api.post(
        "/kp/sdk/v1/load", json={"client_token": token, "payment_method_category": "pay_now"}
    )

    assert response.json == {"result": {"show_form": False}, "offered": False, "widget": None}


def test_frame_calls_must_be_json(api: KlarnaApiClient) -> None:
    # A cross-site form can post text/plain without a CORS preflight: it must not be read.
    body = '{"client_token": "x", "payment_method_category": "pay_later"}'

    response = api.post("/kp/sdk/v1/load", data=body, content_type="text/plain")

    assert response.status_code == 415


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"payment_method_category": "pay_later"}, "client_token: expected a non-empty string"),
        ({"client_token": "x", "payment_method_category": 3}, "payment_method_category: expected"),
        ({"client_token": "x", "payment_method_category": "a", "data": []}, "data: expected"),
    ],
)
def test_load_names_a_bad_field(api: KlarnaApiClient, body: dict[str, Any], message: str) -> None:
    response = api.post("/kp/sdk/v1/load", json=body)

    assert response.status_code == 400
    assert response.json["error_messages"][0].startswith(message)


def test_load_with_a_token_the_emulator_did_not_sign_is_the_sdks_error(
    api: KlarnaApiClient,
) -> None:
    header, payload, _ = client_token(api).split(".")

    response = api.post(
        "/kp/sdk/v1/load",
        json={"client_token": f"{header}.{payload}.AAAA", "payment_method_category": "pay_later"},
    )

    assert response.status_code == 400
    assert response.json["error_code"] == "InvalidClientTokenError"


def test_load_of_an_expired_session_is_invalid_session_id(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    token = client_token(api)
    emulator.store.advance_clock(48 * 3600)

    response = api.post(
        "/kp/sdk/v1/load", json={"client_token": token, "payment_method_category": "pay_later"}
    )

    assert (response.status_code, response.json["error_messages"]) == (404, ["Invalid session id"])


def test_review_shows_what_the_shopper_approves_and_changes_nothing(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    token = client_token(api)
    before = emulator.snapshot()["sessions"]

    response = api.post("/kp/sdk/v1/purchase/review", json=purchase_call(token))

    assert response.json == {
        "review": {
            "heading": "Complete your purchase",
            "merchant_name": "Emulator Demo Merchant",
            "category_name": "Pay later.",
            "amount": "£24.99",
            "plan": "Pay in 30 days: £24.99",
            "email": "customer@email.uk",
            "phone": "+447755564318",
            "charges_now": True,
            "subscriptions": [],
        }
    }
    assert emulator.snapshot()["sessions"] == before


@pytest.mark.parametrize(
    ("cart", "charges_now", "plan"),
    [
        (gb_free_trial_cart(), False, "Nothing to pay now"),
        (gb_subscription_cart("buy_and_tokenize"), True, "Pay in 30 days: £24.99"),
    ],
)
def test_review_of_a_sign_up_shows_the_subscription(
    api: KlarnaApiClient, cart: dict[str, Any], charges_now: bool, plan: str
) -> None:
    response = api.post("/kp/sdk/v1/purchase/review", json=purchase_call(client_token(api, cart)))

    review = response.json["review"]
    assert (review["charges_now"], review["plan"]) == (charges_now, plan)
    assert review["subscriptions"] == ["Monthly socks {{S-1}}, every month"]


def test_review_of_a_buy_session_lists_no_subscription(api: KlarnaApiClient) -> None:
    token = client_token(api, gb_subscription_cart("buy"))

    review = api.post("/kp/sdk/v1/purchase/review", json=purchase_call(token)).json["review"]

    assert (review["charges_now"], review["subscriptions"]) == (True, [])


def test_review_of_invalid_data_is_the_callback_payload(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    token = client_token(api)
    before = emulator.snapshot()["sessions"]
    data = {"billing_address": {**shopper_gb(), "phone": "12"}}

    response = api.post("/kp/sdk/v1/purchase/review", json=purchase_call(token, data=data))

    assert response.json == {
        "result": {
            "approved": False,
            "show_form": True,
            "error": {"invalid_fields": ["billing_address.phone"]},
        }
    }
    assert emulator.snapshot()["sessions"] == before


def test_review_of_finalize_needs_an_authorization_awaiting_it(api: KlarnaApiClient) -> None:
    token = client_token(api)

    response = api.post("/kp/sdk/v1/purchase/review", json=purchase_call(token, method="finalize"))

    assert response.status_code == 400
    assert response.json["error_code"] == "FinalizeNotRequiredError"


def test_review_of_a_category_not_offered_is_the_sdks_error(api: KlarnaApiClient) -> None:
    token = client_token(api)

    response = api.post(
        "/kp/sdk/v1/purchase/review",
        json=purchase_call(token, payment_method_category="pay_now"),
    )

    assert response.json["error_code"] == "PaymentMethodCategoryNotSupportedError"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"method": "capture"}, "method"),
        ({"method": ["authorize"]}, "method"),
        ({"auto_finalize": "no"}, "auto_finalize"),
        ({"client_token": ""}, "client_token"),
    ],
)
def test_purchase_calls_name_a_bad_field(
    api: KlarnaApiClient, changes: dict[str, Any], field: str
) -> None:
    response = api.post("/kp/sdk/v1/purchase/review", json=purchase_call("t", **changes))

    assert response.status_code == 400
    assert response.json["error_messages"][0].startswith(f"{field}: expected")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("999999", "That code is not valid. Check it and try again."),
        ("12345", "Enter the 6-digit code."),
        ("12345a", "Enter the 6-digit code."),
        (123456, "Enter the 6-digit code."),
        (None, "Enter the 6-digit code."),
    ],
)
def test_confirm_refuses_the_failing_code_and_malformed_ones(
    api: KlarnaApiClient, emulator: Emulator, code: object, message: str
) -> None:
    token = client_token(api)

    response = api.post(
        "/kp/sdk/v1/purchase/confirm", json={**purchase_call(token), "verification_code": code}
    )

    assert response.json == {"verification_error": message}
    assert emulator.store.authorizations == {}


def test_confirm_authorizes_through_the_domain(api: KlarnaApiClient, emulator: Emulator) -> None:
    token = client_token(api)

    response = api.post(
        "/kp/sdk/v1/purchase/confirm",
        json={**purchase_call(token), "verification_code": "000000"},
    )

    result = response.json["result"]
    assert result["approved"] is True
    authorization = emulator.store.authorizations[result["authorization_token"]]
    assert authorization.snapshot["billing_address"] == shopper_gb()


def test_confirm_of_reauthorize_ignores_auto_finalize(
    api: KlarnaApiClient,
) -> None:
    token = client_token(api, se_session())
    call = purchase_call(
        token,
        method="reauthorize",
        payment_method_category="pay_now",
        auto_finalize=False,
        data={"billing_address": {**shopper_gb(), "country": "SE", "postal_code": "11148"}},
    )

    response = api.post("/kp/sdk/v1/purchase/confirm", json={**call, "verification_code": "123456"})

    assert response.json["result"]["authorization_token"]


def test_the_example_page_is_served_under_a_strict_policy(api: KlarnaApiClient) -> None:
    response = api.get("/_emulator/example")

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert not INLINE_SCRIPT.search(response.get_data(as_text=True))


@pytest.mark.parametrize("market", ["GB", "DE", "SE", "US"])
def test_the_example_creates_and_updates_a_session_klarna_accepts(
    api: KlarnaApiClient, emulator: Emulator, market: str
) -> None:
    created = api.post("/_emulator/example/sessions", json={"market": market, "quantity": 1})
    session_id = created.json["session_id"]
    updated = api.post(f"/_emulator/example/sessions/{session_id}", json={"quantity": 20})

    assert created.status_code == 200, created.json
    assert updated.status_code == 200, updated.json
    assert created.json["billing_address"]["country"] == market
    session = emulator.payments.live_session(session_id)
    assert session.data["order_lines"][0]["quantity"] == 20


@pytest.mark.parametrize(
    "body", [{"market": "FR", "quantity": 1}, {"market": "GB", "quantity": 0}, {"market": "GB"}]
)
def test_the_example_refuses_a_bad_cart(api: KlarnaApiClient, body: dict[str, Any]) -> None:
    response = api.post("/_emulator/example/sessions", json=body)

    assert response.status_code == 400


def test_the_example_is_off_with_the_control_plane() -> None:
    api = emulator_app(CONTROL_PLANE_ENABLED=False).test_client()

    assert api.get("/_emulator/example").status_code == 404
    assert api.get("/kp/lib/v1/api.js").status_code == 200


def test_review_purchase_raises_for_a_completed_session(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    session_id = create_session(api)
    session = emulator.payments.live_session(session_id)
    session.complete("order-1")

    response = api.post("/kp/sdk/v1/purchase/review", json=purchase_call(session.client_token))

    assert (response.status_code, response.json["error_code"]) == (404, "SESSION_COMPLETED")
