"""Order Management writes (acknowledge, capture, refund, cancel, ...) for a placed order.

Each write goes through the `KlarnaClient`'s transport (same timeouts, retry rule and call
log) and carries the caller's `Klarna-Idempotency-Key` (see `storefront.klarna.idempotency`),
so it is retried after a timeout or a 502/503/504 and Klarna applies it once.
Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/view-and-change-orders
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .client import Answer, KlarnaClient, correlation_id, path_for, unreadable_answer
from .results import CreatedResource

IDEMPOTENCY_HEADER = "Klarna-Idempotency-Key"


class OrderManagement:
    """Changes to placed orders of one merchant account, sent by its `KlarnaClient`."""

    def __init__(self, client: KlarnaClient) -> None:
        self.client = client

    def acknowledge_order(self, order_id: str, *, idempotency_key: str) -> None:
        """POST …/acknowledge: tell Klarna the shop has recorded the order."""
        self._write("acknowledge_order", "POST", order_id, "/acknowledge", idempotency_key)

    def capture_order(
        self,
        order_id: str,
        captured_amount_minor: int,
        *,
        idempotency_key: str,
        order_lines: list[Mapping[str, Any]] | None = None,
        shipping_info: list[Mapping[str, str]] | None = None,
    ) -> CreatedResource:
        """POST …/captures: capture all or part of the order (201, `Capture-Id` header).

        Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/capture-and-track-orders
        """
        body = amount_body(
            "captured_amount", captured_amount_minor, order_lines, shipping_info=shipping_info
        )
        answer = self._write("capture_order", "POST", order_id, "/captures", idempotency_key, body)
        return created_resource("capture_order", answer, "Capture-Id")

    def refund_order(
        self,
        order_id: str,
        refunded_amount_minor: int,
        *,
        idempotency_key: str,
        order_lines: list[Mapping[str, Any]] | None = None,
        description: str | None = None,
    ) -> CreatedResource:
        """POST …/refunds: refund captured money (201, `Refund-Id` header).

        Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/refund-orders-and-manage-authorizations
        """
        body = amount_body(
            "refunded_amount", refunded_amount_minor, order_lines, description=description
        )
        answer = self._write("refund_order", "POST", order_id, "/refunds", idempotency_key, body)
        return created_resource("refund_order", answer, "Refund-Id")

    def add_capture_shipping_info(
        self,
        order_id: str,
        capture_id: str,
        shipping_info: list[Mapping[str, str]],
        *,
        idempotency_key: str,
    ) -> None:
        """POST …/captures/{capture_id}/shipping-info: add tracking to an earlier capture (204).

        Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/capture-and-track-orders
        """
        suffix = path_for("/captures/{capture_id}/shipping-info", capture_id=capture_id)
        body = {"shipping_info": shipping_info}
        self._write("add_capture_shipping_info", "POST", order_id, suffix, idempotency_key, body)

    def cancel_order(self, order_id: str, *, idempotency_key: str) -> None:
        """POST …/cancel: cancel an order that has no captures."""
        self._write("cancel_order", "POST", order_id, "/cancel", idempotency_key)

    def release_remaining_authorization(self, order_id: str, *, idempotency_key: str) -> None:
        """POST …/release-remaining-authorization: free what a partial capture left over."""
        self._write(
            "release_remaining_authorization",
            "POST",
            order_id,
            "/release-remaining-authorization",
            idempotency_key,
        )

    def extend_authorization_time(self, order_id: str, *, idempotency_key: str) -> None:
        """POST …/extend-authorization-time: push back the capture deadline.

        Klarna docs: https://docs.klarna.com/order-management/manage-orders-with-the-api/refund-and-extend-orders/extend-order-authorization/
        """
        self._write(
            "extend_authorization_time",
            "POST",
            order_id,
            "/extend-authorization-time",
            idempotency_key,
        )

    def update_merchant_references(
        self,
        order_id: str,
        *,
        idempotency_key: str,
        merchant_reference1: str | None = None,
        merchant_reference2: str | None = None,
    ) -> None:
        """PATCH …/merchant-references: set the shop's order references ("" clears one)."""
        references = {
            "merchant_reference1": merchant_reference1,
            "merchant_reference2": merchant_reference2,
        }
        body = {key: value for key, value in references.items() if value is not None}
        self._write(
            "update_merchant_references",
            "PATCH",
            order_id,
            "/merchant-references",
            idempotency_key,
            body,
        )

    def _write(
        self,
        operation: str,
        method: str,
        order_id: str,
        suffix: str,
        idempotency_key: str,
        body: Mapping[str, Any] | None = None,
    ) -> Answer:
        """Send one write with its idempotency key, which is what lets the client retry it."""
        if not idempotency_key:
            raise ValueError(f"{operation} needs an idempotency key")
        path = path_for("/ordermanagement/v1/orders/{order_id}", order_id=order_id) + suffix
        return self.client.call(
            operation,
            method,
            path,
            body,
            headers={IDEMPOTENCY_HEADER: idempotency_key},
            order_id=order_id,
        )


def amount_body(
    amount_field: str,
    amount_minor: int,
    order_lines: list[Mapping[str, Any]] | None,
    **optional: Any,
) -> dict[str, Any]:
    """The body of a capture or refund: the amount, and the lines and other fields when given."""
    body: dict[str, Any] = {amount_field: amount_minor}
    if order_lines is not None:
        body["order_lines"] = order_lines
    body.update({name: value for name, value in optional.items() if value})
    return body


def created_resource(operation: str, answer: Answer, id_header: str) -> CreatedResource:
    """Read the id Klarna puts in a header of its 201 answer (`Capture-Id`, `Refund-Id`)."""
    resource_id = answer.headers.get(id_header)
    if not resource_id:
        raise unreadable_answer(operation, answer, f"has no {id_header} header")
    return CreatedResource(resource_id, answer.headers.get("Location"), correlation_id(answer))
