"""Order Management orders: amounts, captures, refunds and the order state machine.

Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/capture-and-track-orders
https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/refund-orders-and-manage-authorizations
https://docs.klarna.com/resources/developer-tools/error-handling/error-codes-and-messages-for-order-management
No capture above the remaining authorized amount, no refund above the captured amount, no
cancel after a capture; 28 days to capture unless extended.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from klarna_emulator.clock import iso_seconds
from klarna_emulator.domain.captures import Capture, Refund
from klarna_emulator.domain.transitions import check_transition
from klarna_emulator.errors import (
    BadValue,
    CancelNotAllowed,
    CaptureNotAllowed,
    NoSuchCapture,
    NotAllowed,
    NotFound,
    RefundNotAllowed,
)

# Klarna cancels a fraud-rejected order the merchant has not captured within 4 hours
# (https://docs.klarna.com/payments/after-payments/order-management/more-actions/pending-orders).
REJECTED_ORDER_GRACE = timedelta(hours=4)


class OrderStatus(StrEnum):
    """Order Management statuses (MerchantOrderDto.status)."""

    AUTHORIZED = "AUTHORIZED"
    PART_CAPTURED = "PART_CAPTURED"
    CAPTURED = "CAPTURED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    CLOSED = "CLOSED"


class FraudStatus(StrEnum):
    """A placed order's fraud status."""

    ACCEPTED = "ACCEPTED"
    PENDING = "PENDING"
    REJECTED = "REJECTED"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.AUTHORIZED: frozenset(
        {
            OrderStatus.PART_CAPTURED,
            OrderStatus.CAPTURED,
            OrderStatus.CANCELLED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.PART_CAPTURED: frozenset({OrderStatus.CAPTURED}),
    # Fully refunded and nothing left to capture: CLOSED (Klarna does not document this step).
    OrderStatus.CAPTURED: frozenset({OrderStatus.CLOSED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
    OrderStatus.CLOSED: frozenset(),
}
FRAUD_TRANSITIONS: dict[FraudStatus, frozenset[FraudStatus]] = {
    FraudStatus.PENDING: frozenset({FraudStatus.ACCEPTED, FraudStatus.REJECTED}),
    FraudStatus.ACCEPTED: frozenset(),
    FraudStatus.REJECTED: frozenset(),
}
CLOSED_FOR_CHANGES = frozenset({OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.CLOSED})


@dataclass
class Order:
    """An order as Order Management sees it; `purchase` holds the order's Klarna fields."""

    order_id: str
    klarna_reference: str
    purchase: dict[str, Any]
    fraud_status: FraudStatus
    initial_payment_method: dict[str, Any]
    created_at: datetime
    expires_at: datetime
    max_expires_at: datetime
    merchant_urls: dict[str, Any] = field(default_factory=dict)
    status: OrderStatus = OrderStatus.AUTHORIZED
    original_order_amount: int = 0
    captures: list[Capture] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    shipping_info: list[dict[str, Any]] = field(default_factory=list)
    acknowledged: bool = False
    fraud_decided_at: datetime | None = None

    def __post_init__(self) -> None:
        self.original_order_amount = self.original_order_amount or self.order_amount

    @property
    def order_amount(self) -> int:
        """The currently authorized order amount."""
        amount: int = self.purchase["order_amount"]
        return amount

    @property
    def captured_amount(self) -> int:
        """The sum of all captures."""
        return sum(capture.captured_amount for capture in self.captures)

    @property
    def refunded_amount(self) -> int:
        """The sum of all refunds."""
        return sum(refund.refunded_amount for refund in self.refunds)

    @property
    def remaining_authorized_amount(self) -> int:
        """What can still be captured (nothing once cancelled, expired or closed)."""
        if self.status in CLOSED_FOR_CHANGES:
            return 0
        return self.order_amount - self.captured_amount

    def is_past_expiry(self, now: datetime) -> bool:
        """Whether the capture deadline has passed: EXPIRED, or partly captured and overdue."""
        return self.status is OrderStatus.EXPIRED or (
            self.status is OrderStatus.PART_CAPTURED and now >= self.expires_at
        )

    def _move_to(self, status: OrderStatus) -> None:
        if status is not self.status:
            self.status = check_transition(ORDER_TRANSITIONS, self.status, status)

    def refresh(self, now: datetime) -> None:
        """Apply what time alone does: expiry, and the cancel of an uncaptured rejected order."""
        if self.status is not OrderStatus.AUTHORIZED:
            return
        rejected_at = self.fraud_decided_at if self.fraud_status is FraudStatus.REJECTED else None
        if rejected_at is not None and now >= rejected_at + REJECTED_ORDER_GRACE:
            self._move_to(OrderStatus.CANCELLED)
            return
        if now >= self.expires_at:
            self._move_to(OrderStatus.EXPIRED)

    def decide_fraud(self, status: FraudStatus, now: datetime) -> None:
        """Klarna's manual review decided a pending order."""
        self.fraud_status = check_transition(FRAUD_TRANSITIONS, self.fraud_status, status)
        self.fraud_decided_at = now

    def _settle_captured_status(self) -> None:
        # Only a capture makes an order (part) captured: an uncaptured order whose authorization
        # is updated to 0 (the schema's minimum) stays AUTHORIZED, so it can still be cancelled.
        # Klarna documents no transition for it (UNCONFIRMED, see docs/fidelity.md).
        if self.captured_amount == 0:
            return
        if self.captured_amount >= self.order_amount:
            self._move_to(OrderStatus.CAPTURED)
        else:
            self._move_to(OrderStatus.PART_CAPTURED)

    def capture(
        self, capture_id: str, amount: int, details: Mapping[str, Any], now: datetime
    ) -> Capture:
        """Capture `amount` (full or partial) of the remaining authorization.

        `details` is the request's description, reference, order_lines and shipping_info.
        """
        if self.is_past_expiry(now):
            raise CaptureNotAllowed(f"Order {self.order_id} is expired. Capture not possible.")
        if self.status in (OrderStatus.CANCELLED, OrderStatus.CLOSED):
            raise CaptureNotAllowed(f"Order {self.order_id} is cancelled. Capture not possible.")
        if self.status is OrderStatus.CAPTURED:
            raise CaptureNotAllowed("Order is fully captured. Capture not possible.")
        if self.fraud_status is FraudStatus.PENDING:
            raise CaptureNotAllowed("Order is pending a fraud decision. Capture not possible.")
        if amount <= 0:
            raise BadValue(["captured_amount"])
        if amount > self.remaining_authorized_amount:
            # Klarna's words, as a merchant recorded them:
            # https://github.com/krokedil/klarna-checkout-for-woocommerce/issues/585
            raise CaptureNotAllowed(
                "Captured amount is higher than the remaining authorized amount. "
                "Capture not possible."
            )
        recorded = copy.deepcopy(dict(details))
        shipping_info = recorded.pop("shipping_info", [])
        capture = Capture(
            capture_id=capture_id,
            klarna_reference=f"{self.klarna_reference}-{len(self.captures) + 1}",
            captured_amount=amount,
            captured_at=now,
            details=recorded,
            shipping_info=shipping_info,
            billing_address=copy.deepcopy(self.purchase.get("billing_address")),
            shipping_address=copy.deepcopy(self.purchase.get("shipping_address")),
        )
        self.captures.append(capture)
        self._settle_captured_status()
        return capture

    def find_capture(self, capture_id: str) -> Capture:
        """One capture by id, or NO_SUCH_CAPTURE."""
        for capture in self.captures:
            if capture.capture_id == capture_id:
                return capture
        raise NoSuchCapture(capture_id)

    def follow_up_capture(self, capture_id: str) -> Capture:
        """The capture that shipping info or a send-out is for.

        Klarna's OpenAPI (capture shipping-info, trigger-send-out) answers 403 "Order has no
        captures." before looking for the capture, and 404 for a capture it does not find.
        """
        if not self.captures:
            raise NotAllowed("Order has no captures.")
        return self.find_capture(capture_id)

    def refund(
        self, refund_id: str, amount: int, details: Mapping[str, Any], now: datetime
    ) -> Refund:
        """Refund `amount` of what was captured; refunds are booked on captures oldest first."""
        if not self.captures:
            raise RefundNotAllowed("Order has no captures. Refund not possible")
        if amount <= 0:
            raise BadValue(["refunded_amount"])
        if amount > self.captured_amount - self.refunded_amount:
            raise RefundNotAllowed("Over refund is not allowed. Refund not possible.")
        refund = Refund(refund_id, amount, now, copy.deepcopy(dict(details)))
        self.refunds.append(refund)
        left = amount
        for capture in self.captures:
            booked = min(left, capture.captured_amount - capture.refunded_amount)
            capture.refunded_amount += booked
            left -= booked
        if self.refunded_amount == self.captured_amount and self.status is OrderStatus.CAPTURED:
            self._move_to(OrderStatus.CLOSED)
        return refund

    def find_refund(self, refund_id: str) -> Refund:
        """One refund by id, or NOT_FOUND."""
        for refund in self.refunds:
            if refund.refund_id == refund_id:
                return refund
        # Klarna's wording (error codes and messages for Order Management).
        raise NotFound(f"Refund {refund_id} cannot be found for order {self.order_id}")

    def cancel(self) -> None:
        """Cancel an order that has no captures."""
        if self.captures:
            raise CancelNotAllowed("Order has previous captures. Cancel not possible.")
        if self.status is not OrderStatus.AUTHORIZED:
            raise CancelNotAllowed(f"Order is {self.status.value.lower()}. Cancel not possible.")
        self._move_to(OrderStatus.CANCELLED)

    def release_remaining_authorization(self) -> None:
        """Give up the uncaptured rest of a partly captured order (it becomes CAPTURED)."""
        if self.status is OrderStatus.CAPTURED:
            raise NotAllowed("Order is fully captured. Remaining authorization cannot be released.")
        if self.status is not OrderStatus.PART_CAPTURED:
            raise NotAllowed(
                f"Order is {self.status.value.lower()} and has no captures. "
                "Remaining authorization cannot be released."
            )
        self.purchase["order_amount"] = self.captured_amount
        self._move_to(OrderStatus.CAPTURED)

    def extend_authorization_time(self, period: timedelta, now: datetime) -> None:
        """Set the capture deadline to `now + period`, never beyond the maximum from creation.

        Klarna adds the account's period "to the date at the moment of extension", so extending
        twice on one day gives one date, and an expired order cannot be extended
        (https://docs.klarna.com/order-management/manage-orders-with-the-api/refund-and-extend-orders/extend-order-authorization/).
        A deadline that cannot move (already at the maximum) stays as it is; the call succeeds.
        """
        if self.is_past_expiry(now):
            raise NotAllowed("Order is expired. Authorization time cannot be extended.")
        if self.status not in (OrderStatus.AUTHORIZED, OrderStatus.PART_CAPTURED):
            raise NotAllowed(
                f"Order is {self.status.value.lower()}. Authorization time cannot be extended."
            )
        self.expires_at = max(self.expires_at, min(now + period, self.max_expires_at))

    def update_authorization(
        self, order_amount: int, order_lines: list[dict[str, Any]] | None
    ) -> None:
        """Set a new order amount and lines (lines not sent are deleted)."""
        if self.status not in (OrderStatus.AUTHORIZED, OrderStatus.PART_CAPTURED):
            raise NotAllowed(
                f"Order is {self.status.value.lower()}. Authorization cannot be updated."
            )
        if order_amount < self.captured_amount:
            # Klarna's wording (error codes and messages for Order Management).
            raise NotAllowed(
                f"Resulting authorization amount {order_amount} cannot be less than the "
                f"captured amount {self.captured_amount} for order. "
                "Order authorization cannot be updated"
            )
        lines = order_lines or []
        if lines and sum(line["total_amount"] for line in lines) != order_amount:
            raise BadValue(["order_amount"])
        self.purchase["order_amount"] = order_amount
        self.purchase["order_lines"] = copy.deepcopy(lines)
        self._settle_captured_status()

    def update_shipping_address(self, shipping_address: dict[str, Any]) -> None:
        """Replace the shipping address (the billing address cannot change)."""
        if self.status in CLOSED_FOR_CHANGES:
            raise NotAllowed(
                f"Order is {self.status.value.lower()}. Customer details cannot be updated."
            )
        self.purchase["shipping_address"] = copy.deepcopy(shipping_address)

    def update_merchant_references(self, references: Mapping[str, str]) -> None:
        """Overwrite the references sent; an empty string clears one."""
        # Klarna's OpenAPI (update merchant references), 403: "Can not update a cancelled order."
        if self.status is OrderStatus.CANCELLED:
            raise NotAllowed("Can not update a cancelled order.")
        for key in ("merchant_reference1", "merchant_reference2"):
            if key in references:
                if references[key]:
                    self.purchase[key] = references[key]
                else:
                    self.purchase.pop(key, None)

    def add_shipping_info(self, shipping_info: list[dict[str, Any]]) -> None:
        """Append shipment tracking details."""
        self.shipping_info.extend(copy.deepcopy(shipping_info))

    def acknowledge(self) -> None:
        """Mark the order as seen by the merchant (repeatable)."""
        self.acknowledged = True

    def view(self) -> dict[str, Any]:
        """The body of a get-order response (`MerchantOrderDto`)."""
        purchase = copy.deepcopy(self.purchase)
        view: dict[str, Any] = {
            "order_id": self.order_id,
            "status": self.status.value,
            "fraud_status": self.fraud_status.value,
            "order_amount": self.order_amount,
            "original_order_amount": self.original_order_amount,
            "captured_amount": self.captured_amount,
            "refunded_amount": self.refunded_amount,
            "remaining_authorized_amount": self.remaining_authorized_amount,
            "purchase_country": purchase["purchase_country"],
            "purchase_currency": purchase["purchase_currency"],
            "locale": purchase.get("locale"),
            "order_lines": purchase.get("order_lines", []),
            "klarna_reference": self.klarna_reference,
            "created_at": iso_seconds(self.created_at),
            "expires_at": iso_seconds(self.expires_at),
            "captures": [capture.view() for capture in self.captures],
            "refunds": [refund.view() for refund in self.refunds],
            "initial_payment_method": copy.deepcopy(self.initial_payment_method),
            "shipping_info": copy.deepcopy(self.shipping_info),
        }
        for key in (
            "billing_address",
            "shipping_address",
            "merchant_reference1",
            "merchant_reference2",
            "merchant_data",
        ):
            if key in purchase:
                view[key] = purchase[key]
        customer = purchase.get("customer") or {}
        view["customer"] = {
            key: customer[key]
            for key in ("date_of_birth", "national_identification_number")
            if key in customer
        }
        return {key: value for key, value in view.items() if value is not None}

    def state(self) -> dict[str, Any]:
        """A JSON-ready picture for GET /_emulator/state."""
        return {
            **self.view(),
            "captures": [capture.state() for capture in self.captures],
            "acknowledged": self.acknowledged,
            "merchant_urls": self.merchant_urls,
        }
