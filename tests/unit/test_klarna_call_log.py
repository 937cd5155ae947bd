"""One structured, scrubbed log line per Klarna call: facts in, personal data and secrets out."""

from __future__ import annotations

import json
import logging

import pytest
import requests
import responses

from storefront.klarna.call_log import SCRUBBED, mask_secret, scrub, scrub_path
from storefront.klarna.client import KlarnaClient
from tests.unit.conftest import MOCK_API_URL, MOCK_PASSWORD, MOCK_USERNAME

SESSION_ID = "068df369-13a7-4d47-a564-62f8408bb760"
TOKEN = "1eddf502-f3a0-45bf-b1fd-f2e3a2758200"
CLIENT_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzZXNzaW9uX2lkIjoiMSJ9.c2lnbmF0dXJl"
ADDRESS = {
    "given_name": "Testperson-se",
    "family_name": "Approved",
    "email": "customer@email.se",
    "phone": "+46765260000",
    "street_address": "Stårgatan 1",
    "postal_code": "12345",
    "city": "Ankeborg",
    "country": "SE",
}
ORDER_PAYLOAD = {
    "purchase_country": "SE",
    "order_amount": 9500,
    "order_lines": [{"name": "Battery Power Pack", "quantity": 1, "total_amount": 9500}],
    "billing_address": ADDRESS,
    "shipping_address": ADDRESS,
    "customer": {"date_of_birth": "1941-03-21", "national_identification_number": "410321-9202"},
}
PERSONAL_VALUES = [
    "Testperson-se",
    "Approved",
    "customer@email.se",
    "+46765260000",
    "Stårgatan",
    "12345",
    "Ankeborg",
    "1941-03-21",
    "410321-9202",
]


def klarna_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "storefront.klarna"]


def test_scrub_replaces_personal_data_at_any_depth_and_keeps_the_rest() -> None:
    clean = scrub(ORDER_PAYLOAD)
    assert clean["billing_address"]["given_name"] == SCRUBBED
    assert clean["shipping_address"]["email"] == SCRUBBED
    assert clean["customer"]["date_of_birth"] == SCRUBBED
    assert clean["billing_address"]["country"] == "SE"
    assert clean["order_lines"][0]["name"] == "Battery Power Pack"
    assert clean["order_amount"] == 9500
    assert ORDER_PAYLOAD["billing_address"]["given_name"] == "Testperson-se"  # not mutated


def test_scrub_masks_tokens_and_emails_in_free_text() -> None:
    clean = scrub({"client_token": CLIENT_TOKEN, "note": "mail jane.doe+x@example.co.uk now"})
    assert clean["client_token"] == CLIENT_TOKEN[:8] + "…"
    assert clean["note"] == f"mail {SCRUBBED} now"
    assert mask_secret("short") == "…"


def test_scrub_drops_the_query_of_merchant_urls_where_callback_secrets_live() -> None:
    body = {
        "merchant_urls": {
            "authorization": "https://shop.example/klarna/authorization?key=s3cret",
            "confirmation": "https://shop.example/orders/FF-1",
        }
    }
    assert scrub(body) == {
        "merchant_urls": {
            "authorization": f"https://shop.example/klarna/authorization?{SCRUBBED}",
            "confirmation": "https://shop.example/orders/FF-1",
        }
    }


def test_scrub_path_masks_the_authorization_token() -> None:
    path = scrub_path(f"/payments/v1/authorizations/{TOKEN}/order")
    assert path == "/payments/v1/authorizations/1eddf502…/order"


