"""Which units of an order's lines are captured and refunded, and what a part of a line is worth.

The lines are the order's Klarna `order_lines` exactly as create order sent them, so what is
captured adds up to what Klarna authorized. A line's units are worth its amounts split by
`storefront.money.allocate` (the one place that divides money): unit n of a line is always
worth the same, so the parts captured or refunded in any steps add up to the line's totals,
and a free line splits 0 over nothing without dividing by zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from storefront.extensions import db
from storefront.models import Order
from storefront.money import allocate
from storefront.services.order_action_errors import ActionNotAllowed
from storefront.settlement_models import OrderCapture, OrderRefund, SettledLine


@dataclass(frozen=True)
class LineState:
    """One order line for the back office: how many units are captured and refunded."""

    index: int
    reference: str
    name: str
    quantity: int
    total_minor: int
    captured: int
    refunded: int

    @property
    def capturable(self) -> int:
        """Units not captured yet."""
        return self.quantity - self.captured

    @property
    def refundable(self) -> int:
        """Units captured and not refunded."""
        return self.captured - self.refunded


@dataclass(frozen=True)
class LinePart:
    """Some units of one line, as the Klarna order line a capture or refund sends for them."""

    index: int
    quantity: int
    klarna_line: dict[str, Any]

    @property
    def amount_minor(self) -> int:
        """What these units are worth."""
        amount: int = self.klarna_line["total_amount"]
        return amount


def klarna_lines(order: Order) -> list[dict[str, Any]]:
    """The order lines Klarna authorized (none known for an order placed before they were kept)."""
    request = order.klarna_order_request or {}
    return list(request.get("order_lines", []))


def line_states(order: Order) -> list[LineState]:
    """Every line of the order with its captured and refunded units."""
    return states_of(
        klarna_lines(order),
        settled_units(order, OrderCapture),
        settled_units(order, OrderRefund),
    )


def states_of(
    lines: Sequence[Mapping[str, Any]], captured: Mapping[int, int], refunded: Mapping[int, int]
) -> list[LineState]:
    """Klarna order lines with the units captured and refunded of each (line index -> units)."""
    return [
        LineState(
            index=index,
            reference=line.get("reference", ""),
            name=line["name"],
            quantity=line["quantity"],
            total_minor=line["total_amount"],
            captured=captured.get(index, 0),
            refunded=refunded.get(index, 0),
        )
        for index, line in enumerate(lines)
    ]


def settled_units(order: Order, settlement: type[OrderCapture | OrderRefund]) -> Counter[int]:
    """Units per line index in the order's captures (or refunds)."""
    owner = SettledLine.capture_id if settlement is OrderCapture else SettledLine.refund_id
    rows = db.session.execute(
        sa.select(SettledLine.line_index, sa.func.sum(SettledLine.quantity))
        .join(settlement, owner == settlement.id)
        .where(settlement.order_id == order.id)
        .group_by(SettledLine.line_index)
    ).all()
    return Counter({index: int(units) for index, units in rows})


def unit_amounts(line: Mapping[str, Any]) -> list[tuple[int, int, int]]:
    """Each unit of a Klarna order line as (total, discount, tax); they add up to the line's."""
    quantity = line["quantity"]
    discounts = allocate(line.get("total_discount_amount", 0), [1] * quantity)
    totals = [line["unit_price"] - discount for discount in discounts]
    taxes = allocate(line.get("total_tax_amount", 0), totals)
    return list(zip(totals, discounts, taxes, strict=True))


def line_part(index: int, line: Mapping[str, Any], first_unit: int, quantity: int) -> LinePart:
    """Units first_unit .. first_unit + quantity - 1 of a line, as a Klarna order line."""
    units = unit_amounts(line)[first_unit : first_unit + quantity]
    part = dict(line)
    part.update(
        quantity=quantity,
        total_amount=sum(total for total, _, _ in units),
        total_discount_amount=sum(discount for _, discount, _ in units),
        total_tax_amount=sum(tax for _, _, tax in units),
    )
    return LinePart(index, quantity, part)


def parts_for(
    lines: Sequence[Mapping[str, Any]],
    states: Sequence[LineState],
    wanted: Mapping[int, int],
    *,
    refund: bool = False,
) -> list[LinePart]:
    """The parts of lines `wanted` names (line index -> units), next in line to capture or refund.

    `lines` are the order's Klarna lines and `states` their units settled so far. Raises
    ActionNotAllowed for an unknown line, or more units than are left to capture (or, for a
    refund, captured and not refunded yet).
    """
    by_index = {state.index: state for state in states}
    parts = []
    for index, quantity in sorted(wanted.items()):
        state = by_index.get(index)
        if state is None:
            raise ActionNotAllowed(f"This order has no line {index}.")
        left = state.refundable if refund else state.capturable
        if not 1 <= quantity <= left:
            verb = "refund" if refund else "capture"
            raise ActionNotAllowed(f"{state.name}: {quantity} to {verb}, but only {left} can be.")
        first_unit = state.refunded if refund else state.captured
        parts.append(line_part(index, lines[index], first_unit, quantity))
    return parts


def all_units(states: Sequence[LineState], *, refund: bool = False) -> dict[int, int]:
    """Every unit still to capture (or, for a refund, captured and not refunded), per line."""
    return {
        state.index: left
        for state in states
        if (left := state.refundable if refund else state.capturable) > 0
    }
