"""Reconciliation: read orders back from Klarna and record what changed outside the shop.

A capture or refund made in Klarna's Merchant Portal or straight through the API, an
authorization released, extended, cancelled or expired: each is recorded as a payment event
and then applied to the order (captures and refunds kept with Klarna's ids, totals and status
updated), never overwritten silently. After the shop's own actions the same read-back proves
the shop's totals equal Klarna's. Klarna docs:
https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/view-and-change-orders
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from storefront.clock import as_utc
from storefront.extensions import db
from storefront.klarna.errors import KlarnaError
from storefront.klarna.results import OrderDetails
from storefront.klarna_extension import get_klarna
from storefront.markets import MARKETS
from storefront.models import InvalidTransition, Order, OrderStatus, PaymentEventKind
from storefront.services.order_rules import money
from storefront.services.payment_events import record
from storefront.services.settlement_effects import settle_status
from storefront.settlement_models import (
    OrderAction,
    OrderActionState,
    OrderCapture,
    OrderRefund,
)

log = logging.getLogger(__name__)

# Orders Klarna may still change: their authorization or captured money is open.
OPEN_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.PART_CAPTURED,
    OrderStatus.CAPTURED,
    OrderStatus.PART_REFUNDED,
)
# Klarna's order statuses that end an order without captures.
ENDED_BY_KLARNA = {
    "CANCELLED": (OrderStatus.CANCELLED, PaymentEventKind.ORDER_CANCELLED),
    "EXPIRED": (OrderStatus.EXPIRED, PaymentEventKind.AUTHORIZATION_EXPIRED),
}
OUTSIDE = "made outside the shop, found by reconcile"


@dataclass(frozen=True)
class Reconciled:
    """One order read back: its number and what changed outside the shop (empty: nothing)."""

    number: str
    changes: tuple[str, ...]
    error: str | None = None


def reconcile_orders() -> Iterator[Reconciled]:
    """Read every open order back from Klarna, one at a time; what changed in each."""
    ids = db.session.scalars(
        sa.select(Order.id)
        .where(Order.status.in_(OPEN_STATUSES), Order.klarna_order_id.is_not(None))
        .order_by(Order.id)
    ).all()
    db.session.commit()
    for order_id in ids:
        yield reconcile_order(order_id)


def reconcile_order(order_id: int) -> Reconciled:
    """Read one order back from Klarna (no connection held meanwhile) and record its changes."""
    order = db.session.get_one(Order, order_id)
    number, klarna_order_id = order.number, order.klarna_order_id
    country = MARKETS[order.market].country
    db.session.commit()
    assert klarna_order_id is not None
    try:
        details = get_klarna(country).get_order(klarna_order_id)
    except KlarnaError as error:
        return Reconciled(number, (), error=str(error))
    return Reconciled(number, tuple(apply_klarna_order(order_id, details)))


def read_back(order_id: int) -> None:
    """After an action: read the order from Klarna so the shop's totals equal Klarna's.

    If Klarna cannot be asked now, the action's own answer stands and reconcile reads it later.
    """
    result = reconcile_order(order_id)
    if result.error:
        log.warning("order %s: could not read it back: %s", result.number, result.error)


def apply_klarna_order(order_id: int, details: OrderDetails) -> list[str]:
    """Record and apply what Klarna's order shows and the shop's does not; what changed."""
    order = db.session.get_one(Order, order_id, populate_existing=True)
    if has_pending_action(order_id):
        db.session.commit()
        return []  # the action's own request records what Klarna did
    changes = [
        *new_captures(order, details.raw.get("captures", [])),
        *new_refunds(order, details.raw.get("refunds", [])),
        *released_outside(order, details),
        *extended_outside(order, details),
    ]
    settle_status(order)
    changes += ended_outside(order, details)
    db.session.commit()
    if (order.captured_minor, order.refunded_minor) != (
        details.captured_amount_minor,
        details.refunded_amount_minor,
    ):
        log.error("order %s: totals differ from Klarna's after reconcile", order.number)
    return changes


def has_pending_action(order_id: int) -> bool:
    """Whether a request is settling an action on the order (it records Klarna's answer)."""
    return (
        db.session.scalar(
            sa.select(OrderAction.id).where(
                OrderAction.order_id == order_id, OrderAction.state == OrderActionState.PENDING
            )
        )
        is not None
    )


def new_captures(order: Order, captures: list[dict[str, Any]]) -> Iterator[str]:
    """Keep Klarna's captures the shop has no record of, each with its event."""
    known = set(
        db.session.scalars(
            sa.select(OrderCapture.klarna_capture_id).where(OrderCapture.order_id == order.id)
        )
    )
    for capture in captures:
        if capture["capture_id"] in known:
            continue
        amount = capture["captured_amount"]
        db.session.add(
            OrderCapture(
                order_id=order.id,
                klarna_capture_id=capture["capture_id"],
                amount_minor=amount,
                shipping_info=capture.get("shipping_info") or [],
            )
        )
        outside_event(order, PaymentEventKind.CAPTURED, amount, capture["capture_id"])
        yield f"captured {money(order, amount)} ({capture['capture_id']})"


def new_refunds(order: Order, refunds: list[dict[str, Any]]) -> Iterator[str]:
    """Keep Klarna's refunds the shop has no record of, each with its event."""
    known = set(
        db.session.scalars(
            sa.select(OrderRefund.klarna_refund_id).where(OrderRefund.order_id == order.id)
        )
    )
    for refund in refunds:
        if refund["refund_id"] in known:
            continue
        amount = refund["refunded_amount"]
        db.session.add(
            OrderRefund(
                order_id=order.id,
                klarna_refund_id=refund["refund_id"],
                amount_minor=amount,
                description=(refund.get("description") or "")[:255],
            )
        )
        outside_event(order, PaymentEventKind.REFUNDED, amount, refund["refund_id"])
        yield f"refunded {money(order, amount)} ({refund['refund_id']})"


def released_outside(order: Order, details: OrderDetails) -> Iterator[str]:
    """Klarna's order amount dropped below the shop's: the rest of it was released."""
    released = order.total_minor - details.order_amount_minor
    if details.captured_amount_minor and released > order.released_minor:
        outside_event(
            order, PaymentEventKind.AUTHORIZATION_RELEASED, released - order.released_minor
        )
        order.released_minor = released
        yield f"released the remaining authorization ({money(order, released)})"


def extended_outside(order: Order, details: OrderDetails) -> Iterator[str]:
    """Klarna's capture deadline moved (the first one read is only stored)."""
    known, klarna = order.authorization_expires_at, details.expires_at
    if klarna is None or (known is not None and as_utc(known) == as_utc(klarna)):
        return
    order.authorization_expires_at = klarna
    if known is not None:
        detail = f"authorization now ends {klarna.isoformat()}"
        outside_event(order, PaymentEventKind.AUTHORIZATION_EXTENDED, None, detail=detail)
        yield detail


def ended_outside(order: Order, details: OrderDetails) -> Iterator[str]:
    """Klarna cancelled the order, or its authorization expired, with nothing captured."""
    ended = ENDED_BY_KLARNA.get(details.status)
    if ended is None or order.captured_minor or order.status == ended[0]:
        return
    status, kind = ended
    try:
        order.transition_to(status)
    except InvalidTransition as refused:
        log.error("order %s: Klarna says %s: %s", order.number, details.status, refused)
        return
    outside_event(order, kind, None)
    yield f"{status} at Klarna"


def outside_event(
    order: Order,
    kind: PaymentEventKind,
    amount_minor: int | None,
    klarna_reference: str | None = None,
    *,
    detail: str = OUTSIDE,
) -> None:
    """Log a change Klarna's order shows that the shop did not make."""
    record(
        order.payment,
        kind,
        amount_minor=amount_minor,
        klarna_reference=klarna_reference or order.klarna_order_id,
        detail=detail if detail == OUTSIDE else f"{detail} ({OUTSIDE})",
    )
