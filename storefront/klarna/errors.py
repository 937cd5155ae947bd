"""Typed errors for Klarna API calls, chosen from the HTTP status and Klarna's `error_code`.

Klarna's error object is `{"error_code", "error_messages", "correlation_id"}`; a 401 is an
HTML page instead. Klarna docs: https://docs.klarna.com/api/errors/ and
https://docs.klarna.com/resources/developer-tools/error-handling/error-codes-and-messages-for-klarna-payments
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

# "Not matching fields: [billing_address.postal_code, order_amount]" (409 on create order).
# Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
NOT_MATCHING_FIELDS = re.compile(r"Not matching fields:\s*\[(?P<fields>.*)\]", re.DOTALL)
# "Bad value: purchase_currency, purchase_country" (400): several fields in one message.
BAD_VALUE_FIELDS = re.compile(r"Bad value:\s*(?P<fields>.+)", re.DOTALL)
# A field path such as order_lines[0].total_tax_amount or billing_address.postal_code.
FIELD_PATH = re.compile(r"[a-z_][a-z0-9_]*(\[\d+\])?(\.[a-z_][a-z0-9_]*(\[\d+\])?)*")


class KlarnaError(Exception):
    """A Klarna call failed; carries what Klarna said and the id its support asks for."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        status: int | None = None,
        error_code: str | None = None,
        error_messages: Sequence[str] = (),
        correlation_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.status = status
        self.error_code = error_code
        self.error_messages = tuple(error_messages)
        self.correlation_id = correlation_id

    def __str__(self) -> str:
        """The message, plus the correlation id Klarna's merchant support asks for."""
        text = super().__str__()
        return f"{text} (correlation id {self.correlation_id})" if self.correlation_id else text


class KlarnaValidationError(KlarnaError):
    """400 (or 413/422): Klarna rejected a field of the request; `fields` names them."""

    @property
    def fields(self) -> tuple[str, ...]:
        """The field paths named by `Bad value: a, b` messages, in order, without repeats."""
        return fields_in_messages(self.error_messages, BAD_VALUE_FIELDS)


class KlarnaAuthError(KlarnaError):
    """401: the API credentials were refused (usually: another region or environment)."""


class KlarnaRejectedError(KlarnaError):
    """403 REJECTED: Klarna declined the purchase; the shopper must pay another way."""


class KlarnaForbiddenError(KlarnaError):
    """Any other 403: the operation is not allowed in this state (e.g. token consumed)."""


class KlarnaNotFoundError(KlarnaError):
    """404 NOT_FOUND and kin: unknown or expired session, token or order."""


class KlarnaSessionCompletedError(KlarnaError):
    """404 SESSION_COMPLETED: an order already exists for this session."""


class KlarnaConflictError(KlarnaError):
    """409: the order data differs from what the shopper authorized."""

    @property
    def mismatched_fields(self) -> tuple[str, ...]:
        """The entries of `Not matching fields: [...]`, e.g. `billing_address.postal_code`."""
        return fields_in_messages(self.error_messages, NOT_MATCHING_FIELDS)


class KlarnaUnavailableError(KlarnaError):
    """5xx, 429, a timeout or a connection failure: Klarna could not be reached or answer.

    `outcome_unknown` is False only when the request certainly never reached Klarna (the
    connection could not be opened, or Klarna said it did not process it); then even a
    non-idempotent call such as create order can be sent again. When it is True, Klarna may
    have applied the request, and the caller has to find out before it tries again.
    """

    def __init__(self, message: str, *, outcome_unknown: bool, **details: Any) -> None:
        super().__init__(message, **details)
        self.outcome_unknown = outcome_unknown


# Error codes that decide the class whatever the status (they arrive on a 403 or a 404).
CLASS_BY_ERROR_CODE: dict[str, type[KlarnaError]] = {
    "REJECTED": KlarnaRejectedError,
    "SESSION_COMPLETED": KlarnaSessionCompletedError,
}
CLASS_BY_STATUS: dict[int, type[KlarnaError]] = {
    400: KlarnaValidationError,
    401: KlarnaAuthError,
    403: KlarnaForbiddenError,
    404: KlarnaNotFoundError,
    409: KlarnaConflictError,
    # Order Management: REQUEST_TOO_LARGE and INVALID_ADDRESS / UNPROCESSABLE_ENTITY.
    # Klarna docs: https://docs.klarna.com/resources/developer-tools/error-handling/error-codes-and-messages-for-order-management
    413: KlarnaValidationError,
    422: KlarnaValidationError,
}
# 429 TOO_MANY_REQUESTS: Klarna did not process the request, so it is safe to send again.
NOT_PROCESSED_STATUSES = frozenset({429})


