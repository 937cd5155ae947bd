"""Klarna's calls to the shop: the authorization callback and the pending-order notification.

The only views without CSRF protection (Klarna cannot send the shop's token). Each checks the
callback secret the shop put in the URL it gave Klarna, with a constant-time compare, and
trusts nothing else in the body: the authorization callback only hands a token to the same
place-order service the browser uses, and the notification is checked by reading the order back
from Klarna. Klarna docs:
https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/authorization-callback
https://docs.klarna.com/payments/after-payments/order-management/more-actions/pending-orders
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from storefront.extensions import csrf
from storefront.forms import storable
from storefront.security import matches_secret
from storefront.services.errors import (
    AuthorizeAgain,
    CallbackReplayed,
    CheckoutIncomplete,
    KlarnaSwitchedOff,
    OrderInProgress,
    PaymentDeclined,
    PaymentOutcomeUnknown,
    PaymentUnavailable,
)
from storefront.services.fraud_decisions import apply_fraud_decision
from storefront.services.order_lookup import find_order_by_klarna_id, find_payment_by_session
from storefront.services.order_placement import Subscribed, place_from_callback
from storefront.views.shopper import today

bp = Blueprint("klarna_callbacks", __name__, url_prefix="/klarna")
csrf.exempt(bp)

# Klarna ids are UUIDs and tokens are far shorter than this; anything longer is not Klarna's.
MAX_ID_LENGTH = 255
# Seconds Klarna is asked to wait before retrying while the order is still being placed.
RETRY_AFTER_SECONDS = "2"


def answer(status: int, outcome: str) -> tuple[Response, int]:
    """A short JSON answer for Klarna (only the status code matters to Klarna)."""
    return jsonify(outcome=outcome), status


def ids_in_body(*names: str) -> dict[str, str] | None:
    """The named string fields of a JSON object body, or None if the body is not that."""
    try:
        body: Any = request.get_json(silent=True)
    except RecursionError:  # nested deeper than json can parse (`silent` only covers ValueError)
        return None
    if not isinstance(body, dict):
        return None
    values = {
        name: value
        for name in names
        if isinstance(value := body.get(name), str)
        and 0 < len(value) <= MAX_ID_LENGTH
        and storable(value)
    }
    return values if len(values) == len(names) else None


@bp.post("/authorization")
def authorization() -> tuple[Response, int]:
    """`merchant_urls.authorization`: place the order if the shopper's browser has not.

    The first callback for a session answers 200 with its order; a replay after that, or a
    token the order was not placed with, 409 with nothing changed; an authorization that
    cannot become an order, 409. 503 asks Klarna to call again later (the order is still
    being placed, or Klarna could not be reached). Copies arriving at the same instant get
    one 200 between them, on any database (see `place_from_callback`).
    """
    ids = ids_in_body("authorization_token", "session_id")
    if ids is None:
        return answer(400, "expected authorization_token and session_id")
    payment = find_payment_by_session(ids["session_id"])
    if payment is None or not matches_secret(request.args.get("key", ""), payment.callback_secret):
        return answer(403, "unknown session or wrong key")
    try:
        placement = place_from_callback(
            payment, ids["authorization_token"], klarna_session_id=ids["session_id"], today=today()
        )
    except (OrderInProgress, PaymentOutcomeUnknown, PaymentUnavailable):
        response, status = answer(503, "try again later")
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return response, status
    except CallbackReplayed:
        return answer(409, "already confirmed")
    except (AuthorizeAgain, PaymentDeclined, KlarnaSwitchedOff, CheckoutIncomplete) as refused:
        # Refused for good (the shopper is asked again in the browser); a retry cannot help.
        return answer(409, f"not placed: {type(refused).__name__}")
    if isinstance(placement, Subscribed):
        return answer(200, f"subscriptions {placement.order_number} {placement.token_status}")
    return answer(200, f"order {placement.order.number} {placement.order.status}")


@bp.post("/notification")
def notification() -> tuple[Response, int]:
    """`merchant_urls.notification`: Klarna decided a pending order; read it back and apply it."""
    ids = ids_in_body("order_id", "event_type")
    if ids is None:
        return answer(400, "expected order_id and event_type")
    order = find_order_by_klarna_id(ids["order_id"])
    if order is None or not matches_secret(
        request.args.get("key", ""), order.payment.callback_secret
    ):
        return answer(403, "unknown order or wrong key")
    try:
        apply_fraud_decision(order)
    except PaymentUnavailable:
        return answer(503, "try again later")  # Klarna resends every 10 minutes for 24 hours
    return answer(200, f"order {order.number} {order.status}")
