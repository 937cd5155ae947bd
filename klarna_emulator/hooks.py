"""Per-request plumbing: correlation ids, injected faults, and the API-call log."""

from __future__ import annotations

import time
import uuid

from flask import Flask, Response, g, request

from klarna_emulator.access import check_host
from klarna_emulator.api import KLARNA_APIS
from klarna_emulator.clock import iso_millis
from klarna_emulator.emulator import current_emulator
from klarna_emulator.faults import apply_fault, close_if_dropped
from klarna_emulator.json_input import parse_json
from klarna_emulator.store import RequestRecord

CORRELATION_HEADER = "Klarna-Correlation-Id"
CONTROL_PREFIX = "/_emulator/"
API_PREFIXES = tuple(f"{blueprint.name}." for blueprint in KLARNA_APIS)


def _operation() -> str | None:
    endpoint = request.endpoint or ""
    return endpoint.split(".", 1)[1] if endpoint.startswith(API_PREFIXES) else None


def start_request() -> Response | None:
    """Give the request its correlation id and start its timer; refuse a Host the emulator
    does not serve; apply any injected fault."""
    g.correlation_id = str(uuid.uuid4())
    g.started = time.perf_counter()
    check_host()
    operation = _operation()
    return apply_fault(operation) if operation else None


def _request_body() -> object:
    try:
        return parse_json(request.get_data(cache=True) or b"null")
    except ValueError:
        return request.get_data(cache=True).decode("utf-8", "replace")


def _log(response: Response, correlation_id: str) -> None:
    store = current_emulator().store
    store.log_request(
        RequestRecord(
            id=store.next_id(),
            time=iso_millis(store.now()),
            method=request.method,
            path=request.full_path.rstrip("?"),
            operation=_operation(),
            status=None if g.get("dropped") else response.status_code,
            correlation_id=correlation_id,
            duration_ms=round(
                (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 3
            ),
            body=_request_body(),
        )
    )


def finish_request(response: Response) -> Response:
    """Every response carries `Klarna-Correlation-Id`; every API call is logged.

    Then a call an injected fault drops (before or after processing it) loses its connection,
    so the call is in the log before the client sees the connection fail.
    """
    correlation_id = g.setdefault("correlation_id", str(uuid.uuid4()))
    if not request.path.startswith(CONTROL_PREFIX):
        _log(response, correlation_id)
        response = close_if_dropped(response)
    response.headers[CORRELATION_HEADER] = correlation_id
    return response


def register_hooks(app: Flask) -> None:
    """Install the hooks on the app (they run before any blueprint's own hooks)."""
    app.before_request(start_request)
    app.after_request(finish_request)
