"""Injected faults: the next calls of an operation fail, sleep, drop or lose their answer.

Set through POST /_emulator/faults, applied before authentication (as an outage at Klarna's
edge would be), so a shop's timeout, retry and error paths can be tested. `drop` closes the
connection before the request is processed (Klarna never acted); `drop_answer` processes it,
then closes the connection unanswered (Klarna acted; the shop cannot know: "outcome unknown").
"""

from __future__ import annotations

import socket
import time
from typing import Any

from flask import Response, g, request

from klarna_emulator.emulator import current_emulator
from klarna_emulator.errors import error_response, fault_error, klarna_error
from klarna_emulator.store import Fault


def _whole_number(body: dict[str, Any], key: str, default: int, minimum: int) -> int:
    value = body.get(key, default)
    # bool is an int in Python; `"count": true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{key}: expected a whole number >= {minimum}")
    return value


def _flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{key}: expected true or false")
    return value


def parse_fault(body: dict[str, Any], operations: list[str]) -> tuple[Fault, int]:
    """A fault and its count from a control-plane body; ValueError names what is wrong."""
    operation = body.get("operation")
    if operation not in operations:
        raise ValueError(f"operation: expected one of {', '.join(operations)}")
    status = body.get("status")
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599
    ):
        raise ValueError("status: expected an HTTP error status 400-599 or null")
    delay_ms = _whole_number(body, "delay_ms", 0, 0)
    count = _whole_number(body, "count", 1, 1)
    drop, drop_answer = _flag(body, "drop"), _flag(body, "drop_answer")
    if drop and drop_answer:
        raise ValueError(
            "drop and drop_answer exclude each other: drop closes the connection before the "
            "request is processed, drop_answer after"
        )
    if status is not None and (drop or drop_answer):
        raise ValueError(
            f"status and {'drop' if drop else 'drop_answer'} exclude each other: "
            "a dropped call answers no status"
        )
    if status is None and not drop and not drop_answer and delay_ms == 0:
        raise ValueError("a fault needs a status, a delay_ms, drop or drop_answer")
    return Fault(operation, status, delay_ms, drop, drop_answer), count


def apply_fault(operation: str) -> Response | None:
    """Hook: sleep, fail, or mark this call dropped if a fault is queued for its operation.

    A `drop` answers an empty response at once, so the view never runs; a `drop_answer` lets
    the view run. Either way the connection is closed only once the call is logged
    (`close_if_dropped`), so whoever sees the connection fail finds the call in the log.
    """
    fault = current_emulator().store.take_fault(operation)
    if fault is None:
        return None
    time.sleep(fault.delay_ms / 1000)
    if fault.status is not None:
        return error_response(fault_error(fault.status))
    g.dropped = fault.drop or fault.drop_answer
    return Response(b"") if fault.drop else None


def close_if_dropped(response: Response) -> Response:
    """Hook, after logging: close a dropped call's connection without a byte of answer."""
    if not g.get("dropped"):
        return response
    sock = request.environ.get("werkzeug.socket")
    if sock is None:  # e.g. Flask's test client: there is no connection to drop
        return error_response(
            klarna_error(500, "INTERNAL_SERVER_ERROR", "Connection dropped (emulated)")
        )
    # Close our side without a byte of response; the server's write then fails quietly.
    sock.shutdown(socket.SHUT_RDWR)
    return Response(b"")
