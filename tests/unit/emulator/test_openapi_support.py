"""The OpenAPI response check itself: it must reject what breaks Klarna's schemas."""

from __future__ import annotations

import json

import pytest

from tests.support.openapi import InvalidResponse, assert_valid_response

SESSION_OK = {"session_id": "s", "client_token": "a.b.c", "payment_method_categories": []}
ENVELOPE = {"error_code": "BAD_VALUE", "error_messages": ["Bad value: x"], "correlation_id": "c"}


def check(
    method: str, path: str, status: int, body: object, content_type: str = "application/json"
) -> None:
    raw = b"" if body is None else json.dumps(body).encode()
    assert_valid_response(method, path, status, content_type, raw)


def test_valid_responses_pass() -> None:
    check("POST", "/payments/v1/sessions", 200, SESSION_OK)
    check("POST", "/payments/v1/sessions/abc", 204, None, "application/octet-stream")
    check("POST", "/payments/v1/sessions", 400, ENVELOPE)
    line = {
        "type": "return_fee",
        "name": "Return",
        "quantity": 1,
        "unit_price": -500,
        "total_amount": -500,
    }
    check("GET", "/ordermanagement/v1/orders/x", 200, {"order_lines": [line]})
    check("POST", "/payments/v1/sessions", 401, None, "text/html")


@pytest.mark.parametrize(
    ("method", "path", "status", "body"),
    [
        ("POST", "/payments/v1/sessions", 200, {"client_token": "x"}),  # session_id missing
        ("GET", "/payments/v1/sessions/s", 200, {"status": "expired"}),  # not in the enum
        ("GET", "/ordermanagement/v1/orders/x", 200, {"status": "SHIPPED"}),
        ("GET", "/ordermanagement/v1/orders/x/captures", 200, [{"captured_amount": 0}]),
        ("POST", "/payments/v1/sessions/abc", 204, {"unexpected": "body"}),
        ("POST", "/payments/v1/sessions", 400, {"error_code": "BAD_VALUE"}),  # no envelope
        ("POST", "/payments/v1/authorizations/t/order", 200, {"order_id": 7}),
        ("POST", "/payments/v1/nothing-here", 200, {}),
        # Empty, yet not a success the operation declares (update-session: 204; status: 202).
        ("POST", "/payments/v1/sessions/abc", 202, None),
        ("PATCH", "/customer-token/v1/tokens/t/status", 204, None),
    ],
)
def test_invalid_responses_fail(method: str, path: str, status: int, body: object) -> None:
    with pytest.raises(InvalidResponse):
        check(method, path, status, body)


def test_a_json_401_fails() -> None:
    with pytest.raises(InvalidResponse):
        check("POST", "/payments/v1/sessions", 401, ENVELOPE)