def test_successful_call_logs_one_info_line_with_the_call_facts(
    klarna_http: responses.RequestsMock,
    klarna_api: KlarnaClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    klarna_http.post(
        f"{MOCK_API_URL}/payments/v1/sessions",
        json={"session_id": SESSION_ID, "client_token": CLIENT_TOKEN},
        headers={"Klarna-Correlation-Id": "corr-42"},
    )
    caplog.set_level(logging.INFO, logger="storefront.klarna")
    klarna_api.create_session({"order_amount": 9500})

    [record] = klarna_lines(caplog)
    assert record.levelno == logging.INFO
    fields = record.klarna  # type: ignore[attr-defined]
    assert fields["operation"] == "create_session"
    assert (fields["method"], fields["path"]) == ("POST", "/payments/v1/sessions")
    assert (fields["status"], fields["attempt"], fields["outcome"]) == (200, 1, "ok")
    assert fields["correlation_id"] == "corr-42"
    assert fields["session_id"] == SESSION_ID
    assert isinstance(fields["duration_ms"], int)
    prefix, _, line = record.getMessage().partition(" ")
    assert prefix == "klarna_call"
    assert json.loads(line) == fields
    assert "response_body" not in fields  # bodies only at DEBUG level


def test_failed_attempts_log_a_warning_each_with_attempt_number_and_error(
    klarna_http: responses.RequestsMock,
    klarna_api: KlarnaClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"{MOCK_API_URL}/payments/v1/sessions/{SESSION_ID}"
    klarna_http.get(url, body=requests.ReadTimeout("read timed out"))
    klarna_http.get(url, status=503, json={"error_code": "TEMPORARILY_UNAVAILABLE"})
    klarna_http.get(url, json={"status": "incomplete"})
    caplog.set_level(logging.INFO, logger="storefront.klarna")
    klarna_api.read_session(SESSION_ID)

    records = klarna_lines(caplog)
    assert [record.levelno for record in records] == [logging.WARNING] * 2 + [logging.INFO]
    fields = [record.klarna for record in records]  # type: ignore[attr-defined]
    assert [entry["attempt"] for entry in fields] == [1, 2, 3]
    assert fields[0]["error"] == "KlarnaUnavailableError"
    assert fields[0]["outcome_unknown"] is True
    assert "status" not in fields[0]  # no HTTP answer at all
    assert (fields[1]["status"], fields[1]["error_code"]) == (503, "TEMPORARILY_UNAVAILABLE")
    assert all(entry["session_id"] == SESSION_ID for entry in fields)


def test_debug_lines_carry_scrubbed_bodies_and_never_personal_data_or_secrets(
    klarna_http: responses.RequestsMock,
    klarna_api: KlarnaClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    klarna_http.post(
        f"{MOCK_API_URL}/payments/v1/authorizations/{TOKEN}/order",
        status=409,
        json={
            "error_code": "BAD_VALUE",
            "error_messages": ["Not matching fields: [billing_address.postal_code]"],
            "correlation_id": "corr-409",
        },
    )
    caplog.set_level(logging.DEBUG, logger="storefront.klarna")
    with pytest.raises(Exception, match="409"):
        klarna_api.create_order(TOKEN, ORDER_PAYLOAD)

    [record] = klarna_lines(caplog)
    message = record.getMessage()
    logged = json.loads(message.partition(" ")[2])
    assert logged["request_body"]["order_amount"] == 9500  # the body is there, scrubbed
    assert logged["request_body"]["billing_address"]["city"] == SCRUBBED
    assert logged["error_messages"] == ["Not matching fields: [billing_address.postal_code]"]
    assert logged["correlation_id"] == "corr-409"
    for secret in [*PERSONAL_VALUES, TOKEN, MOCK_PASSWORD, MOCK_USERNAME, "Authorization"]:
        assert secret not in message
        assert secret not in str(record.klarna)  # type: ignore[attr-defined]


def test_nothing_is_logged_when_the_logger_is_silenced(
    klarna_http: responses.RequestsMock,
    klarna_api: KlarnaClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    klarna_http.get(f"{MOCK_API_URL}/payments/v1/sessions/{SESSION_ID}", json={"status": "x"})
    caplog.set_level(logging.ERROR, logger="storefront.klarna")
    klarna_api.read_session(SESSION_ID)
    assert klarna_lines(caplog) == []