def error_class_for(status: int, error_code: str | None) -> type[KlarnaError]:
    """The error class for a non-2xx answer: by `error_code` first, then by status."""
    if error_code in CLASS_BY_ERROR_CODE:
        return CLASS_BY_ERROR_CODE[error_code]
    if status in NOT_PROCESSED_STATUSES or status >= 500:
        return KlarnaUnavailableError
    return CLASS_BY_STATUS.get(status, KlarnaError)


# Klarna's API hosts: api[-na|-oc][.playground].klarna.com, one per region and environment.
# Klarna docs: https://docs.klarna.com/klarna-payments/api/payments-api (servers)
KLARNA_API_HOST = re.compile(r"api(?P<region>-na|-oc)?(?P<playground>\.playground)?\.klarna\.com")
REGION_NAMES = {"": "Europe (EU)", "-na": "North America (NA)", "-oc": "Oceania (OC)"}


def error_for_response(
    *,
    operation: str,
    api_url: str,
    status: int,
    error_code: str | None,
    error_messages: Sequence[str],
    correlation_id: str | None,
) -> KlarnaError:
    """Build the typed error for a non-2xx answer, with a message a developer can act on."""
    error_class = error_class_for(status, error_code)
    details: dict[str, Any] = {
        "operation": operation,
        "status": status,
        "error_code": error_code,
        "error_messages": error_messages,
        "correlation_id": correlation_id,
    }
    if error_class is KlarnaAuthError:
        return KlarnaAuthError(credentials_hint(api_url), **details)
    said = ": ".join(filter(None, [error_code, "; ".join(error_messages)]))
    message = f"Klarna {operation} failed with HTTP {status}" + (f" {said}" if said else "")
    if error_class is KlarnaUnavailableError:
        # A 5xx may come after Klarna applied the request; a 429 means it was not processed.
        unknown = status not in NOT_PROCESSED_STATUSES
        return KlarnaUnavailableError(message, outcome_unknown=unknown, **details)
    return error_class(message, **details)


def credentials_hint(api_url: str) -> str:
    """Explain a 401: Klarna credentials only work in their own region and environment.

    Klarna answers wrong credentials with an HTML 401 page, not its JSON error object, and
    merchants most often hit it with credentials for another region or environment.
    Klarna docs: https://docs.klarna.com/klarna-payments/api-call-descriptions/create-session/
    """
    host = urlsplit(api_url).hostname or api_url
    match = KLARNA_API_HOST.fullmatch(host)
    where = ""
    if match:
        environment = "playground (test)" if match["playground"] else "production"
        where = f", Klarna's {REGION_NAMES[match['region'] or '']} {environment} API"
    return (
        f"Klarna refused the API username and password (HTTP 401) at {host}{where}. "
        "Klarna issues credentials per region (EU api., NA api-na., OC api-oc.) and per "
        "environment: the usual cause is credentials for another region, or playground "
        "credentials used against production (or the reverse)."
    )


def fields_in_messages(messages: Sequence[str], pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Collect the comma-separated entries that `pattern`'s `fields` group finds in messages."""
    found: list[str] = []
    for message in messages:
        match = pattern.search(message)
        if match:
            found.extend(split_field_list(match.group("fields")))
    return tuple(dict.fromkeys(found))


def split_field_list(text: str) -> list[str]:
    """Split `a.b, c, Incorrect number of items ... Expected: 2, Actual: 3` into its entries.

    Entries are separated by ", ", but Klarna's free-text entries contain ", " themselves; a
    piece that is not a field path is therefore glued to a preceding piece that is not one
    either.
    """
    entries: list[str] = []
    for piece in (part.strip() for part in text.split(",")):
        if not piece:
            continue
        if entries and not FIELD_PATH.fullmatch(piece) and not FIELD_PATH.fullmatch(entries[-1]):
            entries[-1] = f"{entries[-1]}, {piece}"
        else:
            entries.append(piece)
    return entries
