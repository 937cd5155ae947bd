"""The Order Management order as a state machine, without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from klarna_emulator.domain.orders import ORDER_TRANSITIONS, FraudStatus, Order, OrderStatus
from klarna_emulator.domain.transitions import InvalidTransition, check_transition
from klarna_emulator.errors import CancelNotAllowed, CaptureNotAllowed, NotAllowed, RefundNotAllowed

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def make_order(amount: int = 1000, fraud: FraudStatus = FraudStatus.ACCEPTED) -> Order:
    """An order authorized at NOW for `amount`, capturable for 28 days."""
    return Order(
        order_id="o",
        klarna_reference="K4MADNY",
        purchase={
            "purchase_country": "GB",
            "purchase_currency": "GBP",
            "order_amount": amount,
            "order_lines": [],
        },
        fraud_status=fraud,
        initial_payment_method={"type": "INVOICE"},
        created_at=NOW,
        expires_at=NOW + timedelta(days=28),
        max_expires_at=NOW + timedelta(days=180),
    )


def test_partial_then_full_capture_walks_authorized_part_captured_captured() -> None:
    order = make_order()
    seen = [order.status]

    order.capture("c1", 400, {}, NOW)
    seen.append(order.status)
    order.capture("c2", 600, {}, NOW)
    seen.append(order.status)

    assert seen == [OrderStatus.AUTHORIZED, OrderStatus.PART_CAPTURED, OrderStatus.CAPTURED]
    assert [c.klarna_reference for c in order.captures] == ["K4MADNY-1", "K4MADNY-2"]


def test_refunds_are_booked_on_captures_oldest_first_and_close_the_order() -> None:
    order = make_order()
    order.capture("c1", 400, {}, NOW)
    order.capture("c2", 600, {}, NOW)

    order.refund("r1", 500, {}, NOW)
    booked = [c.refunded_amount for c in order.captures]
    order.refund("r2", 500, {}, NOW)

    assert booked == [400, 100]
    assert order.status is OrderStatus.CLOSED
    with pytest.raises(RefundNotAllowed):
        order.refund("r3", 1, {}, NOW)


def test_capture_rules() -> None:
    order = make_order()
    with pytest.raises(CaptureNotAllowed):
        order.capture("c", 1001, {}, NOW)
    pending = make_order(fraud=FraudStatus.PENDING)
    with pytest.raises(CaptureNotAllowed):
        pending.capture("c", 1, {}, NOW)


def test_expiry_happens_on_refresh_after_28_days() -> None:
    order = make_order()

    order.refresh(NOW + timedelta(days=28) - timedelta(seconds=1))
    before = order.status
    order.refresh(NOW + timedelta(days=28))

    assert (before, order.status) == (OrderStatus.AUTHORIZED, OrderStatus.EXPIRED)
    assert order.remaining_authorized_amount == 0


def test_a_rejected_order_is_cancelled_after_four_hours_unless_captured() -> None:
    uncaptured, captured = (
        make_order(fraud=FraudStatus.PENDING),
        make_order(fraud=FraudStatus.PENDING),
    )
    for order in (uncaptured, captured):
        order.decide_fraud(FraudStatus.REJECTED, NOW)
    captured.capture("c", 1000, {}, NOW + timedelta(hours=1))

    for order in (uncaptured, captured):
        order.refresh(NOW + timedelta(hours=4))

    assert (uncaptured.status, captured.status) == (OrderStatus.CANCELLED, OrderStatus.CAPTURED)


def test_a_fraud_decision_is_taken_once() -> None:
    order = make_order(fraud=FraudStatus.PENDING)
    order.decide_fraud(FraudStatus.ACCEPTED, NOW)

    with pytest.raises(InvalidTransition):
        order.decide_fraud(FraudStatus.REJECTED, NOW)


def test_cancel_and_release_rules() -> None:
    order = make_order()
    with pytest.raises(NotAllowed):
        order.release_remaining_authorization()
    order.capture("c", 1, {}, NOW)
    with pytest.raises(CancelNotAllowed):
        order.cancel()
    order.release_remaining_authorization()
    assert (order.status, order.order_amount) == (OrderStatus.CAPTURED, 1)


def test_an_uncaptured_order_updated_to_zero_stays_authorized_and_can_be_cancelled() -> None:
    order = make_order()

    order.update_authorization(0, None)

    assert (order.status, order.remaining_authorized_amount) == (OrderStatus.AUTHORIZED, 0)
    order.cancel()
    assert order.status is OrderStatus.CANCELLED


def test_a_part_captured_order_updated_to_its_captured_amount_is_captured() -> None:
    order = make_order()
    order.capture("c", 400, {}, NOW)

    order.update_authorization(400, None)

    assert order.status is OrderStatus.CAPTURED


def test_extension_counts_from_the_call_and_stops_at_180_days_after_creation() -> None:
    order = make_order()
    deadlines = []
    for day in (10, 10, 170):
        order.extend_authorization_time(timedelta(days=28), NOW + timedelta(days=day))
        deadlines.append(order.expires_at)

    assert deadlines == [
        NOW + timedelta(days=38),
        NOW + timedelta(days=38),
        NOW + timedelta(days=180),
    ]


def test_an_overdue_part_captured_order_cannot_be_extended() -> None:
    order = make_order()
    order.capture("c1", 400, {}, NOW)

    with pytest.raises(NotAllowed, match="Order is expired"):
        order.extend_authorization_time(timedelta(days=28), NOW + timedelta(days=28))
    assert order.expires_at == NOW + timedelta(days=28)


def test_the_transition_table_has_no_way_out_of_final_states() -> None:
    finals = [status for status, targets in ORDER_TRANSITIONS.items() if not targets]

    assert set(finals) == {OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.CLOSED}
    with pytest.raises(InvalidTransition):
        check_transition(ORDER_TRANSITIONS, OrderStatus.CANCELLED, OrderStatus.AUTHORIZED)
