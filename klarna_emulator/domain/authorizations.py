"""Authorizations: the token an approved purchase yields, and what exactly it approved.

Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
(a token is valid 60 minutes; a newer authorization of the session replaces it; create-order
data must match what was authorized, else 409 `Not matching fields: [...]`) and
https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/validations-in-kp
(addresses and order lines are compared; an omitted address "matches").
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from klarna_emulator.clock import iso_millis
from klarna_emulator.domain.transitions import check_transition
from klarna_emulator.errors import KlarnaApiError
from klarna_emulator.scenarios import Scenario


class AuthorizationStatus(StrEnum):
    """Where an authorization token stands."""

    ACTIVE = "active"
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"
    ORDER_PLACED = "order_placed"


AUTHORIZATION_TRANSITIONS: dict[AuthorizationStatus, frozenset[AuthorizationStatus]] = {
    AuthorizationStatus.ACTIVE: frozenset(
        {
            AuthorizationStatus.SUPERSEDED,
            AuthorizationStatus.CANCELLED,
            AuthorizationStatus.ORDER_PLACED,
        }
    ),
    AuthorizationStatus.SUPERSEDED: frozenset(),
    AuthorizationStatus.CANCELLED: frozenset(),
    AuthorizationStatus.ORDER_PLACED: frozenset(),
}

ADDRESS_KEYS = ("billing_address", "shipping_address")
# The purchase fields an authorization freezes and create-order must repeat.
SNAPSHOT_KEYS = (*ADDRESS_KEYS, "order_amount", "order_tax_amount", "order_lines")
# Address fields in the order Klarna's messages list them (seen in a real 409:
# "shipping_address.given_name, shipping_address.family_name, shipping_address.postal_code,
# shipping_address.city"); any other field follows alphabetically.
ADDRESS_FIELD_ORDER = (
    "given_name",
    "family_name",
    "title",
    "email",
    "street_address",
    "street_address2",
    "postal_code",
    "city",
    "region",
    "phone",
    "country",
    "organization_name",
    "attention",
)
# Amount fields that mean 0 when absent, so `"total_discount_amount": 0` matches its absence.
ZERO_DEFAULT_LINE_FIELDS = ("tax_rate", "total_discount_amount", "total_tax_amount")


@dataclass
class Authorization:
    """One authorization token of a session."""

    token: str
    session_id: str
    payment_method_category: str
    scenario: Scenario
    intent: str  # the session's intent when the shopper authorized
    snapshot: dict[str, Any]
    created_at: datetime
    expires_at: datetime
    status: AuthorizationStatus = AuthorizationStatus.ACTIVE
    order_id: str | None = None
    order_request: str | None = None  # canonical JSON of the create-order body
    order_response: dict[str, Any] | None = None
    customer_token_id: str | None = None
    customer_token_request: str | None = None  # canonical JSON of the generate-token body
    customer_token_response: dict[str, Any] | None = None
    # A failed create-order sticks to its token: retries get the same error
    # (docs/fidelity.md: "Repeated create-order").
    failure: KlarnaApiError | None = None

    def is_live(self, now: datetime) -> bool:
        """Active and younger than its lifetime."""
        return self.status is AuthorizationStatus.ACTIVE and now < self.expires_at

    def move_to(self, status: AuthorizationStatus) -> None:
        """Change status along AUTHORIZATION_TRANSITIONS."""
        self.status = check_transition(AUTHORIZATION_TRANSITIONS, self.status, status)

    def state(self) -> dict[str, Any]:
        """A JSON-ready picture for GET /_emulator/state."""
        return {
            "authorization_token": self.token,
            "session_id": self.session_id,
            "payment_method_category": self.payment_method_category,
            "scenario": self.scenario.tag or "approved",
            "status": self.status.value,
            "intent": self.intent,
            "created_at": iso_millis(self.created_at),
            "expires_at": iso_millis(self.expires_at),
            "order_id": self.order_id,
            "customer_token_id": self.customer_token_id,
            "snapshot": self.snapshot,
        }


def purchase_snapshot(session_data: Mapping[str, Any]) -> dict[str, Any]:
    """What an authorization approves; the shipping address defaults to the billing address."""
    snapshot = {
        key: copy.deepcopy(session_data[key]) for key in SNAPSHOT_KEYS if key in session_data
    }
    if "shipping_address" not in snapshot and "billing_address" in snapshot:
        snapshot["shipping_address"] = copy.deepcopy(snapshot["billing_address"])
    return snapshot


def canonical_json(body: Any) -> str:
    """A stable text form of a JSON body, so two equal bodies compare equal."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def _ordered_keys(keys: set[str]) -> list[str]:
    known = [key for key in ADDRESS_FIELD_ORDER if key in keys]
    return known + sorted(keys - set(ADDRESS_FIELD_ORDER))


def _address_mismatches(
    prefix: str, authorized: Mapping[str, Any], given: Mapping[str, Any]
) -> list[str]:
    keys = set(authorized) | set(given)
    return [
        f"{prefix}.{key}" for key in _ordered_keys(keys) if authorized.get(key) != given.get(key)
    ]


def _normalized_line(line: Mapping[str, Any]) -> dict[str, Any]:
    return {**dict.fromkeys(ZERO_DEFAULT_LINE_FIELDS, 0), **line}


def _line_mismatches(
    authorized: list[Mapping[str, Any]], given: list[Mapping[str, Any]]
) -> list[str]:
    if len(authorized) != len(given):
        expected, actual = len(authorized), len(given)
        return [f"Incorrect number of items in the cart. Expected: {expected}, Actual: {actual}"]
    mismatches = []
    for index, (before, after) in enumerate(zip(authorized, given, strict=True)):
        before, after = _normalized_line(before), _normalized_line(after)
        mismatches += [
            f"order_lines[{index}].{key}"
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        ]
    return mismatches


def mismatched_fields(snapshot: Mapping[str, Any], order_body: Mapping[str, Any]) -> list[str]:
    """The fields of a create-order body that differ from what was authorized, Klarna-style.

    An address the body leaves out is not compared (Klarna: "an empty payload matches").
    """
    mismatches = [
        mismatch
        for key in ADDRESS_KEYS
        if isinstance(order_body.get(key), Mapping)
        for mismatch in _address_mismatches(key, snapshot.get(key) or {}, order_body[key])
    ]
    mismatches += [
        key
        for key in ("order_amount", "order_tax_amount")
        if snapshot.get(key, 0) != order_body.get(key, 0)
    ]
    return mismatches + _line_mismatches(
        snapshot.get("order_lines", []), order_body.get("order_lines", [])
    )
