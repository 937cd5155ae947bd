"""Klarna's fraud decisions: its fraud_status mapped to the order's status, and applied."""

from __future__ import annotations

from storefront.extensions import db
from storefront.klarna.errors import KlarnaError
from storefront.klarna_extension import get_klarna
from storefront.markets import MARKETS
from storefront.models import InvalidTransition, Order, OrderStatus, PaymentEventKind
from storefront.services.errors import UNAVAILABLE_MESSAGE, PaymentUnavailable
from storefront.services.payment_events import record

# Klarna's fraud_status on create order and in Order Management -> the order's status.
STATUS_FOR_FRAUD_STATUS = {
    "ACCEPTED": OrderStatus.PAID,
    "PENDING": OrderStatus.ON_HOLD,
    "REJECTED": OrderStatus.REJECTED,
}


def apply_fraud_decision(order: Order) -> None:
    """Read the order back from Klarna and apply its fraud decision (pending-order notice).

    The notification itself is never trusted: Klarna docs say to read the order back.
    A decision that would revive an order the merchant cancelled is logged and ignored.
    Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/more-actions/pending-orders
    Raises PaymentUnavailable when Klarna cannot be asked (Klarna then sends the notice again).
    """
    assert order.klarna_order_id is not None
    try:
        details = get_klarna(MARKETS[order.market].country).get_order(order.klarna_order_id)
    except KlarnaError as error:
        raise PaymentUnavailable(UNAVAILABLE_MESSAGE, reference=error.correlation_id) from error
    status = STATUS_FOR_FRAUD_STATUS.get(details.fraud_status)
    if status is None or status == order.status:
        return
    try:
        order.transition_to(status)
    except InvalidTransition as refused:
        record(
            order.payment,
            PaymentEventKind.NOTIFICATION_IGNORED,
            klarna_reference=order.klarna_order_id,
            detail=str(refused),
        )
    else:
        order.klarna_fraud_status = details.fraud_status
        record(
            order.payment,
            PaymentEventKind.FRAUD_DECISION,
            klarna_reference=order.klarna_order_id,
            detail=f"fraud_status {details.fraud_status}",
        )
    db.session.commit()
