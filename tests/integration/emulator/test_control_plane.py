"""The /_emulator/ control plane: the browserless shopper, reset, clock, state, request log."""

from __future__ import annotations

from typing import Any

import pytest

from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorize, create_session, emulator_app
from tests.support.klarna_examples import gb_cart, se_session, shopper_gb, shopper_us, us_sales_tax


def shopper(email: str) -> dict[str, Any]:
    """The approved GB persona with another e-mail."""
    return {**shopper_gb(), "email": email}


def test_authorize_approves_the_sample_customer(api: KlarnaApiClient, emulator: Emulator) -> None:
    session_id = create_session(api)

    payload = authorize(api, session_id)

    assert payload == {
        "approved": True,
        "show_form": True,
        "authorization_token": payload["authorization_token"],
        "finalize_required": False,
    }
    assert (
        emulator.store.authorizations[payload["authorization_token"]].snapshot["order_amount"]
        == 2499
    )


@pytest.mark.parametrize(
    "email", ["customer+denied@email.uk", "customer+reject_reason_high_risk@email.uk", "a+red@b.uk"]
)
def test_authorize_declines_the_declining_scenarios(api: KlarnaApiClient, email: str) -> None:
    session_id = create_session(api)

    payload = authorize(api, session_id, shopper(email))

    assert payload == {"approved": False, "show_form": False}


@pytest.mark.parametrize(
    ("billing", "invalid"),
    [
        ({"given_name": "Test"}, ["billing_address.email"]),
        ({"email": "customer@email.uk", "phone": "12"}, ["billing_address.phone"]),
        ({"email": "nobody"}, ["billing_address.email"]),
    ],
)
def test_authorize_answers_fixable_errors_with_invalid_fields(
    api: KlarnaApiClient, billing: dict[str, Any], invalid: list[str]
) -> None:
    session_id = create_session(api)

    payload = authorize(api, session_id, billing)

    assert payload == {"approved": False, "show_form": True, "error": {"invalid_fields": invalid}}


def test_authorize_requires_region_for_us_addresses(api: KlarnaApiClient) -> None:
    session_id = create_session(api, us_sales_tax())
    address = shopper_us()
    del address["region"]

    payload = authorize(api, session_id, address)

    assert payload["error"] == {"invalid_fields": ["billing_address.region"]}


def test_authorize_merges_order_lines_given_by_the_shopper(api: KlarnaApiClient) -> None:
    session_id = create_session(api)
    cart = gb_cart()
    cart["order_lines"][0].update(quantity=1, total_amount=1000, total_tax_amount=167)
    cart.update(order_amount=1499, order_tax_amount=250)

    payload = authorize(
        api, session_id, order_lines=cart["order_lines"], order_amount=1499, order_tax_amount=250
    )

    assert payload["approved"]
    assert api.get(f"/payments/v1/sessions/{session_id}").json["order_amount"] == 1499


def test_authorize_an_unoffered_category_is_the_sdks_error(api: KlarnaApiClient) -> None:
    session_id = create_session(api)

    response = api.post(
        f"/_emulator/sessions/{session_id}/authorize",
        json={"billing_address": shopper_gb(), "payment_method_category": "pay_now"},
    )

    assert response.status_code == 400
    assert response.json["error_code"] == "PaymentMethodCategoryNotSupportedError"


def test_authorize_a_completed_session_answers_session_completed(api: KlarnaApiClient) -> None:
    session_id = create_session(api)
    token = authorize(api, session_id)["authorization_token"]
    api.post(f"/payments/v1/authorizations/{token}/order", json=gb_cart())

    response = api.post(
        f"/_emulator/sessions/{session_id}/authorize", json={"billing_address": shopper_gb()}
    )

    assert response.status_code == 404
    assert response.json["error_code"] == "SESSION_COMPLETED"


