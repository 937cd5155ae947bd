"""Refunds: give captured money back, in full, line by line, or as an amount, with a reason.

Klarna refunds at most what was captured and not refunded yet. Klarna docs:
https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/refund-orders-and-manage-authorizations
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from storefront.models import Order
from storefront.services.order_action_errors import ActionNotAllowed
from storefront.services.order_actions import ActionRequest, manageable_order, perform
from storefront.services.order_rules import check_refund, refundable
from storefront.services.settlement_lines import (
    LinePart,
    LineState,
    all_units,
    klarna_lines,
    line_states,
    parts_for,
)
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

    Raises an OrderActionError (ActionNotAllowed: nothing sent).
    """
    if lines is not None and amount_minor is not None:
        raise ActionNotAllowed("Refund either lines or an amount, not both.")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ActionNotAllowed("A refund's description has at most 255 characters.")
    order = manageable_order(number)
    request = refund_request(order, line_states(order), lines, amount_minor, description)
    return perform(order, request, requested_by)


def refund_request(
    order: Order,
    states: Sequence[LineState],
    lines: Mapping[int, int] | None,
    amount_minor: int | None,
    description: str = "",
) -> ActionRequest:
    """The refund Klarna is sent for `lines` or an amount (neither: all of it), or ActionNotAllowed.

    A full refund names the lines when every captured unit is known and none was refunded as
    a bare amount; otherwise it refunds the amount left. Pure, like captures.capture_request.
    """
    parts: list[LinePart] = []
    if amount_minor is None:
        wanted = dict(lines) if lines is not None else all_units(states, refund=True)
        parts = parts_for(klarna_lines(order), states, wanted, refund=True)
        amount_minor = sum(part.amount_minor for part in parts)
        if lines is None and amount_minor != refundable(order):
            parts, amount_minor = [], refundable(order)
    check_refund(order, amount_minor)
    body: dict[str, Any] = {"refunded_amount": amount_minor}
    if parts:
        body["order_lines"] = [part.klarna_line for part in parts]
    if description:
        body["description"] = description
    return ActionRequest(
        OrderActionKind.REFUND,
        body=body,
        amount_minor=amount_minor,
        line_quantities={part.index: part.quantity for part in parts},
    )
