"""Deterministic `Klarna-Idempotency-Key` values for Order Management writes.

Klarna replays the first result for a key it has seen in the last 24 hours and ignores the
request body ("only the key matters"), so the key must name the intent exactly: the same
order, operation and amount give the same key, so a retry after a timeout is applied once.
Klarna advises UUIDv5 keys. Klarna docs: https://docs.klarna.com/api/escalation-and-retry-policy/
"""

from __future__ import annotations

import uuid

# This project's UUIDv5 namespace (generated once); keys from another shop never collide.
IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1d0c3e-4b7a-5e2f-9a18-3c5d7e9b0a24")


def idempotency_key(order_number: str, operation: str, amount_minor: int | None = None) -> str:
    """The key for one Order Management write, e.g. ("FF-1042", "capture-1", 2499).

    Since Klarna disregards the body, two intended captures of the same amount need
    different `operation` names (e.g. "capture-1", "capture-2") or the second one is
    answered with the first one's result.
    """
    if not order_number or not operation:
        raise ValueError("an idempotency key needs an order number and an operation")
    parts = [order_number, operation]
    if amount_minor is not None:
        parts.append(str(amount_minor))
    return str(uuid.uuid5(IDEMPOTENCY_NAMESPACE, "/".join(parts)))
