"""Klarna's errors: named exceptions with Klarna's status and code, and the one envelope builder.

Every Klarna error body is `{error_code, error_messages, correlation_id}`.
Klarna docs: https://docs.klarna.com/api/errors/ and
https://docs.klarna.com/resources/developer-tools/error-handling/error-codes-and-messages-for-klarna-payments
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from klarna_emulator.domain.sdk_errors import SdkError

log = logging.getLogger(__name__)


class KlarnaApiError(Exception):
    """An error Klarna answers with: HTTP status, ALL_CAPS error code, human messages."""

    status = 500
    error_code = "INTERNAL_SERVER_ERROR"

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages: list[str] = list(messages)


def klarna_error(status: int, error_code: str, *messages: str) -> KlarnaApiError:
    """An ad-hoc error with an explicit status and code (emulated faults, routing errors)."""
    error = KlarnaApiError(*messages)
    error.status = status
    error.error_code = error_code
    return error


class BadRequest(KlarnaApiError):
    """400 BAD_REQUEST with no messages: the body is not a JSON object."""

    status = 400
    error_code = "BAD_REQUEST"


class BadValue(KlarnaApiError):
    """400 BAD_VALUE naming every bad field in one message: `Bad value: a, b`."""

    status = 400
    error_code = "BAD_VALUE"

    def __init__(self, fields: Sequence[str]) -> None:
        super().__init__(f"Bad value: {', '.join(fields)}")
        self.fields = list(fields)


class NotMatchingFields(KlarnaApiError):
    """409 BAD_VALUE: create-order data differs from what was authorized."""

    status = 409
    error_code = "BAD_VALUE"

    def __init__(self, fields: Sequence[str]) -> None:
        super().__init__(f"Not matching fields: [{', '.join(fields)}]")
        self.fields = list(fields)


class OrderAlreadyCompleted(KlarnaApiError):
    """409 BAD_VALUE: the token already placed an order with a different body."""

    status = 409
    error_code = "BAD_VALUE"

    def __init__(self) -> None:
        super().__init__("The order has been already completed with different request body")


class NotFound(KlarnaApiError):
    """404 NOT_FOUND with Klarna's message."""

    status = 404
    error_code = "NOT_FOUND"


class InvalidSessionId(NotFound):
    """404 NOT_FOUND: unknown or expired session."""

    def __init__(self) -> None:
        super().__init__("Invalid session id")


class InvalidAuthorizationToken(NotFound):
    """404 NOT_FOUND: unknown, expired (60 min), superseded or cancelled token."""

    def __init__(self) -> None:
        super().__init__("Invalid authorization token")


class AuthorizationCannotBeDeleted(NotFound):
    """404 NOT_FOUND: the authorization already became an order."""

    def __init__(self) -> None:
        super().__init__("Authorization cannot be deleted")


class SessionCompleted(KlarnaApiError):
    """404 SESSION_COMPLETED: the session already has an order."""

    status = 404
    error_code = "SESSION_COMPLETED"

    def __init__(self) -> None:
        super().__init__("Session has already been completed")


class InvalidOperation(KlarnaApiError):
    """403 INVALID_OPERATION (token consumed, wrong intent, ...)."""

    status = 403
    error_code = "INVALID_OPERATION"


class TokenConsumed(InvalidOperation):
    """403 INVALID_OPERATION: the authorization token already served its use."""

    def __init__(self) -> None:
        super().__init__("Authorization token already consumed")


class NoSuchOrder(KlarnaApiError):
    """404 NO_SUCH_ORDER (Order Management)."""

    status = 404
    error_code = "NO_SUCH_ORDER"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"The order with id {order_id} does not exist.")


class InvalidOrderId(KlarnaApiError):
    """400 INVALID_ORDER_ID: Order Management ids are UUIDs."""

    status = 400
    error_code = "INVALID_ORDER_ID"

    def __init__(self) -> None:
        super().__init__("Order ID must be a valid UUID.")


class NoSuchCapture(KlarnaApiError):
    """404 NO_SUCH_CAPTURE (Order Management)."""

    status = 404
    error_code = "NO_SUCH_CAPTURE"

    def __init__(self, capture_id: str) -> None:
        super().__init__(f"The capture with id {capture_id} does not exist.")


