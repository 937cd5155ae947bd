"""Create order: turn an authorization into an Order Management order, exactly once.

Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from klarna_emulator.callbacks import Courier
from klarna_emulator.domain import categories
from klarna_emulator.domain.authorizations import (
    Authorization,
    AuthorizationStatus,
    canonical_json,
    mismatched_fields,
)
from klarna_emulator.domain.intents import BUYING
from klarna_emulator.domain.markets import PENDING_DECISION_MARKETS
from klarna_emulator.domain.order_management import OrderManagement
from klarna_emulator.domain.orders import FraudStatus, Order
from klarna_emulator.domain.sessions import Session, SessionStatus, without_read_only
from klarna_emulator.errors import (
    InvalidAuthorizationToken,
    InvalidOperation,
    KlarnaApiError,
    NotMatchingFields,
    OrderAlreadyCompleted,
    SessionCompleted,
    TokenConsumed,
)
from klarna_emulator.scenarios import FraudEvent
from klarna_emulator.scheduler import Scheduler
from klarna_emulator.store import Store
from klarna_emulator.validation import purchase_stages, require_valid

FRAUD_DECISIONS = {
    FraudEvent.ACCEPTED: FraudStatus.ACCEPTED,
    FraudEvent.REJECTED: FraudStatus.REJECTED,
}


def session_redirect_url(base_url: str, session_id: str) -> str:
    """Klarna's redirect after an order (credit.klarna.com/v1/sessions/<id>/redirect), served
    by the emulator so the shopper's browser stays on this machine."""
    return f"{base_url.rstrip('/')}/v1/sessions/{session_id}/redirect"


class OrderPlacement:
    """Payments v1 create-order over the store."""

    def __init__(
        self,
        store: Store,
        courier: Courier,
        scheduler: Scheduler,
        order_management: OrderManagement,
    ) -> None:
        self.store = store
        self.courier = courier
        self.scheduler = scheduler
        self.order_management = order_management

    def create_order(self, token: str, body: Mapping[str, Any], base_url: str) -> dict[str, Any]:
        """Place the order an authorization approved; return Klarna's create-order body.

        The same token with the identical body returns the first order again (create-order is
        idempotent per token); a different body answers 409. A `tokenize` token answers 403
        INVALID_OPERATION: that intent places no order at checkout (`Authorization token already
        consumed` once it generated its customer token). A token whose first
        attempt failed keeps failing the same way: a new authorization is needed (the emulator
        docs/fidelity.md's "Repeated create-order" gives the source).
        """
        with self.store.lock:
            authorization = self.store.authorizations.get(token)
            if authorization is None:
                raise InvalidAuthorizationToken()
            if authorization.order_response is not None:
                if canonical_json(body) == authorization.order_request:
                    return copy.deepcopy(authorization.order_response)
                raise OrderAlreadyCompleted()
            if authorization.intent not in BUYING:
                # `tokenize`: "no order at checkout" (docs/fidelity.md, *Intents*); Klarna's
                # "already consumed" once the token served its one use, a customer token.
                if authorization.customer_token_id is not None:
                    raise TokenConsumed()
                raise InvalidOperation(
                    f"Not allowed to create orders for intent {authorization.intent}."
                )
            session = self.store.sessions.get(authorization.session_id)
            if session is not None and session.status is SessionStatus.COMPLETE:
                raise SessionCompleted()
            if session is None or not authorization.is_live(self.store.now()):
                raise InvalidAuthorizationToken()
            if authorization.failure is not None:
                raise authorization.failure
            try:
                require_valid(*purchase_stages("payments", "create_order_request", body))
                mismatches = mismatched_fields(authorization.snapshot, body)
                if mismatches:
                    raise NotMatchingFields(mismatches)
            except KlarnaApiError as error:
                authorization.failure = error
                raise
            return self._place_order(session, authorization, body, base_url)

    def _place_order(
        self, session: Session, authorization: Authorization, body: Mapping[str, Any], base_url: str
    ) -> dict[str, Any]:
        purchase = {**authorization.snapshot, **session.data, **without_read_only(body)}
        for key in ("billing_address", "shipping_address"):
            if not isinstance(body.get(key), Mapping) and key in authorization.snapshot:
                purchase[key] = copy.deepcopy(authorization.snapshot[key])
        pending = authorization.scenario.pending
        if (
            pending is not None
            and purchase["purchase_country"].upper() not in PENDING_DECISION_MARKETS
        ):
            pending = None
        merchant_urls = {
            **(session.data.get("merchant_urls") or {}),
            **(body.get("merchant_urls") or {}),
        }
        order = self.order_management.open_order(
            purchase,
            authorization.payment_method_category,
            FraudStatus.PENDING if pending else FraudStatus.ACCEPTED,
            merchant_urls,
            session.session_id,
        )
        if pending is not None:
            self._schedule_fraud_decision(
                order, FRAUD_DECISIONS[pending.event], pending.event, pending.minutes
            )
        response: dict[str, Any] = {
            "order_id": order.order_id,
            "fraud_status": order.fraud_status.value,
            "authorized_payment_method": copy.deepcopy(
                categories.AUTHORIZED_PAYMENT_METHODS[authorization.payment_method_category]
            ),
        }
        # Klarna omits redirect_url when no confirmation URL was given.
        if merchant_urls.get("confirmation"):
            response["redirect_url"] = session_redirect_url(base_url, session.session_id)
        authorization.move_to(AuthorizationStatus.ORDER_PLACED)
        authorization.order_id = order.order_id
        authorization.order_request = canonical_json(body)
        authorization.order_response = copy.deepcopy(response)
        session.complete(order.order_id)
        return response

    def _schedule_fraud_decision(
        self, order: Order, status: FraudStatus, event: FraudEvent, minutes: int
    ) -> None:
        def decide() -> None:
            order.decide_fraud(status, self.store.now())
            url = order.merchant_urls.get("notification")
            if url:
                self.courier.deliver(
                    "notification", url, {"order_id": order.order_id, "event_type": event.value}
                )

        due = self.store.now() + timedelta(minutes=minutes)
        self.store.schedule(due, f"{event.value} for order {order.order_id}", decide)
        self.scheduler.ensure_running()

    def order_id_of(self, session_id: str) -> str | None:
        """The order a session became, if any (for Klarna's redirect after an order)."""
        with self.store.lock:
            session = self.store.sessions.get(session_id)
            return session.order_id if session else None
