"""Customer tokens (recurring payments): what a token charges and whether it may charge.

Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
(generate a customer token) and the Customer Token API (status ACTIVE / CANCELLED / SUSPENDED;
orders on a cancelled or suspended token are refused with TOKEN_CANCELED / TOKEN_SUSPENDED, a
declined one with PAYMENT_METHOD_FAILED). What Klarna later does to a token (suspend it, decline
its orders) follows the shopper's e-mail tags (`scenarios.TokenPersona`) or the control plane.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from klarna_emulator.clock import iso_millis
from klarna_emulator.domain.transitions import check_transition
from klarna_emulator.errors import PaymentMethodFailed, TokenCanceled, TokenSuspended
from klarna_emulator.scenarios import TokenPersona


class TokenStatus(StrEnum):
    """A customer token's status."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    CANCELLED = "CANCELLED"


TOKEN_TRANSITIONS: dict[TokenStatus, frozenset[TokenStatus]] = {
    TokenStatus.ACTIVE: frozenset({TokenStatus.SUSPENDED, TokenStatus.CANCELLED}),
    TokenStatus.SUSPENDED: frozenset({TokenStatus.ACTIVE, TokenStatus.CANCELLED}),
    TokenStatus.CANCELLED: frozenset(),
}


@dataclass
class CustomerToken:
    """A stored payment method a merchant can charge again."""

    token_id: str
    payment_method_type: str
    purchase_country: str
    purchase_currency: str
    locale: str
    billing_address: dict[str, Any]
    customer: dict[str, Any]
    category: str  # the payment method category it was authorized with
    created_at: datetime
    session_id: str
    authorization_token: str
    intent: str
    subscriptions: list[dict[str, Any]]  # the `subscription` objects the shopper agreed to
    persona: TokenPersona = field(default_factory=TokenPersona)
    status: TokenStatus = TokenStatus.ACTIVE
    order_ids: list[str] = field(default_factory=list)
    queued_declines: int = 0  # the next token orders that fail (control plane)

    def __post_init__(self) -> None:
        if self.persona.suspend_after == 0:
            self.status = TokenStatus.SUSPENDED

    def set_status(self, status: TokenStatus) -> None:
        """Move along TOKEN_TRANSITIONS; setting the current status again changes nothing."""
        if status is not self.status:
            self.status = check_transition(TOKEN_TRANSITIONS, self.status, status)

    def ensure_chargeable(self) -> None:
        """Refuse an order on a token that is not ACTIVE, with Klarna's code."""
        if self.status is TokenStatus.CANCELLED:
            raise TokenCanceled()
        if self.status is TokenStatus.SUSPENDED:
            raise TokenSuspended()

    def ensure_payment_succeeds(self) -> None:
        """Raise PAYMENT_METHOD_FAILED if the shopper's payment method declines this order."""
        if self.queued_declines > 0:
            self.queued_declines -= 1
            raise PaymentMethodFailed()
        if self.persona.declines_renewals:
            raise PaymentMethodFailed()

    def record_order(self, order_id: str) -> None:
        """Count a charged order; Klarna suspends a `suspend-after-NN` token after the NNth."""
        self.order_ids.append(order_id)
        if self.persona.suspend_after is not None and (
            len(self.order_ids) >= self.persona.suspend_after
        ):
            self.set_status(TokenStatus.SUSPENDED)

    def view(self) -> dict[str, Any]:
        """The body of a read-token response (`customer_token` schema)."""
        view: dict[str, Any] = {
            "status": self.status.value,
            "payment_method_type": self.payment_method_type,
        }
        if self.payment_method_type == "DIRECT_DEBIT":
            view["direct_debit"] = {"masked_number": "**********1234"}
        return view

    def state(self) -> dict[str, Any]:
        """A JSON-ready picture for GET /_emulator/state."""
        return {
            **self.view(),
            "token_id": self.token_id,
            "session_id": self.session_id,
            "authorization_token": self.authorization_token,
            "intent": self.intent,
            "payment_method_category": self.category,
            "subscriptions": copy.deepcopy(self.subscriptions),
            "suspend_after": self.persona.suspend_after,
            "declines_renewals": self.persona.declines_renewals,
            "queued_declines": self.queued_declines,
            "order_ids": list(self.order_ids),
            "purchase_country": self.purchase_country,
            "purchase_currency": self.purchase_currency,
            "billing_address": copy.deepcopy(self.billing_address),
            "created_at": iso_millis(self.created_at),
        }
