"""The developer panel's requests: the browser's SDK calls, and Klarna's callbacks to the shop.

Registered only while KLARNA_DEV_PANEL is on (storefront/dev_panel.py). static/js/dev-panel.js
posts each Klarna SDK call of the payment page (init, load, authorize, finalize, with Klarna's
result) here and gets the panel's rows back; Klarna's callbacks are stored after the callback
view answered them, without touching that view.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Flask, g, jsonify, render_template, request
from werkzeug.wrappers import Response

from storefront.klarna.call_log import scrub
from storefront.klarna.client import CORRELATION_HEADER
from storefront.klarna_call_models import KlarnaCallKind
from storefront.services.klarna_calls import calls_of_payment, payment_of_cart, record_call
from storefront.views.shopper import current_cart

bp = Blueprint("dev_panel", __name__, url_prefix="/dev-panel")

# The Klarna.Payments calls the payment page makes (Klarna's SDK reference).
SDK_CALLS = frozenset({"init", "load", "authorize", "finalize"})
# Klarna's calls to the shop: callback view endpoint -> the operation the panel names.
CALLBACKS = {
    "klarna_callbacks.authorization": "authorization_callback",
    "klarna_callbacks.notification": "notification",
}


def json_object(value: Any) -> dict[str, Any] | None:
    """The value if it is a JSON object, else None."""
    return value if isinstance(value, dict) else None


def posted_object() -> dict[str, Any] | None:
    """The request's JSON object body, or None if it is not one."""
    try:
        return json_object(request.get_json(silent=True))
    except RecursionError:  # nested deeper than json can parse (`silent` only covers ValueError)
        return None


def text_field(body: dict[str, Any] | None, key: str) -> str | None:
    """A string field of a JSON object, else None."""
    value = body.get(key) if body else None
    return value if isinstance(value, str) else None


@bp.post("/sdk-calls")
def sdk_call() -> tuple[Response, int]:
    """Store one SDK call of the shopper's checkout; answer the panel's rows, re-rendered."""
    body = posted_object()
    operation = text_field(body, "operation")
    if body is None or operation is None or operation not in SDK_CALLS:
        expected = ", ".join(sorted(SDK_CALLS))
        return jsonify(error=f"expected a JSON object whose operation is one of {expected}"), 400
    cart = current_cart()
    payment = payment_of_cart(cart) if cart is not None else None
    if payment is None:
        return jsonify(error="no checkout to file the call under"), 404
    record_call(
        KlarnaCallKind.SDK,
        operation,
        method="JS",
        path=f"Klarna.Payments.{operation}",
        order_number=payment.order_number,
        request_body=scrub(json_object(body.get("options"))),
        response_body=scrub(json_object(body.get("result"))),
    )
    rows = render_template("_klarna_calls.html", klarna_calls=calls_of_payment(payment))
    return jsonify(panel=rows), 201


def start_callback_timer() -> None:
    """Note when a Klarna callback arrived, for its duration."""
    if request.endpoint in CALLBACKS:
        g.dev_panel_started = time.perf_counter()


def record_callback(response: Response) -> Response:
    """Store a Klarna callback the shop has answered: its scrubbed body and the answer."""
    operation = CALLBACKS.get(request.endpoint or "")
    if operation is None:
        return response
    body = posted_object()
    started = g.get("dev_panel_started", time.perf_counter())
    record_call(
        KlarnaCallKind.CALLBACK,
        operation,
        method=request.method,
        path=request.path,  # without the query: the callback secret is in it
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000),
        correlation_id=request.headers.get(CORRELATION_HEADER),
        klarna_session_id=text_field(body, "session_id"),
        klarna_order_id=text_field(body, "order_id"),
        request_body=scrub(body),
        response_body=scrub(json_object(response.get_json(silent=True))),
    )
    return response


def init_app(app: Flask) -> None:
    """Serve the SDK-call endpoint and store Klarna's callbacks."""
    app.register_blueprint(bp)
    app.before_request(start_callback_timer)
    app.after_request(record_callback)
