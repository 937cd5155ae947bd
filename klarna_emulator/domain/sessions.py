"""A Klarna Payments session: the merchant's purchase data, its lifetime and its status.

Klarna docs: https://docs.klarna.com/klarna-payments/api/payments-api (session_read: status
`incomplete` until an order is placed, then `complete`) and
https://developers.klarna.com/documentation/klarna-payments/single-call-descriptions/create-session/
("valid for 48 hours after the last update").
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from klarna_emulator.clock import iso_millis
from klarna_emulator.domain.transitions import check_transition

# Fields only Klarna sets; a merchant sending them is ignored, as the schema marks them readOnly.
READ_ONLY_FIELDS = frozenset(
    {"authorization_token", "client_token", "expires_at", "payment_method_categories", "status"}
)
# Shopper details a session read returns only after an authorization (check-the-details doc:
# https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/check-the-details-of-a-payment-session).
SHOPPER_FIELDS = ("billing_address", "shipping_address", "customer")
# `customer_read` has no identity numbers.
HIDDEN_CUSTOMER_FIELDS = frozenset({"national_identification_number", "last_four_ssn"})


class SessionStatus(StrEnum):
    """Klarna's session statuses."""

    INCOMPLETE = "incomplete"
    COMPLETE = "complete"


SESSION_TRANSITIONS: dict[SessionStatus, frozenset[SessionStatus]] = {
    SessionStatus.INCOMPLETE: frozenset({SessionStatus.COMPLETE}),
    SessionStatus.COMPLETE: frozenset(),
}


def without_read_only(body: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of `body` without the fields only Klarna sets."""
    return {key: copy.deepcopy(value) for key, value in body.items() if key not in READ_ONLY_FIELDS}


@dataclass
class Session:
    """One payment session; `data` holds Klarna's session fields as the merchant sent them."""

    session_id: str
    data: dict[str, Any]
    client_token: str
    base_url: str
    created_at: datetime
    updated_at: datetime
    lifetime: timedelta
    status: SessionStatus = SessionStatus.INCOMPLETE
    authorization_token: str | None = None
    order_id: str | None = None
    authorized: bool = False
    pending_finalization: str | None = None  # the category awaiting finalize()
    customer_token_ids: list[str] = field(default_factory=list)

    @property
    def expires_at(self) -> datetime:
        """Klarna: 48 hours after the last update."""
        return self.updated_at + self.lifetime

    def is_expired(self, now: datetime) -> bool:
        """True once the lifetime since the last update has passed."""
        return now >= self.expires_at

    def merged(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """The session data with `changes` applied; top-level fields are replaced whole."""
        return {**copy.deepcopy(self.data), **without_read_only(changes)}

    def apply(self, data: dict[str, Any], now: datetime) -> None:
        """Replace the data (already validated) and restart the 48-hour lifetime."""
        self.data = data
        self.updated_at = now

    def complete(self, order_id: str | None = None) -> None:
        """The order is placed (or, for `tokenize`, the customer token generated): the session
        is closed for updates and further orders."""
        self.status = check_transition(SESSION_TRANSITIONS, self.status, SessionStatus.COMPLETE)
        self.order_id = order_id

    def read_view(self, categories: list[dict[str, Any]]) -> dict[str, Any]:
        """The body of a read-session response (`session_read`)."""
        view = copy.deepcopy(self.data)
        if not self.authorized:
            for key in SHOPPER_FIELDS:
                view.pop(key, None)
        if isinstance(view.get("customer"), dict):
            view["customer"] = {
                key: value
                for key, value in view["customer"].items()
                if key not in HIDDEN_CUSTOMER_FIELDS
            }
        view.update(
            client_token=self.client_token,
            expires_at=iso_millis(self.expires_at),
            payment_method_categories=categories,
            status=self.status.value,
        )
        if self.authorization_token:
            view["authorization_token"] = self.authorization_token
        return view

    def state(self) -> dict[str, Any]:
        """A JSON-ready picture for GET /_emulator/state."""
        return {
            "session_id": self.session_id,
            "status": self.status.value,
            "intent": self.data.get("intent", "buy"),
            "created_at": iso_millis(self.created_at),
            "updated_at": iso_millis(self.updated_at),
            "expires_at": iso_millis(self.expires_at),
            "authorization_token": self.authorization_token,
            "order_id": self.order_id,
            "pending_finalization": self.pending_finalization,
            "customer_token_ids": list(self.customer_token_ids),
            "data": self.data,
        }
