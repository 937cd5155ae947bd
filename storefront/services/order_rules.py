"""Klarna's rules for changing a placed order, checked in the shop before anything is sent.

A refused action raises ActionNotAllowed with a message for the merchant and sends nothing,
so the shop never asks Klarna for what Klarna would refuse. Klarna docs:
https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/capture-and-track-orders
https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/refund-orders-and-manage-authorizations
https://docs.klarna.com/order-management/manage-orders-with-the-api/refund-and-extend-orders/extend-order-authorization/
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storefront.clock import as_utc
from storefront.markets import MARKETS
from storefront.models import Order, OrderStatus
from storefront.services.order_action_errors import ActionNotAllowed

# Statuses whose authorization Klarna still holds (Klarna's AUTHORIZED and PART_CAPTURED).
AUTHORIZATION_OPEN = frozenset(
    {OrderStatus.PAID, OrderStatus.PART_CAPTURED, OrderStatus.PART_REFUNDED}
)
# Klarna extends an authorization by the account's period, up to 180 days from the purchase.
MAX_AUTHORIZATION = timedelta(days=180)
# Klarna's limit on each merchant reference.
MAX_REFERENCE_LENGTH = 255


def remaining_authorized(order: Order) -> int:
    """What Klarna still holds for the order and the shop may capture."""
    if order.status not in AUTHORIZATION_OPEN:
        return 0
    return max(order.total_minor - order.captured_minor - order.released_minor, 0)


def refundable(order: Order) -> int:
    """Captured money not refunded yet."""
    return order.captured_minor - order.refunded_minor


def money(order: Order, amount_minor: int) -> str:
    """An amount in the order's currency, for a message."""
    return MARKETS[order.market].format_amount(amount_minor)


def check_authorization_open(order: Order, now: datetime, action: str) -> None:
    """Refuse `action` unless Klarna still holds an authorization that has not expired."""
    if order.status == OrderStatus.ON_HOLD:
        raise ActionNotAllowed(f"Klarna is still reviewing this order: {action} once it accepts.")
    if remaining_authorized(order) == 0:
        raise ActionNotAllowed(f"Nothing is left to {action}: this order is {order.status}.")
    expires = order.authorization_expires_at
    if expires is not None and as_utc(expires) <= now:
        raise ActionNotAllowed(
            f"Klarna's authorization for this order has expired: cannot {action}."
        )


def check_capture(order: Order, amount_minor: int, now: datetime) -> None:
    """Klarna captures only an amount above 0 and within the remaining authorization."""
    check_authorization_open(order, now, "capture")
    if amount_minor <= 0:
        raise ActionNotAllowed("Choose at least one item with a price to capture.")
    left = remaining_authorized(order)
    if amount_minor > left:
        raise ActionNotAllowed(
            f"Capturing {money(order, amount_minor)} is more than the {money(order, left)} "
            "left to capture."
        )


def check_refund(order: Order, amount_minor: int) -> None:
    """Klarna refunds only captured money: above 0 and at most captured minus refunded."""
    if order.captured_minor == 0:
        raise ActionNotAllowed("Nothing has been captured, so nothing can be refunded.")
    if amount_minor <= 0:
        raise ActionNotAllowed("Choose an amount above zero to refund.")
    left = refundable(order)
    if amount_minor > left:
        raise ActionNotAllowed(
            f"Refunding {money(order, amount_minor)} is more than the {money(order, left)} "
            "captured and not refunded."
        )


def check_cancel(order: Order) -> None:
    """Klarna cancels only an order with no captures whose authorization is still open."""
    if order.captured_minor:
        raise ActionNotAllowed("This order has captures, so it cannot be cancelled: refund it.")
    if order.status not in (OrderStatus.PAID, OrderStatus.ON_HOLD):
        raise ActionNotAllowed(f"This order is {order.status}: there is nothing to cancel.")


def check_release(order: Order) -> None:
    """Klarna releases the remaining authorization only after a partial capture."""
    if order.captured_minor == 0:
        raise ActionNotAllowed("Nothing is captured yet: cancel the order instead.")
    if remaining_authorized(order) == 0:
        raise ActionNotAllowed("Nothing is left to release: the order is fully captured.")


def check_extend(order: Order, now: datetime) -> None:
    """Klarna extends an open, unexpired authorization, up to 180 days from the purchase."""
    check_authorization_open(order, now, "extend")
    expires = order.authorization_expires_at
    if expires is not None and as_utc(expires) >= as_utc(order.created_at) + MAX_AUTHORIZATION:
        raise ActionNotAllowed("The authorization already runs to Klarna's limit of 180 days.")


def check_references(order: Order, *references: str | None) -> None:
    """Klarna updates references of any order but a cancelled one, each up to 255 characters."""
    if order.status == OrderStatus.CANCELLED:
        raise ActionNotAllowed("A cancelled order's references cannot change.")
    if all(reference is None for reference in references):
        raise ActionNotAllowed("Give a merchant reference to set (an empty one clears it).")
    if any(len(reference or "") > MAX_REFERENCE_LENGTH for reference in references):
        raise ActionNotAllowed("A merchant reference has at most 255 characters.")


def status_after_settlement(order: Order) -> OrderStatus:
    """The status the order's captured, refunded and released amounts put it in."""
    status = OrderStatus(order.status)
    if order.captured_minor == 0:
        return status
    left = max(order.total_minor - order.captured_minor - order.released_minor, 0)
    if order.refunded_minor:
        fully = order.refunded_minor >= order.captured_minor and left == 0
        return OrderStatus.REFUNDED if fully else OrderStatus.PART_REFUNDED
    return OrderStatus.CAPTURED if left == 0 else OrderStatus.PART_CAPTURED