class CaptureNotAllowed(KlarnaApiError):
    """403 CAPTURE_NOT_ALLOWED."""

    status = 403
    error_code = "CAPTURE_NOT_ALLOWED"


class RefundNotAllowed(KlarnaApiError):
    """403 REFUND_NOT_ALLOWED."""

    status = 403
    error_code = "REFUND_NOT_ALLOWED"


class CancelNotAllowed(KlarnaApiError):
    """403 CANCEL_NOT_ALLOWED."""

    status = 403
    error_code = "CANCEL_NOT_ALLOWED"


class NotAllowed(KlarnaApiError):
    """403 NOT_ALLOWED (release, extend, update authorization, customer details)."""

    status = 403
    error_code = "NOT_ALLOWED"


class TokenNotFound(KlarnaApiError):
    """404 TOKEN_NOT_FOUND (Customer Token API)."""

    status = 404
    error_code = "TOKEN_NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("Customer token not found")


class TokenCanceled(KlarnaApiError):
    """403 TOKEN_CANCELED (Klarna's spelling)."""

    status = 403
    error_code = "TOKEN_CANCELED"

    def __init__(self) -> None:
        super().__init__("Customer token has been cancelled")


class TokenSuspended(KlarnaApiError):
    """403 TOKEN_SUSPENDED."""

    status = 403
    error_code = "TOKEN_SUSPENDED"

    def __init__(self) -> None:
        super().__init__("Customer token is suspended")


class PaymentMethodFailed(KlarnaApiError):
    """403 PAYMENT_METHOD_FAILED: the token's payment method declined this order (retryable)."""

    status = 403
    error_code = "PAYMENT_METHOD_FAILED"

    def __init__(self) -> None:
        super().__init__("Purchase for payment method failed")


# Codes for faults injected through /_emulator/faults, by status (Klarna's error tables).
FAULT_CODES = {
    409: "CONFLICT",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    502: "TEMPORARILY_UNAVAILABLE",
    503: "SERVICE_UNAVAILABLE",
    504: "TEMPORARILY_UNAVAILABLE",
}


def fault_error(status: int) -> KlarnaApiError:
    """The error an injected fault answers with for `status`."""
    default = "INTERNAL_SERVER_ERROR" if status >= 500 else "BAD_REQUEST"
    message = "Internal error" if status == 500 else "Emulated fault"
    return klarna_error(status, FAULT_CODES.get(status, default), message)


def envelope(error_code: str, messages: Sequence[str], correlation_id: str) -> dict[str, Any]:
    """Klarna's error body, in the key order Klarna's docs print it."""
    return {
        "error_code": error_code,
        "error_messages": list(messages),
        "correlation_id": correlation_id,
    }


def error_response(error: KlarnaApiError) -> Response:
    """The JSON response for a Klarna error, carrying this request's correlation id."""
    response = jsonify(envelope(error.error_code, error.messages, g.correlation_id))
    response.status_code = error.status
    return response


def sdk_error(error: SdkError) -> Response:
    """What the JS SDK would throw, as a 400 whose error_code is the JavaScript error's name."""
    return error_response(klarna_error(400, error.js_name, str(error)))


def routing_error(error: HTTPException) -> Response:
    """Unknown routes and wrong methods answer loudly in Klarna's envelope, never in HTML."""
    status = error.code or 500
    where = f"{request.method} {request.path}"
    if status == 404:
        message = f"No endpoint at {where} (unknown, or not emulated: see the emulator README)"
        return error_response(klarna_error(404, "NOT_FOUND", message))
    if status == 405:
        return error_response(klarna_error(405, "METHOD_NOT_ALLOWED", f"Not allowed: {where}"))
    return error_response(klarna_error(status, "BAD_REQUEST", error.description or ""))


def unexpected_error(error: Exception) -> Response:
    """A bug in the emulator: log it, answer Klarna's 500 (never a traceback)."""
    log.exception("emulator error", exc_info=error)
    return error_response(klarna_error(500, "INTERNAL_SERVER_ERROR", "Internal error"))


def register_error_handlers(app: Flask) -> None:
    """Route every error the app raises to Klarna's envelope."""
    app.register_error_handler(KlarnaApiError, error_response)
    app.register_error_handler(SdkError, sdk_error)
    app.register_error_handler(HTTPException, routing_error)
    app.register_error_handler(Exception, unexpected_error)
