"""Klarna Payments API v1: sessions, orders from authorizations, customer tokens.

Paths, methods and status codes as in Klarna's OpenAPI (openapi/payments-v1.yaml) and
https://docs.klarna.com/klarna-payments/api/payments-api
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from klarna_emulator.api.common import base_url, json_object, no_content
from klarna_emulator.auth import require_merchant
from klarna_emulator.emulator import current_emulator

bp = Blueprint("payments_v1", __name__, url_prefix="/payments/v1")
bp.before_request(require_merchant)


@bp.post("/sessions")
def create_session() -> Response:
    """Create a session: 200 (not 201) and no Location header."""
    return jsonify(current_emulator().payments.create_session(json_object(), base_url()))


@bp.get("/sessions/<session_id>")
def read_session(session_id: str) -> Response:
    """Read a session."""
    return jsonify(current_emulator().payments.read_session(session_id))


@bp.post("/sessions/<session_id>")
def update_session(session_id: str) -> Response:
    """Update a session: 204, empty body."""
    current_emulator().payments.update_session(session_id, json_object())
    return no_content()


@bp.post("/authorizations/<authorization_token>/order")
def create_order(authorization_token: str) -> Response:
    """Place the order an authorization approved."""
    placement = current_emulator().order_placement
    return jsonify(placement.create_order(authorization_token, json_object(), base_url()))


@bp.delete("/authorizations/<authorization_token>")
def cancel_authorization(authorization_token: str) -> Response:
    """Release an unused authorization: 204."""
    current_emulator().payments.cancel_authorization(authorization_token)
    return no_content()


@bp.post("/authorizations/<authorization_token>/customer-token")
def create_customer_token(authorization_token: str) -> Response:
    """Turn an authorization into a customer token for recurring payments."""
    tokens = current_emulator().customer_tokens
    return jsonify(tokens.generate(authorization_token, json_object(), base_url()))
