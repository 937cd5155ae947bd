"""The Order Management API's behaviour over the store: find orders and apply operations.

Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/view-and-change-orders
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from klarna_emulator.config import Settings
from klarna_emulator.domain.captures import Capture, Refund
from klarna_emulator.domain.categories import INITIAL_PAYMENT_METHODS
from klarna_emulator.domain.ids import is_uuid, klarna_reference, new_id
from klarna_emulator.domain.orders import FraudStatus, Order
from klarna_emulator.errors import InvalidOrderId, NoSuchOrder, NotAllowed
from klarna_emulator.store import Store
from klarna_emulator.validation import require_valid, schema_stage

API = "ordermanagement"
# The order fields Order Management keeps from the purchase.
PURCHASE_KEYS = (
    "purchase_country",
    "purchase_currency",
    "locale",
    "order_amount",
    "order_lines",
    "billing_address",
    "shipping_address",
    "customer",
    "merchant_reference1",
    "merchant_reference2",
    "merchant_data",
)


def fill_placeholders(url: str, session_id: str | None, order_id: str) -> str:
    """Replace Klarna's `{session.id}` and `{order.id}` URL placeholders."""
    return url.replace("{session.id}", session_id or "").replace("{order.id}", order_id)


class OrderManagement:
    """Order Management v1: every operation validates, finds the order, and applies one change."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def open_order(
        self,
        purchase: Mapping[str, Any],
        payment_method_category: str,
        fraud_status: FraudStatus,
        merchant_urls: Mapping[str, str],
        session_id: str | None,
    ) -> Order:
        """Create and store the order a purchase became (caller holds the store lock)."""
        now = self.store.now()
        order_id = new_id()
        order = Order(
            order_id=order_id,
            klarna_reference=klarna_reference(),
            purchase={
                key: copy.deepcopy(purchase[key]) for key in PURCHASE_KEYS if key in purchase
            },
            fraud_status=fraud_status,
            initial_payment_method=copy.deepcopy(INITIAL_PAYMENT_METHODS[payment_method_category]),
            created_at=now,
            expires_at=now + timedelta(days=self.settings.order_authorization_days),
            max_expires_at=now + timedelta(days=self.settings.order_authorization_max_days),
            merchant_urls={
                key: fill_placeholders(url, session_id, order_id)
                for key, url in merchant_urls.items()
            },
        )
        self.store.orders[order_id] = order
        # auto_capture: "captures immediately if the contract allows"; a pending order cannot be,
        # and an order of 0 has nothing to capture (a capture of 0 is refused).
        if (
            purchase.get("auto_capture")
            and fraud_status is FraudStatus.ACCEPTED
            and order.order_amount > 0
        ):
            order.capture(new_id(), order.order_amount, {}, now)
        return order

    def order(self, order_id: str) -> Order:
        """The order, brought up to date with the clock; INVALID_ORDER_ID or NO_SUCH_ORDER."""
        if not is_uuid(order_id):
            raise InvalidOrderId()
        with self.store.lock:
            order = self.store.orders.get(order_id)
            if order is None:
                raise NoSuchOrder(order_id)
            order.refresh(self.store.now())
            return order

    def confirmation_url(self, order_id: str) -> str | None:
        """The merchant's confirmation URL for an order, placeholders filled (None if unknown)."""
        with self.store.lock:
            order = self.store.orders.get(order_id)
            return order.merchant_urls.get("confirmation") if order else None

    def get_order(self, order_id: str) -> dict[str, Any]:
        """GET an order."""
        with self.store.lock:
            return self.order(order_id).view()

    def acknowledge(self, order_id: str) -> None:
        """Acknowledge an order."""
        with self.store.lock:
            self.order(order_id).acknowledge()

    def capture(self, order_id: str, body: Mapping[str, Any]) -> Capture:
        """Create a capture (201 with `Capture-Id`)."""
        require_valid(schema_stage(API, "CaptureObject", body))
        details = {
            key: body[key]
            for key in ("description", "reference", "order_lines", "shipping_info")
            if key in body
        }
        with self.store.lock:
            return self.order(order_id).capture(
                new_id(), body["captured_amount"], details, self.store.now()
            )

    def captures(self, order_id: str) -> list[dict[str, Any]]:
        """List an order's captures."""
        with self.store.lock:
            return [capture.view() for capture in self.order(order_id).captures]

    def get_capture(self, order_id: str, capture_id: str) -> dict[str, Any]:
        """GET one capture."""
        with self.store.lock:
            return self.order(order_id).find_capture(capture_id).view()

    def refund(self, order_id: str, body: Mapping[str, Any]) -> Refund:
        """Create a refund (201 with `Refund-Id`)."""
        require_valid(schema_stage(API, "RefundObject", body))
        details = {
            key: body[key] for key in ("description", "reference", "order_lines") if key in body
        }
        with self.store.lock:
            return self.order(order_id).refund(
                new_id(), body["refunded_amount"], details, self.store.now()
            )

    def get_refund(self, order_id: str, refund_id: str) -> dict[str, Any]:
        """GET one refund."""
        with self.store.lock:
            return self.order(order_id).find_refund(refund_id).view()

    def cancel(self, order_id: str) -> None:
        """Cancel an uncaptured order."""
        with self.store.lock:
            self.order(order_id).cancel()

    def release_remaining_authorization(self, order_id: str) -> None:
        """Release what a partly captured order will never capture."""
        with self.store.lock:
            self.order(order_id).release_remaining_authorization()

    def extend_authorization_time(self, order_id: str) -> None:
        """Extend the capture deadline by the account's authorization period."""
        with self.store.lock:
            period = timedelta(days=self.settings.order_authorization_days)
            self.order(order_id).extend_authorization_time(period, self.store.now())

    def update_authorization(self, order_id: str, body: Mapping[str, Any]) -> None:
        """Set a new order amount and order lines."""
        require_valid(schema_stage(API, "Update authorization", body))
        with self.store.lock:
            self.order(order_id).update_authorization(body["order_amount"], body.get("order_lines"))

    def update_customer_details(self, order_id: str, body: Mapping[str, Any]) -> None:
        """Replace the shipping address; a billing address is refused."""
        require_valid(schema_stage(API, "UpdateConsumer", body))
        with self.store.lock:
            order = self.order(order_id)
            # Klarna's OpenAPI (update customer details), 403: "Billing address cannot be
            # updated." Checked after the order exists, so an unknown order is still a 404.
            if "billing_address" in body:
                raise NotAllowed("Billing address cannot be updated.")
            if "shipping_address" in body:
                order.update_shipping_address(body["shipping_address"])

    def update_merchant_references(self, order_id: str, body: Mapping[str, Any]) -> None:
        """Overwrite merchant references."""
        require_valid(schema_stage(API, "Update merchant references", body))
        with self.store.lock:
            self.order(order_id).update_merchant_references(body)

    def add_shipping_info(self, order_id: str, body: Mapping[str, Any]) -> None:
        """Append shipping information to the order."""
        require_valid(schema_stage(API, "UpdateShippingInfo", body))
        with self.store.lock:
            self.order(order_id).add_shipping_info(body["shipping_info"])

    def add_capture_shipping_info(
        self, order_id: str, capture_id: str, body: Mapping[str, Any]
    ) -> None:
        """Append shipping information to one capture."""
        require_valid(schema_stage(API, "UpdateShippingInfo", body))
        with self.store.lock:
            capture = self.order(order_id).follow_up_capture(capture_id)
            capture.add_shipping_info(body["shipping_info"])

    def trigger_send_out(self, order_id: str, capture_id: str) -> None:
        """Send a capture's customer communication again (recorded; no e-mail leaves)."""
        with self.store.lock:
            self.order(order_id).follow_up_capture(capture_id).send_out(self.store.now())
