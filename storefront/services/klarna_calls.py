"""Each checkout's Klarna calls, stored for the developer panel apart from the checkout itself.

A call is stored on its own short database connection, never in the request's transaction: the
checkout's rollback cannot lose it, it holds no connection while Klarna answers, and a failure
to store it is logged and swallowed, so the panel can never break a checkout. Calls are filed
under the ids they carry (the order number sent as `merchant_reference1`, Klarna's session and
order ids); `calls_of_payment` gathers a checkout's calls through them, also across a replaced
Klarna session.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from storefront.clock import utcnow
from storefront.extensions import db
from storefront.klarna_call_models import KlarnaCall, KlarnaCallKind
from storefront.models import Cart, Order, Payment

logger = logging.getLogger(__name__)

# The widest value each text column takes; longer values are cut, not refused.
COLUMN_LIMITS = {
    "operation": 64,
    "method": 8,
    "path": 255,
    "correlation_id": 64,
    "error": 64,
    "order_number": 16,
    "klarna_session_id": 64,
    "klarna_order_id": 64,
}


def record_call(kind: KlarnaCallKind, operation: str, **values: Any) -> None:
    """Store one (already scrubbed) call; a database failure is logged, never raised."""
    row = {"kind": kind.value, "operation": operation, **values, "created_at": utcnow()}
    for column, limit in COLUMN_LIMITS.items():
        if isinstance(row.get(column), str):
            row[column] = row[column][:limit]
    try:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(KlarnaCall).values(row))
    except SQLAlchemyError as error:
        logger.warning("Klarna call %s not stored: %s", operation, type(error).__name__)


def record_api_call(facts: Mapping[str, Any]) -> None:
    """Store a call from the call log's scrubbed facts (`record.klarna`)."""
    request_body = facts.get("request_body")
    reference = request_body.get("merchant_reference1") if isinstance(request_body, dict) else None
    record_call(
        KlarnaCallKind.API,
        str(facts.get("operation", "")),
        method=facts.get("method"),
        path=facts.get("path"),
        status=facts.get("status"),
        duration_ms=facts.get("duration_ms"),
        correlation_id=facts.get("correlation_id"),
        error=facts.get("error_code") or facts.get("error"),
        order_number=reference if isinstance(reference, str) else None,
        klarna_session_id=facts.get("session_id"),
        klarna_order_id=facts.get("order_id"),
        request_body=request_body,
        response_body=facts.get("response_body"),
    )


def calls_of_payment(payment: Payment) -> list[KlarnaCall]:
    """A checkout's calls, oldest first: by its order number, Klarna session ids and order id."""
    numbered = KlarnaCall.order_number == payment.order_number
    session_ids = set(
        db.session.scalars(
            sa.select(KlarnaCall.klarna_session_id).where(
                numbered, KlarnaCall.klarna_session_id.is_not(None)
            )
        )
    )
    if payment.klarna_session_id:
        session_ids.add(payment.klarna_session_id)
    conditions = [numbered, KlarnaCall.klarna_session_id.in_(session_ids)]
    order = payment.order
    if order is not None and order.klarna_order_id:
        conditions.append(KlarnaCall.klarna_order_id == order.klarna_order_id)
    query = sa.select(KlarnaCall).where(sa.or_(*conditions)).order_by(KlarnaCall.id)
    return list(db.session.scalars(query))


def payment_of_cart(cart: Cart) -> Payment | None:
    """The cart's payment, read without a lock; None before the payment step."""
    return db.session.scalars(sa.select(Payment).where(Payment.cart_id == cart.id)).first()


def calls_of_cart(cart: Cart) -> list[KlarnaCall]:
    """The calls of a cart's checkout (none before it reached the payment step)."""
    payment = payment_of_cart(cart)
    return calls_of_payment(payment) if payment is not None else []


def calls_of_order(order: Order) -> list[KlarnaCall]:
    """The calls of the checkout that placed an order."""
    return calls_of_payment(order.payment)
