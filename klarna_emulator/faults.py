"""Injected faults: the next calls of an operation fail with a status, a delay, or a dropped line.

Set through POST /_emulator/faults, applied before authentication (as an outage at Klarna's
edge would be), so a shop's timeout, retry and error paths can be tested.
"""

from __future__ import annotations

import socket
import time
from typing import Any

from flask import Response, g, request

from klarna_emulator.emulator import current_emulator
from klarna_emulator.errors import error_response, fault_error, klarna_error
from klarna_emulator.store import Fault


def parse_fault(body: dict[str, Any], operations: list[str]) -> tuple[Fault, int]:
    """A fault and its count from a control-plane body; ValueError names what is wrong."""
    operation = body.get("operation")
    if operation not in operations:
        raise ValueError(f"operation: expected one of {', '.join(operations)}")
    status = body.get("status")
    if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
        raise ValueError("status: expected an HTTP error status 400-599 or null")
    delay_ms = body.get("delay_ms", 0)
    count = body.get("count", 1)
    drop = body.get("drop", False)
    if not isinstance(delay_ms, int) or delay_ms < 0:
        raise ValueError("delay_ms: expected a whole number of milliseconds >= 0")
    if not isinstance(count, int) or count < 1:
        raise ValueError("count: expected a whole number >= 1")
    if not isinstance(drop, bool):
        raise ValueError("drop: expected true or false")
    if status is None and not drop and delay_ms == 0:
        raise ValueError("a fault needs a status, a delay_ms or drop")
    return Fault(operation, status, delay_ms, drop), count


def _drop_connection() -> Response:
    g.dropped = True
    sock = request.environ.get("werkzeug.socket")
    if sock is None:  # e.g. Flask's test client: there is no connection to drop
        return error_response(
            klarna_error(500, "INTERNAL_SERVER_ERROR", "Connection dropped (emulated)")
        )
    # Close our side without a byte of response; the server's write then fails quietly.
    sock.shutdown(socket.SHUT_RDWR)
    return Response(b"")


def apply_fault(operation: str) -> Response | None:
    """Hook: sleep, drop or fail this call if a fault is queued for its operation."""
    fault = current_emulator().store.take_fault(operation)
    if fault is None:
        return None
    time.sleep(fault.delay_ms / 1000)
    if fault.drop:
        return _drop_connection()
    if fault.status is not None:
        return error_response(fault_error(fault.status))
    return None
