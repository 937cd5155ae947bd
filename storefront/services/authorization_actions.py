"""The order's authorization: cancel it, release what is left, extend it, rename the order.

Klarna docs:
https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/refund-orders-and-manage-authorizations
https://docs.klarna.com/order-management/manage-orders-with-the-api/refund-and-extend-orders/extend-order-authorization/
"""

from __future__ import annotations

from storefront.clock import utcnow
from storefront.models import Order
from storefront.services.order_actions import ActionRequest, manageable_order, perform
from storefront.services.order_rules import (
    check_cancel,
    check_extend,
    check_references,
    check_release,
)
from storefront.settlement_models import OrderAction, OrderActionKind


def cancel(number: str, *, requested_by: str = "") -> OrderAction:
    """Cancel order `number`, which has no captures: Klarna releases the whole authorization."""
    order = manageable_order(number)
    return perform(order, cancel_request(order), requested_by)


def cancel_request(order: Order) -> ActionRequest:
    """The cancel Klarna is sent, if the shop's checks allow it; else ActionNotAllowed."""
    check_cancel(order)
    return ActionRequest(OrderActionKind.CANCEL)


def release_remaining_authorization(number: str, *, requested_by: str = "") -> OrderAction:
    """After a partial capture, give up the rest: nothing more of order `number` will ship."""
    order = manageable_order(number)
    return perform(order, release_request(order), requested_by)


def release_request(order: Order) -> ActionRequest:
    """The release Klarna is sent, if the shop's checks allow it; else ActionNotAllowed."""
    check_release(order)
    return ActionRequest(OrderActionKind.RELEASE)


def extend_authorization_time(number: str, *, requested_by: str = "") -> OrderAction:
    """Push back the capture deadline of order `number` by the account's authorization period."""
    order = manageable_order(number)
    check_extend(order, utcnow())
    return perform(order, ActionRequest(OrderActionKind.EXTEND), requested_by)


def update_merchant_references(
    number: str,
    *,
    reference1: str | None = None,
    reference2: str | None = None,
    requested_by: str = "",
) -> OrderAction:
    """Set the references Klarna shows for order `number` (None: unchanged, "": cleared)."""
    order = manageable_order(number)
    check_references(order, reference1, reference2)
    references = {"merchant_reference1": reference1, "merchant_reference2": reference2}
    body = {key: value for key, value in references.items() if value is not None}
    return perform(order, ActionRequest(OrderActionKind.REFERENCES, body=body), requested_by)
