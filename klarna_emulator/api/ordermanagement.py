"""Klarna Order Management API v1: orders, captures, refunds and what follows them.

Read, capture, refund, cancel, release, extend, update; shipping information on the order or a
capture; a new send-out of a capture's customer communication.

Paths, methods and status codes as in Klarna's OpenAPI (openapi/order-management-v1.yaml) and
https://docs.klarna.com/api/ordermanagement/. Every write honours `Klarna-Idempotency-Key`.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, url_for

from klarna_emulator.api.common import idempotent, json_object, no_content
from klarna_emulator.auth import require_merchant
from klarna_emulator.emulator import current_emulator

bp = Blueprint("ordermanagement_v1", __name__, url_prefix="/ordermanagement/v1/orders")
bp.before_request(require_merchant)


@bp.get("/<order_id>")
def get_order(order_id: str) -> Response:
    """Read an order."""
    return jsonify(current_emulator().order_management.get_order(order_id))


@bp.post("/<order_id>/acknowledge")
@idempotent
def acknowledge_order(order_id: str) -> Response:
    """Acknowledge an order: 204."""
    current_emulator().order_management.acknowledge(order_id)
    return no_content()


@bp.patch("/<order_id>/authorization")
@idempotent
def update_authorization(order_id: str) -> Response:
    """Set a new order amount and order lines: 204."""
    current_emulator().order_management.update_authorization(order_id, json_object())
    return no_content()


@bp.post("/<order_id>/captures")
@idempotent
def create_capture(order_id: str) -> Response:
    """Capture: 201 with `Capture-Id` and `Location`, no body."""
    capture = current_emulator().order_management.capture(order_id, json_object())
    response = no_content(201)
    response.headers["Capture-Id"] = capture.capture_id
    response.headers["Location"] = url_for(
        ".get_capture", order_id=order_id, capture_id=capture.capture_id, _external=True
    )
    return response


@bp.get("/<order_id>/captures")
def list_captures(order_id: str) -> Response:
    """List an order's captures."""
    return jsonify(current_emulator().order_management.captures(order_id))


@bp.get("/<order_id>/captures/<capture_id>")
def get_capture(order_id: str, capture_id: str) -> Response:
    """Read one capture."""
    return jsonify(current_emulator().order_management.get_capture(order_id, capture_id))


@bp.post("/<order_id>/captures/<capture_id>/shipping-info")
@idempotent
def add_capture_shipping_info(order_id: str, capture_id: str) -> Response:
    """Add shipping information to a capture: 204."""
    current_emulator().order_management.add_capture_shipping_info(
        order_id, capture_id, json_object()
    )
    return no_content()


@bp.post("/<order_id>/captures/<capture_id>/trigger-send-out")
@idempotent
def trigger_send_out(order_id: str, capture_id: str) -> Response:
    """Send the capture's customer communication again: 204 (the operation has no body)."""
    current_emulator().order_management.trigger_send_out(order_id, capture_id)
    return no_content()


@bp.post("/<order_id>/refunds")
@idempotent
def create_refund(order_id: str) -> Response:
    """Refund: 201 with `Refund-Id` and `Location`, no body."""
    refund = current_emulator().order_management.refund(order_id, json_object())
    response = no_content(201)
    response.headers["Refund-Id"] = refund.refund_id
    response.headers["Location"] = url_for(
        ".get_refund", order_id=order_id, refund_id=refund.refund_id, _external=True
    )
    return response


@bp.get("/<order_id>/refunds/<refund_id>")
def get_refund(order_id: str, refund_id: str) -> Response:
    """Read one refund."""
    return jsonify(current_emulator().order_management.get_refund(order_id, refund_id))


@bp.post("/<order_id>/cancel")
@idempotent
def cancel_order(order_id: str) -> Response:
    """Cancel an uncaptured order: 204."""
    current_emulator().order_management.cancel(order_id)
    return no_content()


@bp.post("/<order_id>/release-remaining-authorization")
@idempotent
def release_remaining_authorization(order_id: str) -> Response:
    """Release the uncaptured rest: 204."""
    current_emulator().order_management.release_remaining_authorization(order_id)
    return no_content()


@bp.post("/<order_id>/extend-authorization-time")
@idempotent
def extend_authorization_time(order_id: str) -> Response:
    """Extend the capture deadline: 204."""
    current_emulator().order_management.extend_authorization_time(order_id)
    return no_content()


@bp.patch("/<order_id>/merchant-references")
@idempotent
def update_merchant_references(order_id: str) -> Response:
    """Update merchant references: 204."""
    current_emulator().order_management.update_merchant_references(order_id, json_object())
    return no_content()


@bp.patch("/<order_id>/customer-details")
@idempotent
def update_customer_details(order_id: str) -> Response:
    """Update the shipping address: 204."""
    current_emulator().order_management.update_customer_details(order_id, json_object())
    return no_content()


@bp.post("/<order_id>/shipping-info")
@idempotent
def add_shipping_info(order_id: str) -> Response:
    """Add shipping information: 204."""
    current_emulator().order_management.add_shipping_info(order_id, json_object())
    return no_content()
