"""An order's statuses and the transition table they move along (Order.transition_to)."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    """Where a shop order stands; moves only along ORDER_TRANSITIONS."""

    PLACING = "placing"  # claimed for a Klarna session; create order sent, answer not recorded
    PAID = "paid"  # Klarna accepted (fraud_status ACCEPTED): authorized, to capture on shipping
    ON_HOLD = "on_hold"  # Klarna is reviewing it (fraud_status PENDING); do not ship
    REJECTED = "rejected"  # Klarna refused it (fraud_status REJECTED, at once or after review)
    CANCELLED = "cancelled"  # the merchant cancelled it; nothing Klarna says revives it
    PART_CAPTURED = "part_captured"  # some of it shipped and captured; the rest still authorized
    CAPTURED = "captured"  # all of it captured (or the uncaptured rest released): the shop is paid
    PART_REFUNDED = "part_refunded"  # some captured money was given back
    REFUNDED = "refunded"  # everything captured was given back and nothing is left to capture
    EXPIRED = "expired"  # the authorization ran out before anything was captured


MONEY_STEPS = (
    OrderStatus.PART_CAPTURED,
    OrderStatus.CAPTURED,
    OrderStatus.PART_REFUNDED,
    OrderStatus.REFUNDED,
)


class InvalidTransition(Exception):
    """An order was asked to move to a status its current status does not lead to."""

    def __init__(self, current: OrderStatus, requested: OrderStatus) -> None:
        super().__init__(f"an order cannot go from {current} to {requested}")
        self.current = current
        self.requested = requested


# Klarna docs (fraud_status and the pending-order review):
# https://docs.klarna.com/payments/after-payments/order-management/more-actions/pending-orders
# Money moves only forward along MONEY_STEPS, possibly skipping steps (reconcile may find
# a capture and its refund at once); services.order_rules applies Klarna's capture rules.
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PLACING: frozenset({OrderStatus.PAID, OrderStatus.ON_HOLD, OrderStatus.REJECTED}),
    OrderStatus.ON_HOLD: frozenset({OrderStatus.PAID, OrderStatus.REJECTED, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.CANCELLED, OrderStatus.EXPIRED, *MONEY_STEPS}),
    OrderStatus.PART_CAPTURED: frozenset(MONEY_STEPS[1:]),
    OrderStatus.CAPTURED: frozenset(MONEY_STEPS[2:]),
    OrderStatus.PART_REFUNDED: frozenset(MONEY_STEPS[3:]),
    OrderStatus.REFUNDED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
}
