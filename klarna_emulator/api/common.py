"""What every Klarna API view needs: the JSON body, empty answers, idempotency-key replays."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, request

from klarna_emulator.emulator import current_emulator
from klarna_emulator.errors import BadRequest, KlarnaApiError, error_response
from klarna_emulator.json_input import parse_json
from klarna_emulator.store import RecordedResponse

IDEMPOTENCY_HEADER = "Klarna-Idempotency-Key"
REPLAYED_HEADERS = ("Content-Type", "Location", "Capture-Id", "Refund-Id")


def json_object() -> dict[str, Any]:
    """The request body as a JSON object; anything else (or JSON nested absurdly deep) is
    Klarna's 400 BAD_REQUEST `[]`."""
    try:
        body = parse_json(request.get_data(cache=True) or b"null")
    except ValueError:
        raise BadRequest() from None
    if not isinstance(body, dict):
        raise BadRequest()
    return body


def base_url() -> str:
    """This emulator's origin as the client reached it (goes into tokens and redirect URLs)."""
    return request.host_url.rstrip("/")


def no_content(status: int = 204) -> Response:
    """An empty success. Klarna's 204s carry `application/octet-stream` (kco_rest_php notes)."""
    return Response(b"", status=status, content_type="application/octet-stream")


def idempotent(view: Callable[..., Response]) -> Callable[..., Response]:
    """Honour `Klarna-Idempotency-Key`: the first result is replayed for 24 hours.

    "Only the key matters": a repeat never runs the operation again, whatever its body.
    Klarna docs: https://docs.klarna.com/api/escalation-and-retry-policy/
    """

    @wraps(view)
    def wrapper(**kwargs: Any) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if not key:
            return view(**kwargs)
        emulator = current_emulator()
        store = emulator.store
        lifetime = timedelta(seconds=emulator.settings.idempotency_key_lifetime_seconds)
        # Read the body first: a client slow to send it must not hold the emulator's lock.
        request.get_data(cache=True)
        with store.lock:  # one lock: a concurrent repeat waits and then replays
            store.purge_expired()
            recorded = store.idempotency.get(key)
            if recorded is not None and store.now() < recorded.expires_at:
                return Response(recorded.body, status=recorded.status, headers=recorded.headers)
            try:
                response = view(**kwargs)
            except KlarnaApiError as error:
                response = error_response(error)
            if response.status_code < 500:
                store.idempotency[key] = RecordedResponse(
                    status=response.status_code,
                    headers={
                        h: response.headers[h] for h in REPLAYED_HEADERS if h in response.headers
                    },
                    body=response.get_data(),
                    expires_at=store.now() + lifetime,
                )
            return response

    return wrapper
