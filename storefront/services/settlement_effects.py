"""What an action Klarna applied does to the shop's order: its capture, refund or status, logged.

Called once per action, in the transaction that marks it DONE (services.order_actions.settle).
The order's captured and refunded totals are summed from its captures and refunds, each
unique by Klarna's id, so a capture is never counted twice whoever records it first.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from storefront.extensions import db
from storefront.models import Order, OrderStatus, PaymentEventKind
from storefront.services.order_rules import remaining_authorized, status_after_settlement
from storefront.services.payment_events import record
from storefront.settlement_models import (
    OrderAction,
    OrderActionKind,
    OrderCapture,
    OrderRefund,
    SettledLine,
)


def apply_effect(order: Order, action: OrderAction) -> None:
    """Apply a DONE action to the order and append its event (the caller commits)."""
    EFFECTS[OrderActionKind(action.kind)](order, action)
    settle_status(order)


def record_capture(order: Order, action: OrderAction) -> None:
    """Keep the capture Klarna made, with its lines and shipping info."""
    body = action.request_body or {}
    capture = capture_by_klarna_id(action.klarna_resource_id or "")
    if capture is None:
        capture = OrderCapture(
            order_id=order.id,
            klarna_capture_id=action.klarna_resource_id,
            amount_minor=body["captured_amount"],
            shipping_info=body.get("shipping_info", []),
            lines=settled_lines(action),
        )
        db.session.add(capture)
    capture.action_id = action.id
    event(order, action, PaymentEventKind.CAPTURED, body["captured_amount"])


def record_refund(order: Order, action: OrderAction) -> None:
    """Keep the refund Klarna made, with its lines (none for a refund of an amount)."""
    body = action.request_body or {}
    refund = db.session.scalars(
        sa.select(OrderRefund).where(OrderRefund.klarna_refund_id == action.klarna_resource_id)
    ).one_or_none()
    if refund is None:
        refund = OrderRefund(
            order_id=order.id,
            klarna_refund_id=action.klarna_resource_id,
            amount_minor=body["refunded_amount"],
            description=body.get("description", ""),
            lines=settled_lines(action),
        )
        db.session.add(refund)
    refund.action_id = action.id
    event(order, action, PaymentEventKind.REFUNDED, body["refunded_amount"])


def record_cancel(order: Order, action: OrderAction) -> None:
    """The order is cancelled: Klarna holds nothing for it any more."""
    order.transition_to(OrderStatus.CANCELLED)
    event(order, action, PaymentEventKind.ORDER_CANCELLED, order.total_minor)


def record_release(order: Order, action: OrderAction) -> None:
    """The uncaptured rest of the authorization is released."""
    released = remaining_authorized(order)
    order.released_minor += released
    event(order, action, PaymentEventKind.AUTHORIZATION_RELEASED, released)


def record_extend(order: Order, action: OrderAction) -> None:
    """The authorization runs longer; its new end is read back from Klarna right after.

    Cleared meanwhile, so the read-back stores Klarna's new end as the first one it knows
    rather than logging it as a change made outside the shop.
    """
    order.authorization_expires_at = None
    event(order, action, PaymentEventKind.AUTHORIZATION_EXTENDED, None)


def record_references(order: Order, action: OrderAction) -> None:
    """Klarna shows the order under new merchant references."""
    references = ", ".join(f"{key}={value!r}" for key, value in (action.request_body or {}).items())
    event(order, action, PaymentEventKind.REFERENCES_UPDATED, None, references)


def record_shipping_info(order: Order, action: OrderAction) -> None:
    """Tracking added to an earlier capture."""
    capture = capture_by_klarna_id(action.target_klarna_id or "")
    if capture is not None:
        added = (action.request_body or {}).get("shipping_info", [])
        capture.shipping_info = [*capture.shipping_info, *added]
    event(order, action, PaymentEventKind.SHIPPING_INFO_ADDED, None)


EFFECTS: dict[OrderActionKind, Callable[[Order, OrderAction], None]] = {
    OrderActionKind.CAPTURE: record_capture,
    OrderActionKind.REFUND: record_refund,
    OrderActionKind.CANCEL: record_cancel,
    OrderActionKind.RELEASE: record_release,
    OrderActionKind.EXTEND: record_extend,
    OrderActionKind.REFERENCES: record_references,
    OrderActionKind.SHIPPING_INFO: record_shipping_info,
}


def capture_by_klarna_id(klarna_capture_id: str) -> OrderCapture | None:
    """The shop's record of a Klarna capture, if it has one."""
    return db.session.scalars(
        sa.select(OrderCapture).where(OrderCapture.klarna_capture_id == klarna_capture_id)
    ).one_or_none()


def settled_lines(action: OrderAction) -> list[SettledLine]:
    """The lines an action captured or refunded: its line indexes with the lines it sent."""
    lines = (action.request_body or {}).get("order_lines") or []
    indexes = sorted(int(index) for index in action.line_quantities)
    return [
        SettledLine(
            line_index=index,
            reference=line.get("reference", ""),
            quantity=line["quantity"],
            amount_minor=line["total_amount"],
        )
        for index, line in zip(indexes, lines, strict=True)
    ]


def settle_status(order: Order) -> None:
    """Sum the order's captures and refunds into its totals and move its status to match."""
    db.session.flush()
    order.captured_minor = sum_of(OrderCapture.amount_minor, OrderCapture.order_id, order.id)
    order.refunded_minor = sum_of(OrderRefund.amount_minor, OrderRefund.order_id, order.id)
    status = status_after_settlement(order)
    if status != order.status:
        order.transition_to(status)


def sum_of(amount: QueryableAttribute[int], owner: QueryableAttribute[int], order_id: int) -> int:
    """The sum of one kind of settlement's amounts for an order (0 when there is none)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(amount), 0)).where(owner == order_id)
        )
        or 0
    )


def event(
    order: Order,
    action: OrderAction,
    kind: PaymentEventKind,
    amount_minor: int | None,
    detail: str = "",
) -> None:
    """Log what the action did, with Klarna's ids and who asked for it."""
    who = f"by {action.requested_by}" if action.requested_by else ""
    record(
        order.payment,
        kind,
        amount_minor=amount_minor,
        klarna_reference=action.klarna_resource_id or order.klarna_order_id,
        correlation_id=action.correlation_id,
        detail="; ".join(filter(None, [detail, who])),
    )
