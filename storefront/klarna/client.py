"""KlarnaClient: the storefront's only HTTP link to Klarna's Payments and Order Management APIs.

One `requests.Session` with HTTP Basic auth, JSON, a descriptive User-Agent and a connect and
read timeout on every call; one method per endpoint the checkout uses (the Payments API and
reading an order back); typed errors (`storefront.klarna.errors`); one scrubbed log line per
HTTP attempt (`storefront.klarna.call_log`). Order Management writes
(`storefront.klarna.order_management`) go through the same `call`.

Retry rule: a call is sent again only when that cannot do harm.
- A connection that could not be opened never carried the request: any call may retry.
- After the request went out (502/503/504, read timeout, dropped connection) only idempotent
  calls retry: GETs, update session (same body, same result), cancel authorization, and Order
  Management writes, which carry a `Klarna-Idempotency-Key`. Create session and create order
  never retry then: they raise `KlarnaUnavailableError(outcome_unknown=True)` instead.
Klarna docs: https://docs.klarna.com/api/escalation-and-retry-policy/
"""

from __future__ import annotations

import enum
import importlib.metadata
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from .call_log import log_call
from .errors import KlarnaError, KlarnaUnavailableError, error_for_response
from .results import (
    CreatedSession,
    OrderDetails,
    PlacedOrder,
    SessionDetails,
)

# Klarna's API answers are fast; a connection that takes longer than this is not coming.
CONNECT_TIMEOUT_MAX_SECONDS = 3.0
CORRELATION_HEADER = "Klarna-Correlation-Id"
# Gateway answers that mean "try again": the request was not (fully) handled.
RETRYABLE_STATUSES = frozenset({502, 503, 504})


def package_version() -> str:
    """This project's installed version, for the User-Agent."""
    try:
        return importlib.metadata.version("klarna-storefront")
    except importlib.metadata.PackageNotFoundError:  # the module was copied into another app
        return "0"


# Klarna asks integrations to identify themselves. Klarna docs: https://docs.klarna.com/api/kn/integration-resilience
USER_AGENT = (
    f"klarna-storefront/{package_version()} (Klarna Payments reference integration) "
    f"python-requests/{requests.__version__} Python/{platform.python_version()}"
)


class RetryRule(enum.Enum):
    """When a failed call may be sent again."""

    IF_NOT_SENT = "if_not_sent"  # only when the request certainly never reached Klarna
    IDEMPOTENT = "idempotent"  # also after 502/503/504, a timeout or a dropped connection


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts a retryable call gets, and the bounded backoff between them."""

    attempts: int = 3
    first_delay_seconds: float = 0.2
    max_delay_seconds: float = 1.0

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before attempt number `attempt` (2, 3, ...): doubling, capped."""
        return min(self.max_delay_seconds, self.first_delay_seconds * 2 ** (attempt - 2))


T = TypeVar("T")


@dataclass(frozen=True)
class Answer:
    """One successful HTTP answer: status, headers and the parsed JSON body (None if empty)."""

    status: int
    headers: Mapping[str, str]
    body: Any


def path_for(template: str, **ids: str) -> str:
    """Fill a path template with ids, percent-encoded; an empty id is a programming error."""
    for name, value in ids.items():
        if not value:
            raise ValueError(f"{name} must not be empty")
    return template.format(**{name: quote(value, safe="") for name, value in ids.items()})


def request_reached_klarna(failure: requests.RequestException) -> bool:
    """False only when the request certainly never left: the connection was not opened."""
    if isinstance(failure, requests.ConnectTimeout):
        return False
    if isinstance(failure, requests.ConnectionError) and failure.args:
        cause = failure.args[0]
        if isinstance(cause, MaxRetryError) and isinstance(cause.reason, NewConnectionError):
            return False
    return True


