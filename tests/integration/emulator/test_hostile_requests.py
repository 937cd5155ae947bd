"""Requests a hostile page or client can make: malformed input answers a clear 400, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from klarna_emulator.emulator import Emulator
from klarna_emulator.json_input import MAX_DEPTH
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import error_of
from tests.support.klarna_examples import gb_cart

FROZEN_NOW = {"now": "2025-03-03T12:00:00.000Z"}


def nested(depth: int) -> str:
    """A JSON array `depth` levels deep."""
    return "[" * depth + "]" * depth


def nested_value(depth: int) -> Any:
    """A Python list `depth` levels deep (built iteratively)."""
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_a_body_nested_too_deep_for_the_parser_is_a_bad_request(api: KlarnaApiClient) -> None:
    response = api.post(
        "/payments/v1/sessions", data=nested(50_000), content_type="application/json"
    )

    assert error_of(response) == (400, "BAD_REQUEST", [])


def test_a_field_nested_deeper_than_klarnas_bodies_is_a_bad_request(
    api: KlarnaApiClient, emulator: Emulator
) -> None:
    # Parsable, but hundreds deep: copying or serializing it would exhaust the stack.
    response = api.post("/payments/v1/sessions", json={**gb_cart(), "extra": nested_value(500)})

    assert error_of(response) == (400, "BAD_REQUEST", [])
    assert emulator.store.sessions == {}


def test_a_field_nested_as_deep_as_allowed_is_accepted(api: KlarnaApiClient) -> None:
    # The body object is one level, so the field may take the rest.
    body = {**gb_cart(), "extra": nested_value(MAX_DEPTH - 1)}

    assert api.post("/payments/v1/sessions", json=body).status_code == 200


def test_an_attachment_nested_too_deep_is_a_bad_value(api: KlarnaApiClient) -> None:
    attachment = {"content_type": "application/vnd.klarna.internal.emd-v2+json"}
    body = {**gb_cart(), "attachment": {**attachment, "body": nested(50_000)}}

    response = api.post("/payments/v1/sessions", json=body)

    assert error_of(response) == (400, "BAD_VALUE", ["Bad value: attachment.attachment"])


def test_the_clock_refuses_a_body_nested_too_deep(api: KlarnaApiClient) -> None:
    response = api.post("/_emulator/clock", data=nested(50_000), content_type="application/json")

    assert error_of(response) == (400, "BAD_REQUEST", [])
    assert api.get("/_emulator/clock").json == FROZEN_NOW


def test_a_frame_call_nested_too_deep_is_a_bad_request(api: KlarnaApiClient) -> None:
    response = api.post("/kp/sdk/v1/load", data=nested(50_000), content_type="application/json")

    assert error_of(response) == (400, "BAD_REQUEST", [])


def test_the_request_log_keeps_a_body_nested_too_deep_as_text(api: KlarnaApiClient) -> None:
    api.post("/payments/v1/sessions", data=nested(50_000), content_type="application/json")

    [entry] = api.get("/_emulator/requests").json["requests"]

    assert entry["body"] == nested(50_000)


@pytest.mark.parametrize(
    "origin", ["http://a.com\n", "http://a.com\r\n", "https://shop.example\n.evil"]
)
def test_frame_pages_refuse_an_origin_with_a_line_break(api: KlarnaApiClient, origin: str) -> None:
    response = api.get("/kp/sdk/v1/widget", query_string={"origin": origin})

    assert error_of(response)[:2] == (400, "BAD_REQUEST")
    assert "Content-Security-Policy" not in response.headers


def test_the_purchase_page_refuses_an_origin_with_a_line_break(api: KlarnaApiClient) -> None:
    response = api.get("/kp/sdk/v1/purchase?origin=http://a.com%0a")

    assert response.status_code == 400
