"""Captures: take the shopper's money for what shipped, in full or line by line, with tracking.

Klarna pays the merchant only for captured amounts; capture when the goods ship. Klarna docs:
https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/capture-and-track-orders
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from storefront.clock import utcnow
from storefront.models import Order
from storefront.services.order_action_errors import ActionNotAllowed
from storefront.services.order_actions import ActionRequest, manageable_order, perform
from storefront.services.order_rules import check_capture, remaining_authorized
from storefront.services.settlement_effects import capture_by_klarna_id
from storefront.services.settlement_lines import (
    LineState,
    all_units,
    klarna_lines,
    line_states,
    parts_for,
)
from storefront.settlement_models import OrderAction, OrderActionKind

# Klarna's shipping_method values (the `shipping_info` object of Order Management).
SHIPPING_METHODS = (
    "PickUpStore",
    "Home",
    "BoxReg",
    "BoxUnreg",
    "PickUpPoint",
    "Own",
    "Postal",
    "DHLPackstation",
    "Digital",
    "Undefined",
    "PickUpWarehouse",
    "ClickCollect",
    "PalletDelivery",
)
MAX_COMPANY_LENGTH = 100
MAX_TRACKING_NUMBER_LENGTH = 100
MAX_TRACKING_URI_LENGTH = 1024


@dataclass(frozen=True)
class ShippingInfo:
    """How a capture's goods travel: carrier, Klarna's shipping method, tracking number and URL."""

    company: str
    method: str
    tracking_number: str = ""
    tracking_uri: str = ""

    def __post_init__(self) -> None:
        if not 0 < len(self.company) <= MAX_COMPANY_LENGTH:
            raise ActionNotAllowed("Name the shipping company (at most 100 characters).")
        if self.method not in SHIPPING_METHODS:
            raise ActionNotAllowed(f"Choose a shipping method: {', '.join(SHIPPING_METHODS)}.")
        if len(self.tracking_number) > MAX_TRACKING_NUMBER_LENGTH:
            raise ActionNotAllowed("A tracking number has at most 100 characters.")
        uri = self.tracking_uri
        if uri and (len(uri) > MAX_TRACKING_URI_LENGTH or urlsplit(uri).scheme != "https"):
            raise ActionNotAllowed("A tracking link is an https:// address.")

    def to_json(self) -> dict[str, str]:
        """Klarna's `shipping_info` object; empty fields left out."""
        fields = {
            "shipping_company": self.company,
            "shipping_method": self.method,
            "tracking_number": self.tracking_number,
            "tracking_uri": self.tracking_uri,
        }
        return {name: value for name, value in fields.items() if value}


def capture(
    number: str,
    lines: Mapping[int, int] | None = None,
    *,
    shipping: ShippingInfo | None = None,
    requested_by: str = "",
) -> OrderAction:
    """Capture order `number`: everything not captured yet, or `lines` (line index -> units).

    Several partial captures per order are fine; each is checked against what is left.
    Raises an OrderActionError (ActionNotAllowed: nothing sent; KlarnaRefusedAction;
    ActionOutcomeUnknown: call again to retry with the same key).
    """
    order = manageable_order(number)
    request = capture_request(order, line_states(order), lines, shipping, utcnow())
    return perform(order, request, requested_by)


def capture_request(
    order: Order,
    states: Sequence[LineState],
    lines: Mapping[int, int] | None,
    shipping: ShippingInfo | None,
    now: datetime,
) -> ActionRequest:
    """The capture Klarna is sent for `lines` (None: all not captured yet), or ActionNotAllowed.

    Pure: it reads only the order's amounts, status and Klarna lines and the lines' `states`,
    so a property test can judge every decision without a database or HTTP.
    """
    wanted = dict(lines) if lines is not None else all_units(states)
    parts = parts_for(klarna_lines(order), states, wanted)
    amount = sum(part.amount_minor for part in parts)
    if lines is None and not parts:  # lines unknown (placed before they were kept): the rest
        amount = remaining_authorized(order)
    check_capture(order, amount, now)
    body: dict[str, object] = {"captured_amount": amount}
    if parts:
        body["order_lines"] = [part.klarna_line for part in parts]
    if shipping is not None:
        body["shipping_info"] = [shipping.to_json()]
    return ActionRequest(
        OrderActionKind.CAPTURE,
        body=body,
        amount_minor=amount,
        line_quantities={part.index: part.quantity for part in parts},
    )


def add_shipping_info(
    number: str, klarna_capture_id: str, shipping: ShippingInfo, *, requested_by: str = ""
) -> OrderAction:
    """Add tracking to an earlier capture of order `number` (Klarna's capture id)."""
    order = manageable_order(number)
    capture_row = capture_by_klarna_id(klarna_capture_id)
    if capture_row is None or capture_row.order_id != order.id:
        raise ActionNotAllowed("This order has no such capture.")
    request = ActionRequest(
        OrderActionKind.SHIPPING_INFO,
        body={"shipping_info": [shipping.to_json()]},
        target_klarna_id=klarna_capture_id,
    )
    return perform(order, request, requested_by)
