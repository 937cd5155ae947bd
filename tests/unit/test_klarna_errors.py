"""Klarna error mapping: status and error_code pick the class; messages are parsed for fields."""

from __future__ import annotations

import pytest

from storefront.klarna.errors import (
    KlarnaAuthError,
    KlarnaConflictError,
    KlarnaError,
    KlarnaForbiddenError,
    KlarnaNotFoundError,
    KlarnaRejectedError,
    KlarnaSessionCompletedError,
    KlarnaUnavailableError,
    KlarnaValidationError,
    credentials_hint,
    error_for_response,
    split_field_list,
)

EU_PLAYGROUND = "https://api.playground.klarna.com"


def build(status: int, code: str | None = None, *messages: str) -> KlarnaError:
    return error_for_response(
        operation="create_order",
        api_url=EU_PLAYGROUND,
        status=status,
        error_code=code,
        error_messages=list(messages),
        correlation_id="corr-1",
    )


# Status and code pairs from Klarna's error catalogs (401: docs/klarna-notes.md#wrong-credentials)
# https://docs.klarna.com/resources/developer-tools/error-handling/error-codes-and-messages-for-klarna-payments
# https://docs.klarna.com/resources/developer-tools/error-handling/error-codes-and-messages-for-order-management
@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "BAD_VALUE", KlarnaValidationError),
        (400, "BAD_REQUEST", KlarnaValidationError),
        (401, None, KlarnaAuthError),
        (403, "REJECTED", KlarnaRejectedError),
        (403, "INVALID_OPERATION", KlarnaForbiddenError),
        (403, "MERCHANT_INACTIVE", KlarnaForbiddenError),
        (403, "CAPTURE_NOT_ALLOWED", KlarnaForbiddenError),
        (403, "NOT_ALLOWED", KlarnaForbiddenError),
        (404, "NOT_FOUND", KlarnaNotFoundError),
        (404, "NO_SUCH_ORDER", KlarnaNotFoundError),
        (404, "SESSION_COMPLETED", KlarnaSessionCompletedError),
        (409, "BAD_VALUE", KlarnaConflictError),
        (413, "REQUEST_TOO_LARGE", KlarnaValidationError),
        (422, "INVALID_ADDRESS", KlarnaValidationError),
        (429, "TOO_MANY_REQUESTS", KlarnaUnavailableError),
        (500, "INTERNAL_SERVER_ERROR", KlarnaUnavailableError),
        (502, None, KlarnaUnavailableError),
        (503, "TEMPORARILY_UNAVAILABLE", KlarnaUnavailableError),
        (504, None, KlarnaUnavailableError),
        (418, None, KlarnaError),
    ],
)
def test_error_for_response_picks_class_by_status_and_code(
    status: int, code: str | None, expected: type[KlarnaError]
) -> None:
    error = build(status, code)
    assert type(error) is expected
    assert (error.status, error.error_code, error.correlation_id) == (status, code, "corr-1")


def test_session_completed_is_not_a_not_found() -> None:
    # A service that recreates a session on NotFound must not do so for SESSION_COMPLETED.
    assert not isinstance(build(404, "SESSION_COMPLETED"), KlarnaNotFoundError)


def test_unavailable_error_from_5xx_has_unknown_outcome_but_429_does_not() -> None:
    server_error = build(503, "TEMPORARILY_UNAVAILABLE")
    rate_limited = build(429, "TOO_MANY_REQUESTS")
    assert isinstance(server_error, KlarnaUnavailableError)
    assert isinstance(rate_limited, KlarnaUnavailableError)
    assert server_error.outcome_unknown is True
    assert rate_limited.outcome_unknown is False


def test_error_message_names_operation_status_code_messages_and_correlation_id() -> None:
    error = build(400, "BAD_VALUE", "Bad value: order_amount")
    assert str(error) == (
        "Klarna create_order failed with HTTP 400 BAD_VALUE: Bad value: order_amount "
        "(correlation id corr-1)"
    )
    assert error.error_messages == ("Bad value: order_amount",)


def test_conflict_lists_not_matching_fields_including_free_text_entries() -> None:
    error = build(
        409,
        "BAD_VALUE",
        "Not matching fields: [shipping_address.given_name, order_lines[1].quantity, "
        "order_amount, Incorrect number of items in the cart. Expected: 2, Actual: 3]",
    )
    assert isinstance(error, KlarnaConflictError)
    assert error.mismatched_fields == (
        "shipping_address.given_name",
        "order_lines[1].quantity",
        "order_amount",
        "Incorrect number of items in the cart. Expected: 2, Actual: 3",
    )


def test_conflict_without_field_list_has_no_mismatched_fields() -> None:
    error = build(409, "BAD_VALUE", "The order has been already completed with different body")
    assert isinstance(error, KlarnaConflictError)
    assert error.mismatched_fields == ()


def test_validation_error_lists_every_bad_value_field_once() -> None:
    error = build(
        400,
        "BAD_VALUE",
        "Bad value: purchase_currency, purchase_country",
        "Bad value: order_lines[0].total_tax_amount",
        "Bad value: purchase_country",
    )
    assert isinstance(error, KlarnaValidationError)
    assert error.fields == (
        "purchase_currency",
        "purchase_country",
        "order_lines[0].total_tax_amount",
    )


def test_split_field_list_keeps_a_free_text_entry_first_in_the_list_whole() -> None:
    assert split_field_list("Incorrect number of items. Expected: 1, Actual: 2, order_amount") == [
        "Incorrect number of items. Expected: 1, Actual: 2",
        "order_amount",
    ]


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("https://api.playground.klarna.com/", "Klarna's Europe (EU) playground (test) API"),
        ("https://api-na.playground.klarna.com/", "Klarna's North America (NA) playground"),
        ("https://api-oc.klarna.com", "Klarna's Oceania (OC) production API"),
        ("https://api.klarna.com", "Klarna's Europe (EU) production API"),
    ],
)
def test_credentials_hint_names_region_and_environment_of_the_api_url(url: str, named: str) -> None:
    hint = credentials_hint(url)
    assert named in hint
    assert "HTTP 401" in hint
    assert "another region" in hint
    assert "playground credentials used against production" in hint


def test_credentials_hint_for_another_host_still_points_at_region_and_environment() -> None:
    hint = credentials_hint("http://127.0.0.1:5001")
    assert "at 127.0.0.1." in hint
    assert "Klarna's" not in hint  # no region or environment is claimed for an unknown host
    assert "another region" in hint


def test_auth_error_message_is_the_credentials_hint() -> None:
    error = build(401)
    assert isinstance(error, KlarnaAuthError)
    assert str(error).startswith(credentials_hint(EU_PLAYGROUND))
