"""Customer tokens (recurring payments): generate one from an authorization, read, charge, cancel.

Calls go through the `KlarnaClient`'s transport (timeouts, retry rules, scrubbed call log: a
token in a path or body is cut to a few characters). Generating a token is sent once, like
create order; a token order carries a `Klarna-Idempotency-Key`, so it is retried after a
timeout or a 502/503/504 and Klarna charges once per key.
Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .client import KlarnaClient, RetryRule, parse_answer, path_for
from .order_management import IDEMPOTENCY_HEADER
from .results import PlacedOrder


@dataclass(frozen=True)
class TokenDetails:
    """A customer token as Klarna reads it: ACTIVE, SUSPENDED or CANCELLED, and its method."""

    status: str
    payment_method_type: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TokenDetails:
        """Read a read-token answer."""
        return cls(status=data["status"], payment_method_type=data.get("payment_method_type", ""))


class CustomerTokens:
    """The Customer Token calls of one merchant account, sent by its `KlarnaClient`."""

    def __init__(self, client: KlarnaClient) -> None:
        self.client = client

    def generate(self, authorization_token: str, body: Mapping[str, Any]) -> str:
        """POST /payments/v1/authorizations/{token}/customer-token: the new token's id.

        Never retried once sent: an `outcome_unknown` failure means the token may exist.
        """
        path = path_for(
            "/payments/v1/authorizations/{token}/customer-token", token=authorization_token
        )
        answer = self.client.call(
            "create_customer_token", "POST", path, body, retry=RetryRule.IF_NOT_SENT
        )
        return parse_answer("create_customer_token", answer, lambda data: str(data["token_id"]))

    def read(self, customer_token: str) -> TokenDetails:
        """GET /customer-token/v1/tokens/{token}: its status and payment method."""
        path = path_for("/customer-token/v1/tokens/{token}", token=customer_token)
        answer = self.client.call("read_customer_token", "GET", path)
        return parse_answer("read_customer_token", answer, TokenDetails.from_json)

    def create_order(
        self, customer_token: str, body: Mapping[str, Any], *, idempotency_key: str
    ) -> PlacedOrder:
        """POST /customer-token/v1/tokens/{token}/order: charge the token (a renewal)."""
        path = path_for("/customer-token/v1/tokens/{token}/order", token=customer_token)
        answer = self.client.call(
            "create_token_order",
            "POST",
            path,
            body,
            headers={IDEMPOTENCY_HEADER: idempotency_key},
        )
        return parse_answer("create_token_order", answer, PlacedOrder.from_json)

    def cancel(self, customer_token: str) -> None:
        """PATCH /customer-token/v1/tokens/{token}/status to CANCELLED (202): no more charges."""
        path = path_for("/customer-token/v1/tokens/{token}/status", token=customer_token)
        self.client.call("change_token_status", "PATCH", path, {"status": "CANCELLED"})
