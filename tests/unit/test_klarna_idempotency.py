"""Idempotency keys: the same intent gives the same UUIDv5, any different part a new one."""

from __future__ import annotations

import uuid

import pytest

from storefront.klarna.idempotency import idempotency_key


def test_idempotency_key_is_a_deterministic_uuid5() -> None:
    key = idempotency_key("FF-1042", "capture-1", 2499)
    assert key == idempotency_key("FF-1042", "capture-1", 2499)
    assert uuid.UUID(key).version == 5


@pytest.mark.parametrize(
    "other",
    [
        ("FF-1043", "capture-1", 2499),
        ("FF-1042", "capture-2", 2499),
        ("FF-1042", "capture-1", 2500),
        ("FF-1042", "capture-1", None),
    ],
)
def test_idempotency_key_changes_with_each_part(other: tuple) -> None:
    assert idempotency_key(*other) != idempotency_key("FF-1042", "capture-1", 2499)


@pytest.mark.parametrize(("order_number", "operation"), [("", "cancel"), ("FF-1042", "")])
def test_idempotency_key_needs_order_number_and_operation(
    order_number: str, operation: str
) -> None:
    with pytest.raises(ValueError, match="order number and an operation"):
        idempotency_key(order_number, operation)