def json_body(response: requests.Response) -> Any:
    """The response's JSON, or None for an empty or non-JSON body (204s, HTML 401 pages)."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


class KlarnaClient:
    """Calls Klarna's Payments and Order Management APIs for one merchant account."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout: float,
        session: requests.Session | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (min(timeout, CONNECT_TIMEOUT_MAX_SECONDS), timeout)
        self.retry_policy = retry_policy or RetryPolicy()
        self._sleep = sleep
        self.http = session or requests.Session()
        self.http.auth = (username, password)
        self.http.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})

    def __repr__(self) -> str:
        """Name the endpoint, never the credentials."""
        return f"KlarnaClient({self.base_url!r})"

    # Payments API v1. Klarna docs: https://docs.klarna.com/klarna-payments/api/payments-api

    def create_session(self, payload: Mapping[str, Any]) -> CreatedSession:
        """POST /payments/v1/sessions: open a payment session for the widget.

        Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
        """
        answer = self.call(
            "create_session", "POST", "/payments/v1/sessions", payload, retry=RetryRule.IF_NOT_SENT
        )
        return parse_answer("create_session", answer, CreatedSession.from_json)

    def read_session(self, session_id: str) -> SessionDetails:
        """GET /payments/v1/sessions/{id}: status, expiry and the categories offered now.

        Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/check-the-details-of-a-payment-session
        """
        path = path_for("/payments/v1/sessions/{session_id}", session_id=session_id)
        answer = self.call("read_session", "GET", path, session_id=session_id)
        return parse_answer(
            "read_session", answer, lambda data: SessionDetails.from_json(session_id, data)
        )

    def update_session(self, session_id: str, payload: Mapping[str, Any]) -> None:
        """POST /payments/v1/sessions/{id}: replace the cart data (204; the widget reloads).

        Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/update-the-cart
        """
        path = path_for("/payments/v1/sessions/{session_id}", session_id=session_id)
        self.call("update_session", "POST", path, payload, session_id=session_id)

    def create_order(self, authorization_token: str, payload: Mapping[str, Any]) -> PlacedOrder:
        """POST /payments/v1/authorizations/{token}/order: turn an authorization into an order.

        Never retried once sent: an `outcome_unknown` failure means the order may exist.
        Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
        """
        path = path_for("/payments/v1/authorizations/{token}/order", token=authorization_token)
        answer = self.call("create_order", "POST", path, payload, retry=RetryRule.IF_NOT_SENT)
        return parse_answer("create_order", answer, PlacedOrder.from_json)

    def cancel_authorization(self, authorization_token: str) -> None:
        """DELETE /payments/v1/authorizations/{token}: release credit the shop will not use.

        Retried like any idempotent call, so a 404 can mean an earlier attempt already did it.
        Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/cancel-an-authorization
        """
        path = path_for("/payments/v1/authorizations/{token}", token=authorization_token)
        self.call("cancel_authorization", "DELETE", path)

    # Order Management API v1; its writes are storefront.klarna.order_management.
    # Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/view-and-change-orders

    def get_order(self, order_id: str) -> OrderDetails:
        """GET /ordermanagement/v1/orders/{id}: the order's state and amounts."""
        path = path_for("/ordermanagement/v1/orders/{order_id}", order_id=order_id)
        answer = self.call("get_order", "GET", path, order_id=order_id)
        return parse_answer("get_order", answer, OrderDetails.from_json)

    # Transport, shared with storefront.klarna.order_management.

    def call(
        self,
        operation: str,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        retry: RetryRule = RetryRule.IDEMPOTENT,
        headers: Mapping[str, str] | None = None,
        session_id: str | None = None,
        order_id: str | None = None,
    ) -> Answer:
        """Send one call, retrying only as `retry` allows; return the 2xx answer or raise."""
        fields: dict[str, Any] = {
            "operation": operation,
            "method": method,
            "path": path,
            "session_id": session_id,
            "order_id": order_id,
            "request_body": body,
        }
        attempt = 1
        while True:
            try:
                return self._attempt(fields | {"attempt": attempt}, body, headers)
            except KlarnaUnavailableError as error:
                if attempt >= self.retry_policy.attempts or not may_retry(retry, error):
                    raise
            attempt += 1
            self._sleep(self.retry_policy.delay_before(attempt))

    def _attempt(
        self, fields: dict[str, Any], body: Mapping[str, Any] | None, headers: Any
    ) -> Answer:
        """Send the request once and log it; return a 2xx answer or raise its typed error."""
        operation = fields["operation"]
        started = time.perf_counter()
        try:
            response = self.http.request(
                fields["method"],
                self.base_url + fields["path"],
                json=body,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as failure:
            fields["duration_ms"] = elapsed_ms(started)
            no_answer = transport_error(operation, failure)
            log_failure(fields, no_answer)
            raise no_answer from failure
        fields["duration_ms"] = elapsed_ms(started)
        answer = Answer(response.status_code, response.headers, json_body(response))
        fields.update(
            status=answer.status, correlation_id=correlation_id(answer), response_body=answer.body
        )
        if not response.ok:
            error = self._error(operation, answer)
            log_failure(fields, error)
            raise error
        if isinstance(answer.body, dict):
            fields["session_id"] = fields["session_id"] or answer.body.get("session_id")
            fields["order_id"] = fields["order_id"] or answer.body.get("order_id")
        log_call(fields | {"outcome": "ok"})
        return answer

    def _error(self, operation: str, answer: Answer) -> KlarnaError:
        """The typed error for a non-2xx answer (the body may be JSON, HTML or empty)."""
        body = answer.body if isinstance(answer.body, dict) else {}
        code = body.get("error_code")
        messages = body.get("error_messages")
        return error_for_response(
            operation=operation,
            api_url=self.base_url,
            status=answer.status,
            error_code=code if isinstance(code, str) else None,
            error_messages=[str(m) for m in messages] if isinstance(messages, list) else [],
            correlation_id=correlation_id(answer),
        )


def parse_answer(operation: str, answer: Answer, read: Callable[[Any], T]) -> T:
    """Read a 2xx JSON answer into its dataclass; an unreadable one is an unknown outcome."""
    try:
        return read(answer.body)
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        raise unreadable_answer(operation, answer, f"could not be read ({problem!r})") from problem


def unreadable_answer(operation: str, answer: Answer, problem: str) -> KlarnaUnavailableError:
    """A 2xx answer the shop cannot use: Klarna may have acted, so the outcome is unknown."""
    return KlarnaUnavailableError(
        f"Klarna's answer to {operation} {problem}",
        outcome_unknown=True,
        operation=operation,
        status=answer.status,
        correlation_id=correlation_id(answer),
    )


def may_retry(retry: RetryRule, error: KlarnaUnavailableError) -> bool:
    """Whether a failed attempt may be sent again under `retry` (see the module docstring)."""
    if retry is RetryRule.IDEMPOTENT:
        return error.status is None or error.status in RETRYABLE_STATUSES
    return error.status is None and not error.outcome_unknown


def correlation_id(answer: Answer) -> str | None:
    """Klarna's id for the call: from the error body, else the `Klarna-Correlation-Id` header."""
    if isinstance(answer.body, dict) and isinstance(answer.body.get("correlation_id"), str):
        return answer.body["correlation_id"]
    return answer.headers.get(CORRELATION_HEADER)


def transport_error(operation: str, failure: requests.RequestException) -> KlarnaUnavailableError:
    """Describe a call that got no HTTP answer, and whether Klarna may have acted on it."""
    reached = request_reached_klarna(failure)
    if isinstance(failure, requests.Timeout):
        what = "timed out" + (" waiting for the answer" if reached else " connecting")
    elif reached:
        what = "lost the connection after sending"
    else:
        what = "could not connect"
    return KlarnaUnavailableError(
        f"Klarna {operation} {what} ({type(failure).__name__})",
        outcome_unknown=reached,
        operation=operation,
    )


def log_failure(fields: dict[str, Any], error: KlarnaError) -> None:
    """Log a failed attempt with the error's class, code and messages."""
    fields.update(
        outcome="error",
        error=type(error).__name__,
        error_code=error.error_code,
        error_messages=list(error.error_messages) or None,
        correlation_id=error.correlation_id,
        outcome_unknown=getattr(error, "outcome_unknown", None),
    )
    log_call(fields)


def elapsed_ms(started: float) -> int:
    """Whole milliseconds since `started` (a `time.perf_counter()` reading)."""
    return round((time.perf_counter() - started) * 1000)
