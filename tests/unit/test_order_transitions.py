"""The order's status table: every allowed move works, every other one raises InvalidTransition."""

from __future__ import annotations

import itertools

import pytest

from storefront.models import InvalidTransition, Order, OrderStatus

ALLOWED_TRANSITIONS = Order.ALLOWED_TRANSITIONS

ALLOWED = [
    (current, new) for current, targets in ALLOWED_TRANSITIONS.items() for new in sorted(targets)
]
REFUSED = [
    (current, new)
    for current, new in itertools.product(OrderStatus, OrderStatus)
    if new not in ALLOWED_TRANSITIONS[current]
]


def test_order_transitions_cover_every_status() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(OrderStatus)


@pytest.mark.parametrize(("current", "new"), ALLOWED)
def test_order_transition_allowed_moves_the_status(current: OrderStatus, new: OrderStatus) -> None:
    order = Order(status=current)
    order.transition_to(new)
    assert order.status == new


@pytest.mark.parametrize(("current", "new"), REFUSED)
def test_order_transition_refused_raises_and_keeps_the_status(
    current: OrderStatus, new: OrderStatus
) -> None:
    order = Order(status=current)
    with pytest.raises(InvalidTransition) as refused:
        order.transition_to(new)
    assert (refused.value.current, refused.value.requested) == (current, new)
    assert order.status == current


def test_order_transition_never_leaves_cancelled_or_rejected() -> None:
    assert ALLOWED_TRANSITIONS[OrderStatus.CANCELLED] == frozenset()
    assert ALLOWED_TRANSITIONS[OrderStatus.REJECTED] == frozenset()
    assert OrderStatus.PAID not in ALLOWED_TRANSITIONS[OrderStatus.CANCELLED]
