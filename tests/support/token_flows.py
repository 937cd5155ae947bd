"""Recurring-payment steps against the emulator: generate a customer token, charge it."""

from __future__ import annotations

from typing import Any

from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import authorized_token
from tests.support.klarna_examples import (
    gb_customer_token_request,
    gb_subscription_cart,
    shopper_gb,
)

TOKENS = "/customer-token/v1/tokens"


def generate(api: KlarnaApiClient, token: str, **change: Any) -> Any:
    """POST generate-customer-token for an authorization token (the GB request, changed)."""
    return api.post(
        f"/payments/v1/authorizations/{token}/customer-token",
        json={**gb_customer_token_request(), **change},
    )


def new_customer_token(
    api: KlarnaApiClient, email: str | None = None, intent: str = "tokenize"
) -> str:
    """An ACTIVE customer token of the GB shopper (with `email`, if given)."""
    shopper = shopper_gb() if email is None else {**shopper_gb(), "email": email}
    response = generate(api, authorized_token(api, gb_subscription_cart(intent), shopper=shopper))
    assert response.status_code == 200, response.json
    return str(response.json["token_id"])


def renewal_body(**change: Any) -> dict[str, Any]:
    """A token-order body: the GB subscription cart without its session-only fields."""
    cart = gb_subscription_cart()
    body = {
        key: cart[key]
        for key in ("purchase_currency", "order_amount", "order_tax_amount", "order_lines")
    }
    body["merchant_urls"] = {"confirmation": "http://127.0.0.1:8000/done"}
    return {**body, **change}


def charge(api: KlarnaApiClient, token_id: str, key: str | None = None, **change: Any) -> Any:
    """POST an order on a customer token, with `Klarna-Idempotency-Key: key` if given."""
    headers = {"Klarna-Idempotency-Key": key} if key else {}
    return api.post(f"{TOKENS}/{token_id}/order", json=renewal_body(**change), headers=headers)
