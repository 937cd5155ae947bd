"""Klarna Customer Token API v1: read a token, create an order with it, change its status.

Paths, methods and status codes as in Klarna's OpenAPI (openapi/customer-token-v1.yaml).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from klarna_emulator.api.common import base_url, idempotent, json_object, no_content
from klarna_emulator.auth import require_merchant
from klarna_emulator.emulator import current_emulator

bp = Blueprint("customer_token_v1", __name__, url_prefix="/customer-token/v1/tokens")
bp.before_request(require_merchant)


@bp.get("/<customer_token>")
def read_customer_token(customer_token: str) -> Response:
    """Read a token's status and payment method."""
    return jsonify(current_emulator().customer_tokens.read(customer_token))


@bp.post("/<customer_token>/order")
@idempotent
def create_token_order(customer_token: str) -> Response:
    """Charge a token: 200 with the order's summary."""
    tokens = current_emulator().customer_tokens
    return jsonify(tokens.create_order(customer_token, json_object(), base_url()))


# Not @idempotent: Klarna's OpenAPI declares `Klarna-Idempotency-Key` for create-order only.
@bp.patch("/<customer_token>/status")
def change_token_status(customer_token: str) -> Response:
    """Cancel a token: 202, empty body."""
    current_emulator().customer_tokens.change_status(customer_token, json_object())
    return no_content(202)
