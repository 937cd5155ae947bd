"""Fixtures shared by integration tests."""

from __future__ import annotations

from typing import Any

import pytest

from storefront.extensions import db
from storefront.klarna.client import KlarnaClient


@pytest.fixture
def connections_at_klarna_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """(operation, database connections checked out of the pool) as each Klarna call is sent."""
    seen: list[tuple[str, int]] = []
    send = KlarnaClient._attempt

    def counting(client: KlarnaClient, fields: dict[str, Any], *args: Any) -> Any:
        seen.append((fields["operation"], db.engine.pool.checkedout()))
        return send(client, fields, *args)

    monkeypatch.setattr(KlarnaClient, "_attempt", counting)
    return seen
