"""Refunds: give captured money back, in full, line by line, or as an amount, with a reason.

Klarna refunds at most what was captured and not refunded yet. Klarna docs:
https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/refund-orders-and-manage-authorizations
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storefront.services.order_action_errors import ActionNotAllowed
from storefront.services.order_actions import ActionRequest, manageable_order, perform
from storefront.services.order_rules import check_refund, refundable
from storefront.services.settlement_lines import all_units, parts_for
from storefront.settlement_models import OrderAction, OrderActionKind

MAX_DESCRIPTION_LENGTH = 255


def refund(
    number: str,
    *,
    lines: Mapping[int, int] | None = None,
    amount_minor: int | None = None,
    description: str = "",
    requested_by: str = "",
) -> OrderAction:
    """Refund order `number`: `lines` (line index -> units), an amount, or (neither) all of it.

    A full refund names the lines when every captured unit is known and none was refunded as
    a bare amount; otherwise it refunds the amount left. Raises an OrderActionError.
    """
    if lines is not None and amount_minor is not None:
        raise ActionNotAllowed("Refund either lines or an amount, not both.")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ActionNotAllowed("A refund's description has at most 255 characters.")
    order = manageable_order(number)
    parts = []
    if amount_minor is None:
        parts = parts_for(
            order, dict(lines) if lines is not None else all_units(order, refund=True), refund=True
        )
        amount_minor = sum(part.amount_minor for part in parts)
        if lines is None and amount_minor != refundable(order):
            parts, amount_minor = [], refundable(order)
    check_refund(order, amount_minor)
    body: dict[str, Any] = {"refunded_amount": amount_minor}
    if parts:
        body["order_lines"] = [part.klarna_line for part in parts]
    if description:
        body["description"] = description
    request = ActionRequest(
        OrderActionKind.REFUND,
        body=body,
        amount_minor=amount_minor,
        line_quantities={part.index: part.quantity for part in parts},
    )
    return perform(order, request, requested_by)