def test_authorize_without_auto_finalize_needs_finalize_for_pay_now(api: KlarnaApiClient) -> None:
    session_id = create_session(api, se_session())
    se_shopper = {"email": "customer@email.se", "country": "SE"}

    first = authorize(
        api, session_id, se_shopper, payment_method_category="pay_now", auto_finalize=False
    )
    finalized = api.post(
        f"/_emulator/sessions/{session_id}/finalize", json={"payment_method_category": "pay_now"}
    ).json

    assert first == {"approved": True, "show_form": True, "finalize_required": True}
    assert finalized["approved"] is True
    assert finalized["authorization_token"]


def test_finalize_without_a_pending_authorization_is_the_sdks_error(api: KlarnaApiClient) -> None:
    session_id = create_session(api)

    response = api.post(f"/_emulator/sessions/{session_id}/finalize", json={})

    assert response.status_code == 400
    assert response.json["error_code"] == "FinalizeNotRequiredError"


@pytest.mark.parametrize(
    ("email", "category", "show_form"),
    [
        ("customer@email.uk", "pay_later", True),
        ("customer+red@email.uk", "pay_later", False),
        ("customer@email.uk", "pay_over_time", False),
    ],
)
def test_load_hides_the_form_for_red_shoppers_and_unoffered_categories(
    api: KlarnaApiClient, email: str, category: str, show_form: bool
) -> None:
    session_id = create_session(api, {**gb_cart(), "billing_address": shopper(email)})

    response = api.post(
        f"/_emulator/sessions/{session_id}/load", json={"payment_method_category": category}
    )

    assert response.json == {"show_form": show_form}


def test_authorize_an_unknown_session_answers_404(api: KlarnaApiClient) -> None:
    response = api.post(
        "/_emulator/sessions/nope/authorize", json={"billing_address": shopper_gb()}
    )

    assert response.status_code == 404
    assert response.json["error_messages"] == ["Invalid session id"]


def test_reset_forgets_everything(api: KlarnaApiClient) -> None:
    session_id = create_session(api)
    api.post("/_emulator/clock", json={"advance_seconds": 3600})

    response = api.post("/_emulator/reset", json={})

    assert response.status_code == 204
    assert api.get(f"/payments/v1/sessions/{session_id}").status_code == 404
    state = api.get("/_emulator/state").json
    assert state["sessions"] == []
    assert state["now"] == "2025-03-03T12:00:00.000Z"


@pytest.mark.parametrize(
    "body", [{}, {"advance_seconds": -1}, {"advance_seconds": "1"}, {"advance_seconds": True}]
)
def test_clock_refuses_anything_but_a_forward_number(
    api: KlarnaApiClient, body: dict[str, Any]
) -> None:
    response = api.post("/_emulator/clock", json=body)

    assert response.status_code == 400
    assert api.get("/_emulator/clock").json == {"now": "2025-03-03T12:00:00.000Z"}


def test_requests_log_lists_api_calls_since_an_id(api: KlarnaApiClient) -> None:
    create_session(api)
    first = api.get("/_emulator/requests").json["requests"]
    api.get("/payments/v1/sessions/unknown")

    later = api.get(f"/_emulator/requests?since={first[-1]['id']}").json["requests"]

    assert [(r["method"], r["operation"], r["status"]) for r in first] == [
        ("POST", "create_session", 200)
    ]
    assert first[0]["body"]["order_amount"] == 2499
    assert [(r["path"], r["status"]) for r in later] == [("/payments/v1/sessions/unknown", 404)]
    assert later[0]["correlation_id"]
    assert later[0]["duration_ms"] >= 0
    assert later[0]["time"] == "2025-03-03T12:00:00.000Z"


def test_requests_log_refuses_a_bad_since(api: KlarnaApiClient) -> None:
    assert api.get("/_emulator/requests?since=yesterday").status_code == 400


def test_control_plane_can_be_switched_off() -> None:
    client = emulator_app(CONTROL_PLANE_ENABLED=False).test_client()

    response = client.post("/_emulator/reset")

    assert response.status_code == 404
    assert client.get("/_emulator/health").json == {"status": "ok"}
