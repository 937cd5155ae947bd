"""The amount rules of order management: line parts add up, and Klarna's limits are checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.models import Order, OrderStatus
from storefront.services.order_action_errors import ActionNotAllowed
from storefront.services.order_rules import (
    check_cancel,
    check_capture,
    check_extend,
    check_refund,
    check_release,
    remaining_authorized,
    status_after_settlement,
)
from storefront.services.settlement_lines import line_part, unit_amounts

NOW = datetime(2026, 12, 6, tzinfo=UTC)


@st.composite
def klarna_lines(draw: st.DrawFn) -> dict[str, int]:
    """A Klarna order line as the shop sends it: discount within the price, VAT inside."""
    quantity = draw(st.integers(1, 99))
    unit_price = draw(st.integers(0, 100_000))
    discount = draw(st.integers(0, quantity * unit_price))
    total = quantity * unit_price - discount
    rate = draw(st.sampled_from([0, 600, 1200, 2000, 2500]))
    tax = (2 * total * rate + 10_000 + rate) // (2 * (10_000 + rate))
    return {
        "quantity": quantity,
        "unit_price": unit_price,
        "total_discount_amount": discount,
        "total_amount": total,
        "total_tax_amount": tax,
        "tax_rate": rate,
    }


@given(klarna_lines(), st.data())
def test_parts_of_a_line_in_any_steps_add_up_to_the_line(
    line: dict[str, int], data: st.DataObject
) -> None:
    taken, parts = 0, []
    while taken < line["quantity"]:
        step = data.draw(st.integers(1, line["quantity"] - taken))
        parts.append(line_part(0, line, taken, step).klarna_line)
        taken += step
    for field in ("total_amount", "total_discount_amount", "total_tax_amount", "quantity"):
        assert sum(part[field] for part in parts) == line[field]
    for part in parts:  # each part keeps Klarna's line arithmetic
        assert (
            part["total_amount"]
            == part["quantity"] * part["unit_price"] - part["total_discount_amount"]
        )


def test_a_free_line_splits_without_dividing_by_zero() -> None:
    free = {"quantity": 3, "unit_price": 0, "total_amount": 0, "total_tax_amount": 0}
    assert unit_amounts(free) == [(0, 0, 0)] * 3
    assert line_part(0, free, 1, 2).amount_minor == 0


def order(status: OrderStatus = OrderStatus.PAID, /, **amounts: Any) -> Order:
    """An unsaved GB order of 10,000 with the given amounts (captured, refunded, released...)."""
    values = {"captured_minor": 0, "refunded_minor": 0, "released_minor": 0} | amounts
    return Order(status=status, market="GB", total_minor=10_000, created_at=NOW, **values)


def test_capture_within_the_remaining_authorization_only() -> None:
    part = order(OrderStatus.PART_CAPTURED, captured_minor=4_000)
    check_capture(part, 6_000, NOW)
    with pytest.raises(ActionNotAllowed, match=r"more than the £60\.00 left"):
        check_capture(part, 6_001, NOW)
    with pytest.raises(ActionNotAllowed, match="at least one item"):
        check_capture(part, 0, NOW)
    with pytest.raises(ActionNotAllowed, match="still reviewing"):
        check_capture(order(OrderStatus.ON_HOLD), 1, NOW)
    expired = order(authorization_expires_at=NOW - timedelta(seconds=1))
    with pytest.raises(ActionNotAllowed, match="expired"):
        check_capture(expired, 1, NOW)
    released = order(OrderStatus.CAPTURED, captured_minor=4_000, released_minor=6_000)
    assert remaining_authorized(released) == 0


def test_refund_at_most_captured_minus_refunded() -> None:
    with pytest.raises(ActionNotAllowed, match="Nothing has been captured"):
        check_refund(order(), 1)
    captured = order(OrderStatus.PART_REFUNDED, captured_minor=5_000, refunded_minor=1_000)
    check_refund(captured, 4_000)
    with pytest.raises(ActionNotAllowed, match=r"more than the £40\.00"):
        check_refund(captured, 4_001)


def test_cancel_release_and_extend_follow_klarnas_rules() -> None:
    check_cancel(order())
    with pytest.raises(ActionNotAllowed, match="refund it"):
        check_cancel(order(OrderStatus.PART_CAPTURED, captured_minor=1))
    with pytest.raises(ActionNotAllowed, match="cancel the order"):
        check_release(order())
    with pytest.raises(ActionNotAllowed, match="fully captured"):
        check_release(order(OrderStatus.CAPTURED, captured_minor=10_000))
    check_release(order(OrderStatus.PART_CAPTURED, captured_minor=1))
    at_limit = order(authorization_expires_at=NOW + timedelta(days=180))
    with pytest.raises(ActionNotAllowed, match="180 days"):
        check_extend(at_limit, NOW)
    check_extend(order(authorization_expires_at=NOW + timedelta(days=28)), NOW)


@pytest.mark.parametrize(
    ("amounts", "status"),
    [
        ({}, OrderStatus.PAID),
        ({"captured_minor": 1}, OrderStatus.PART_CAPTURED),
        ({"captured_minor": 10_000}, OrderStatus.CAPTURED),
        ({"captured_minor": 4_000, "released_minor": 6_000}, OrderStatus.CAPTURED),
        ({"captured_minor": 10_000, "refunded_minor": 1}, OrderStatus.PART_REFUNDED),
        ({"captured_minor": 4_000, "refunded_minor": 4_000}, OrderStatus.PART_REFUNDED),
        ({"captured_minor": 10_000, "refunded_minor": 10_000}, OrderStatus.REFUNDED),
    ],
)
def test_status_follows_the_amounts(amounts: dict[str, int], status: OrderStatus) -> None:
    assert status_after_settlement(order(**amounts)) == status
