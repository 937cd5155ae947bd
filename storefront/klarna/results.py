"""What Klarna's answers mean to the shop: small frozen dataclasses that keep the raw JSON.

Field names follow the house style (`*_minor` for amounts); `raw` keeps Klarna's whole answer
for the fields the shop does not read yet. Tokens and raw bodies stay out of `repr()`.
Klarna docs: https://docs.klarna.com/klarna-payments/api/payments-api
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PaymentMethodCategory:
    """One way to pay that Klarna offers for a session, with the name and badge to show."""

    identifier: str
    name: str
    descriptive_asset_url: str | None
    standard_asset_url: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PaymentMethodCategory:
        """Read one `payment_method_categories` entry."""
        assets = data.get("asset_urls") or {}
        return cls(
            identifier=data["identifier"],
            name=data.get("name") or data["identifier"],
            descriptive_asset_url=assets.get("descriptive"),
            standard_asset_url=assets.get("standard"),
        )


def categories_from_json(data: Mapping[str, Any]) -> tuple[PaymentMethodCategory, ...]:
    """The `payment_method_categories` of a session answer (none when absent)."""
    return tuple(
        PaymentMethodCategory.from_json(item) for item in data.get("payment_method_categories", [])
    )


def optional_datetime(value: str | None) -> datetime | None:
    """Parse Klarna's ISO 8601 timestamps (`2026-01-02T03:04:05.678Z`)."""
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class CreatedSession:
    """The answer to create session: what the widget needs."""

    session_id: str
    client_token: str = field(repr=False)
    payment_method_categories: tuple[PaymentMethodCategory, ...]
    raw: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CreatedSession:
        """Read a create-session answer."""
        return cls(data["session_id"], data["client_token"], categories_from_json(data), data)


@dataclass(frozen=True)
class SessionDetails:
    """The answer to read session: status, expiry, the categories offered now, and the token.

    `authorization_token` is the session's latest authorization, when Klarna names one (see
    docs/klarna-notes.md#authorization-token-in-read-session).
    """

    session_id: str
    status: str
    expires_at: datetime | None
    order_amount_minor: int | None
    payment_method_categories: tuple[PaymentMethodCategory, ...]
    raw: Mapping[str, Any] = field(repr=False)
    authorization_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_json(cls, session_id: str, data: Mapping[str, Any]) -> SessionDetails:
        """Read a read-session answer (which does not repeat the session id)."""
        return cls(
            session_id=session_id,
            status=data["status"],
            expires_at=optional_datetime(data.get("expires_at")),
            order_amount_minor=data.get("order_amount"),
            payment_method_categories=categories_from_json(data),
            raw=data,
            authorization_token=data.get("authorization_token"),
        )


@dataclass(frozen=True)
class PlacedOrder:
    """The answer to create order: Klarna's order id, its fraud decision and the plan paid by.

    `authorized_payment_method` is its `type` (e.g. `invoice`, `fixed_amount`); the plan's
    `number_of_days` (pay later) or `number_of_installments` (slice it) come with it.
    """

    order_id: str
    fraud_status: str
    redirect_url: str | None
    authorized_payment_method: str | None
    raw: Mapping[str, Any] = field(repr=False)
    number_of_days: int | None = None
    number_of_installments: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlacedOrder:
        """Read a create-order answer; the payment method is an object, or in docs a string."""
        method = data.get("authorized_payment_method")
        plan = method if isinstance(method, dict) else {}
        return cls(
            order_id=data["order_id"],
            fraud_status=data["fraud_status"],
            redirect_url=data.get("redirect_url"),
            authorized_payment_method=plan.get("type") if plan else method,
            raw=data,
            number_of_days=whole_or_none(plan.get("number_of_days")),
            number_of_installments=whole_or_none(plan.get("number_of_installments")),
        )


def whole_or_none(value: object) -> int | None:
    """A positive whole number from Klarna's JSON, else None (absent, or not a count)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


@dataclass(frozen=True)
class OrderDetails:
    """An Order Management order: its state and the amounts captured and refunded so far."""

    order_id: str
    status: str
    fraud_status: str
    order_amount_minor: int
    captured_amount_minor: int
    refunded_amount_minor: int
    remaining_authorized_amount_minor: int
    purchase_currency: str
    klarna_reference: str | None
    merchant_reference1: str | None
    expires_at: datetime | None
    raw: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OrderDetails:
        """Read an Order Management order."""
        return cls(
            order_id=data["order_id"],
            status=data["status"],
            fraud_status=data["fraud_status"],
            order_amount_minor=data["order_amount"],
            captured_amount_minor=data.get("captured_amount", 0),
            refunded_amount_minor=data.get("refunded_amount", 0),
            remaining_authorized_amount_minor=data.get("remaining_authorized_amount", 0),
            purchase_currency=data["purchase_currency"],
            klarna_reference=data.get("klarna_reference"),
            merchant_reference1=data.get("merchant_reference1"),
            expires_at=optional_datetime(data.get("expires_at")),
            raw=data,
        )


@dataclass(frozen=True)
class CreatedResource:
    """A capture or refund Klarna created: its id (`*-Id` header), location and call's id."""

    resource_id: str
    location: str | None
    correlation_id: str | None = field(default=None, compare=False)  # differs per call
