"""KlarnaClient against canned answers: requests sent, answers read, errors typed, retries."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import responses

from storefront.klarna.client import CONNECT_TIMEOUT_MAX_SECONDS, KlarnaClient
from storefront.klarna.errors import (
    KlarnaAuthError,
    KlarnaConflictError,
    KlarnaNotFoundError,
    KlarnaUnavailableError,
    KlarnaValidationError,
)
from storefront.klarna.order_management import OrderManagement
from storefront.klarna.results import CreatedResource, PaymentMethodCategory
from tests.unit.conftest import MOCK_API_URL, MOCK_PASSWORD, MOCK_USERNAME

SESSION_ID = "068df369-13a7-4d47-a564-62f8408bb760"
ORDER_ID = "3eaeb557-5e30-47f8-b840-b8d987f5945d"
TOKEN = "1eddf502-f3a0-45bf-b1fd-f2e3a2758200"
KEY = "c6010e41-5eb0-46a9-8cc0-decb265419b1"
SESSION_URL = f"{MOCK_API_URL}/payments/v1/sessions/{SESSION_ID}"
ORDER_URL = f"{MOCK_API_URL}/payments/v1/authorizations/{TOKEN}/order"
OM_URL = f"{MOCK_API_URL}/ordermanagement/v1/orders/{ORDER_ID}"
PAYLOAD = {"purchase_country": "SE", "purchase_currency": "SEK", "order_amount": 9500}
CATEGORY = {
    "identifier": "pay_later",
    "name": "Pay later in 30 days",
    "asset_urls": {
        "descriptive": "https://x.klarnacdn.net/descriptive.svg",
        "standard": "https://x.klarnacdn.net/standard.svg",
    },
}
PLACED = {
    "order_id": ORDER_ID,
    "redirect_url": "https://payments.klarna.com/redirect/1",
    "fraud_status": "ACCEPTED",
    "authorized_payment_method": {"type": "invoice"},
}


def sent_json(call: Any) -> Any:
    return json.loads(call.request.body)


# Requests: what goes on the wire.


def test_create_session_posts_json_with_basic_auth_and_user_agent(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.post(
        f"{MOCK_API_URL}/payments/v1/sessions",
        json={
            "session_id": SESSION_ID,
            "client_token": "eyJ.a.b",
            "payment_method_categories": [CATEGORY],
        },
    )
    created = klarna_api.create_session(PAYLOAD)

    request = klarna_http.calls[0].request
    credentials = base64.b64encode(f"{MOCK_USERNAME}:{MOCK_PASSWORD}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {credentials}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("klarna-storefront/")
    assert f"python-requests/{requests.__version__}" in request.headers["User-Agent"]
    assert sent_json(klarna_http.calls[0]) == PAYLOAD
    assert created.session_id == SESSION_ID
    assert created.client_token == "eyJ.a.b"
    assert created.payment_method_categories == (
        PaymentMethodCategory(
            "pay_later",
            "Pay later in 30 days",
            "https://x.klarnacdn.net/descriptive.svg",
            "https://x.klarnacdn.net/standard.svg",
        ),
    )


@pytest.mark.parametrize(
    ("configured", "expected"), [(10, (CONNECT_TIMEOUT_MAX_SECONDS, 10)), (2, (2, 2))]
)
def test_every_call_has_connect_timeout_at_most_3s_and_the_configured_read_timeout(
    klarna_http: responses.RequestsMock, configured: float, expected: tuple[float, float]
) -> None:
    client = KlarnaClient(MOCK_API_URL, "u", "p", timeout=configured)
    klarna_http.get(SESSION_URL, json={"status": "incomplete"})
    klarna_http.get(OM_URL, status=404, json={"error_code": "NO_SUCH_ORDER"})
    client.read_session(SESSION_ID)
    with pytest.raises(KlarnaNotFoundError):
        client.get_order(ORDER_ID)
    assert [call.request.req_kwargs["timeout"] for call in klarna_http.calls] == [expected] * 2


def test_read_session_returns_status_expiry_amount_and_categories(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.get(
        SESSION_URL,
        json={
            "status": "incomplete",
            "expires_at": "2026-01-03T10:00:00.000Z",
            "order_amount": 9500,
            "client_token": "eyJ.a.b",
            "payment_method_categories": [CATEGORY],
        },
    )
    details = klarna_api.read_session(SESSION_ID)
    assert details.session_id == SESSION_ID
    assert details.status == "incomplete"
    assert details.expires_at == datetime(2026, 1, 3, 10, 0, tzinfo=UTC)
    assert details.order_amount_minor == 9500
    assert [category.identifier for category in details.payment_method_categories] == ["pay_later"]


def test_update_session_accepts_204_with_octet_stream_content_type(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    # Klarna answers 204 with Content-Type application/octet-stream (its PHP SDK notes it).
    klarna_http.post(SESSION_URL, status=204, content_type="application/octet-stream")
    assert klarna_api.update_session(SESSION_ID, PAYLOAD) is None
    assert sent_json(klarna_http.calls[0]) == PAYLOAD


@pytest.mark.parametrize(
    ("payment_method", "expected"), [({"type": "invoice"}, "invoice"), ("invoice", "invoice")]
)
def test_create_order_reads_order_id_fraud_status_and_payment_method_in_either_shape(
    klarna_http: responses.RequestsMock,
    klarna_api: KlarnaClient,
    payment_method: Any,
    expected: str,
) -> None:
    klarna_http.post(ORDER_URL, json={**PLACED, "authorized_payment_method": payment_method})
    placed = klarna_api.create_order(TOKEN, PAYLOAD)
    assert (placed.order_id, placed.fraud_status) == (ORDER_ID, "ACCEPTED")
    assert placed.redirect_url == "https://payments.klarna.com/redirect/1"
    assert placed.authorized_payment_method == expected
    assert sent_json(klarna_http.calls[0]) == PAYLOAD


def test_tokens_from_the_browser_are_percent_encoded_into_the_path(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.delete(f"{MOCK_API_URL}/payments/v1/authorizations/..%2F..%2Fsessions", status=204)
    klarna_api.cancel_authorization("../../sessions")
    assert klarna_http.calls[0].request.method == "DELETE"


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.read_session(""),
        lambda client: client.update_session("", PAYLOAD),
        lambda client: client.create_order("", PAYLOAD),
        lambda client: client.get_order(""),
        lambda client: OrderManagement(client).cancel_order(ORDER_ID, idempotency_key=""),
    ],
)
def test_empty_id_or_key_is_refused_before_any_request(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient, call: Any
) -> None:
    with pytest.raises(ValueError, match=r"empty|idempotency key"):
        call(klarna_api)
    assert len(klarna_http.calls) == 0


@pytest.mark.parametrize(
    ("invoke", "method", "suffix", "body"),
    [
        (
            lambda c: OrderManagement(c).acknowledge_order(ORDER_ID, idempotency_key=KEY),
            "POST",
            "/acknowledge",
            None,
        ),
        (
            lambda c: OrderManagement(c).cancel_order(ORDER_ID, idempotency_key=KEY),
            "POST",
            "/cancel",
            None,
        ),
        (
            lambda c: OrderManagement(c).release_remaining_authorization(
                ORDER_ID, idempotency_key=KEY
            ),
            "POST",
            "/release-remaining-authorization",
            None,
        ),
        (
            lambda c: OrderManagement(c).extend_authorization_time(ORDER_ID, idempotency_key=KEY),
            "POST",
            "/extend-authorization-time",
            None,
        ),
        (
            lambda c: OrderManagement(c).update_merchant_references(
                ORDER_ID, idempotency_key=KEY, merchant_reference1="FF-1042"
            ),
            "PATCH",
            "/merchant-references",
            {"merchant_reference1": "FF-1042"},
        ),
    ],
)
def test_order_management_writes_send_the_idempotency_key(
    klarna_http: responses.RequestsMock,
    klarna_api: KlarnaClient,
    invoke: Any,
    method: str,
    suffix: str,
    body: Any,
) -> None:
    klarna_http.add(method, OM_URL + suffix, status=204)
    assert invoke(klarna_api) is None
    request = klarna_http.calls[0].request
    assert request.headers["Klarna-Idempotency-Key"] == KEY
    assert (json.loads(request.body) if request.body else None) == body


def test_capture_with_order_lines_returns_capture_id_and_location(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    location = f"{OM_URL}/captures/cap-1"
    klarna_http.post(
        f"{OM_URL}/captures", status=201, headers={"Capture-Id": "cap-1", "Location": location}
    )
    lines = [{"reference": "TS-1", "quantity": 1, "total_amount": 1000}]
    created = OrderManagement(klarna_api).capture_order(
        ORDER_ID, 1000, idempotency_key=KEY, order_lines=lines
    )
    assert created == CreatedResource("cap-1", location)
    assert sent_json(klarna_http.calls[0]) == {"captured_amount": 1000, "order_lines": lines}
    assert klarna_http.calls[0].request.headers["Klarna-Idempotency-Key"] == KEY


def test_refund_without_order_lines_sends_only_the_amount(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.post(f"{OM_URL}/refunds", status=201, headers={"Refund-Id": "ref-1"})
    created = OrderManagement(klarna_api).refund_order(ORDER_ID, 500, idempotency_key=KEY)
    assert created == CreatedResource("ref-1", None)
    assert sent_json(klarna_http.calls[0]) == {"refunded_amount": 500}


def test_capture_answer_without_capture_id_is_an_unknown_outcome(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.post(f"{OM_URL}/captures", status=201)
    with pytest.raises(KlarnaUnavailableError) as raised:
        OrderManagement(klarna_api).capture_order(ORDER_ID, 1000, idempotency_key=KEY)
    assert raised.value.outcome_unknown is True


def test_get_order_reads_state_and_amounts(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.get(
        OM_URL,
        json={
            "order_id": ORDER_ID,
            "status": "PART_CAPTURED",
            "fraud_status": "ACCEPTED",
            "order_amount": 2499,
            "captured_amount": 1000,
            "refunded_amount": 0,
            "remaining_authorized_amount": 1499,
            "purchase_currency": "GBP",
            "klarna_reference": "K4MADNY",
            "merchant_reference1": "FF-1042",
            "expires_at": "2026-02-01T00:00:00Z",
        },
    )
    order = klarna_api.get_order(ORDER_ID)
    assert (order.status, order.captured_amount_minor, order.remaining_authorized_amount_minor) == (
        "PART_CAPTURED",
        1000,
        1499,
    )
    assert (order.klarna_reference, order.merchant_reference1) == ("K4MADNY", "FF-1042")
    assert order.expires_at == datetime(2026, 2, 1, tzinfo=UTC)


# Errors: what a failed answer becomes.


def test_401_html_page_becomes_auth_error_pointing_at_region_and_environment(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    # The real answer to wrong credentials (docs/klarna-notes.md#wrong-credentials).
    klarna_http.post(
        f"{MOCK_API_URL}/payments/v1/sessions",
        status=401,
        content_type="text/html",
        headers={"WWW-Authenticate": 'Basic realm="very closed site"'},
        body="<html><head><title>401 Authorization Required</title></head></html>",
    )
    with pytest.raises(KlarnaAuthError) as raised:
        klarna_api.create_session(PAYLOAD)
    error = raised.value
    assert (error.status, error.error_code, error.error_messages) == (401, None, ())
    assert "Europe (EU) playground" in str(error)
    assert "another region" in str(error)
    assert MOCK_PASSWORD not in str(error)


def test_correlation_id_comes_from_the_body_or_else_the_header(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    bad_value = {"error_code": "BAD_VALUE", "error_messages": ["Bad value: order_amount"]}
    klarna_http.post(
        f"{MOCK_API_URL}/payments/v1/sessions",
        status=400,
        json={**bad_value, "correlation_id": "from-body"},
        headers={"Klarna-Correlation-Id": "from-header"},
    )
    klarna_http.post(
        f"{MOCK_API_URL}/payments/v1/sessions",
        status=400,
        json=bad_value,
        headers={"Klarna-Correlation-Id": "from-header"},
    )
    with pytest.raises(KlarnaValidationError) as first:
        klarna_api.create_session(PAYLOAD)
    with pytest.raises(KlarnaValidationError) as second:
        klarna_api.create_session(PAYLOAD)
    assert first.value.correlation_id == "from-body"
    assert second.value.correlation_id == "from-header"
    assert second.value.fields == ("order_amount",)


def test_409_on_create_order_carries_the_mismatched_fields(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.post(
        ORDER_URL,
        status=409,
        json={
            "correlation_id": "c-409",
            "error_code": "BAD_VALUE",
            "error_messages": ["Not matching fields: [billing_address.postal_code]"],
        },
    )
    with pytest.raises(KlarnaConflictError) as raised:
        klarna_api.create_order(TOKEN, PAYLOAD)
    assert raised.value.mismatched_fields == ("billing_address.postal_code",)
    assert raised.value.correlation_id == "c-409"


def test_html_502_from_a_proxy_becomes_unavailable_with_status(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.post(
        ORDER_URL, status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>"
    )
    with pytest.raises(KlarnaUnavailableError) as raised:
        klarna_api.create_order(TOKEN, PAYLOAD)
    assert (raised.value.status, raised.value.error_code, raised.value.outcome_unknown) == (
        502,
        None,
        True,
    )


def test_unreadable_success_answer_to_create_order_is_an_unknown_outcome(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    # Klarna may have placed the order; the caller must find out rather than assume.
    klarna_http.post(ORDER_URL, status=200, content_type="text/html", body="<html>ok</html>")
    with pytest.raises(KlarnaUnavailableError) as raised:
        klarna_api.create_order(TOKEN, PAYLOAD)
    assert raised.value.outcome_unknown is True
    assert raised.value.status == 200


# Retries: only where they cannot do harm.


def test_read_session_retries_gateway_errors_with_bounded_backoff(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient, backoff_sleeps: list[float]
) -> None:
    klarna_http.get(SESSION_URL, status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE"})
    klarna_http.get(SESSION_URL, status=502)
    klarna_http.get(SESSION_URL, json={"status": "complete"})
    assert klarna_api.read_session(SESSION_ID).status == "complete"
    assert len(klarna_http.calls) == 3
    assert backoff_sleeps == [0.2, 0.4]


def test_retries_stop_after_the_last_attempt(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient, backoff_sleeps: list[float]
) -> None:
    klarna_http.get(OM_URL, status=504)
    with pytest.raises(KlarnaUnavailableError) as raised:
        klarna_api.get_order(ORDER_ID)
    assert raised.value.status == 504
    assert len(klarna_http.calls) == 3
    assert len(backoff_sleeps) == 2


@pytest.mark.parametrize(("status", "code"), [(500, "INTERNAL_SERVER_ERROR"), (429, None)])
def test_read_is_not_retried_on_500_or_429(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient, status: int, code: str | None
) -> None:
    klarna_http.get(SESSION_URL, status=status, json={"error_code": code})
    with pytest.raises(KlarnaUnavailableError):
        klarna_api.read_session(SESSION_ID)
    assert len(klarna_http.calls) == 1


def test_read_is_not_retried_on_a_client_error(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.get(SESSION_URL, status=404, json={"error_code": "NOT_FOUND"})
    with pytest.raises(KlarnaNotFoundError):
        klarna_api.read_session(SESSION_ID)
    assert len(klarna_http.calls) == 1


@pytest.mark.parametrize(
    "failure",
    [
        responses.Response("POST", ORDER_URL, status=503),
        responses.Response("POST", ORDER_URL, body=requests.ReadTimeout("read timed out")),
        responses.Response("POST", ORDER_URL, body=requests.ConnectionError("reset by peer")),
    ],
    ids=["503", "read-timeout", "dropped-connection"],
)
def test_create_order_is_never_retried_once_the_request_may_have_arrived(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient, failure: responses.Response
) -> None:
    klarna_http.add(failure)
    with pytest.raises(KlarnaUnavailableError) as raised:
        klarna_api.create_order(TOKEN, PAYLOAD)
    assert raised.value.outcome_unknown is True
    assert len(klarna_http.calls) == 1


def test_create_session_is_not_retried_on_a_gateway_error(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.post(f"{MOCK_API_URL}/payments/v1/sessions", status=502)
    with pytest.raises(KlarnaUnavailableError):
        klarna_api.create_session(PAYLOAD)
    assert len(klarna_http.calls) == 1


def test_create_order_is_retried_when_the_connection_was_never_opened(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.post(ORDER_URL, body=requests.ConnectTimeout("connect timed out"))
    klarna_http.post(ORDER_URL, json=PLACED)
    assert klarna_api.create_order(TOKEN, PAYLOAD).order_id == ORDER_ID
    assert len(klarna_http.calls) == 2


def test_update_session_is_retried_after_a_read_timeout(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.post(SESSION_URL, body=requests.ReadTimeout("read timed out"))
    klarna_http.post(SESSION_URL, status=204)
    klarna_api.update_session(SESSION_ID, PAYLOAD)
    assert [sent_json(call) for call in klarna_http.calls] == [PAYLOAD, PAYLOAD]


def test_capture_is_retried_with_the_same_idempotency_key(
    klarna_http: responses.RequestsMock, klarna_api: KlarnaClient
) -> None:
    klarna_http.post(f"{OM_URL}/captures", status=504)
    klarna_http.post(f"{OM_URL}/captures", status=201, headers={"Capture-Id": "cap-1"})
    assert (
        OrderManagement(klarna_api).capture_order(ORDER_ID, 1000, idempotency_key=KEY).resource_id
        == "cap-1"
    )
    keys = [call.request.headers["Klarna-Idempotency-Key"] for call in klarna_http.calls]
    assert keys == [KEY, KEY]


def test_client_repr_names_the_endpoint_but_not_the_credentials(klarna_api: KlarnaClient) -> None:
    assert MOCK_API_URL in repr(klarna_api)
    assert MOCK_USERNAME not in repr(klarna_api)
    assert MOCK_PASSWORD not in repr(klarna_api)
