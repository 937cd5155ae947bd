"""Order Management captures and refunds: what was captured or refunded, and its follow-ups.

Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/capture-and-track-orders
A capture carries shipping information (sent with it or added later) and can have its customer
communication sent out again
(https://docs.klarna.com/order-management/manage-orders-with-the-api/capture-and-track-orders/send-customer-communications/).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from klarna_emulator.clock import iso_seconds


@dataclass
class Capture:
    """One capture of an order."""

    capture_id: str
    klarna_reference: str
    captured_amount: int
    captured_at: datetime
    details: dict[str, Any]  # description, reference, order_lines as sent
    billing_address: dict[str, Any] | None
    shipping_address: dict[str, Any] | None
    shipping_info: list[dict[str, Any]] = field(default_factory=list)
    refunded_amount: int = 0
    send_outs: list[datetime] = field(default_factory=list)

    def add_shipping_info(self, shipping_info: Sequence[dict[str, Any]]) -> None:
        """Append shipment tracking details to what the capture already has."""
        self.shipping_info.extend(copy.deepcopy(list(shipping_info)))

    def send_out(self, now: datetime) -> None:
        """Record a new send-out of the capture's customer communication (no e-mail is sent)."""
        self.send_outs.append(now)

    def view(self) -> dict[str, Any]:
        """The body of a capture (`Capture` schema)."""
        view: dict[str, Any] = {
            "capture_id": self.capture_id,
            "klarna_reference": self.klarna_reference,
            "captured_amount": self.captured_amount,
            "captured_at": iso_seconds(self.captured_at),
            "refunded_amount": self.refunded_amount,
            "order_lines": [],
            **copy.deepcopy(self.details),
            "shipping_info": copy.deepcopy(self.shipping_info),
        }
        for key, address in (
            ("billing_address", self.billing_address),
            ("shipping_address", self.shipping_address),
        ):
            if address is not None:
                view[key] = copy.deepcopy(address)
        return view

    def state(self) -> dict[str, Any]:
        """The view plus what Klarna does not show: when the communication was sent out again."""
        return {**self.view(), "send_outs": [iso_seconds(at) for at in self.send_outs]}


@dataclass
class Refund:
    """One refund of an order."""

    refund_id: str
    refunded_amount: int
    refunded_at: datetime
    details: dict[str, Any]  # description, reference, order_lines as sent

    def view(self) -> dict[str, Any]:
        """The body of a refund (`Refund` schema)."""
        return {
            "refund_id": self.refund_id,
            "refunded_amount": self.refunded_amount,
            "refunded_at": iso_seconds(self.refunded_at),
            "order_lines": [],
            **copy.deepcopy(self.details),
        }
