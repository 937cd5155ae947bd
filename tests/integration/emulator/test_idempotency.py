"""`Klarna-Idempotency-Key`: a repeated write replays the first result, applied only once."""

from __future__ import annotations

import re

import pytest
from flask import Flask, Response

from klarna_emulator.api.common import IDEMPOTENCY_HEADER, idempotent
from klarna_emulator.emulator import Emulator
from tests.support.emulator_client import KlarnaApiClient
from tests.support.emulator_flows import error_of, place_order
from tests.support.openapi import api_of, operation

ORDERS = "/ordermanagement/v1/orders"
KEY = {"Klarna-Idempotency-Key": "5d1c2a9e-34d2-4a0b-a2b5-7c0c7e1f2a11"}
# Every view `idempotent` wraps runs this one code object.
IDEMPOTENT_WRAPPER = idempotent(Response).__code__


@pytest.fixture
def order_id(api: KlarnaApiClient) -> str:
    """A placed order of 2499."""
    return place_order(api)


def test_the_key_is_honoured_exactly_where_klarnas_openapi_declares_it(
    emulator_app: Flask,
) -> None:
    honoured: set[tuple[str, str]] = set()
    declared: set[tuple[str, str]] = set()
    for rule in emulator_app.url_map.iter_rules():
        path = re.sub(r"<[^>]+>", "x", rule.rule)
        api = api_of(path)
        if api is None:
            continue
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            found = operation(api, method, path) or {}
            if any(p.get("name") == IDEMPOTENCY_HEADER for p in found.get("parameters", [])):
                declared.add((method, rule.rule))
            if emulator_app.view_functions[rule.endpoint].__code__ is IDEMPOTENT_WRAPPER:
                honoured.add((method, rule.rule))

    assert ("POST", "/customer-token/v1/tokens/<customer_token>/order") in honoured
    assert honoured == declared


def test_repeated_capture_with_the_same_key_captures_once(
    api: KlarnaApiClient, order_id: str
) -> None:
    first = api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": 1000}, headers=KEY)
    second = api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": 1000}, headers=KEY)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers["Capture-Id"] == first.headers["Capture-Id"]
    assert second.headers["Location"] == first.headers["Location"]
    assert api.get(f"{ORDERS}/{order_id}").json["captured_amount"] == 1000


def test_only_the_key_matters_not_the_body(api: KlarnaApiClient, order_id: str) -> None:
    api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": 1000}, headers=KEY)

    repeat = api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": 5}, headers=KEY)

    assert repeat.status_code == 201
    assert api.get(f"{ORDERS}/{order_id}").json["captured_amount"] == 1000


def test_a_refused_first_attempt_is_replayed_too(api: KlarnaApiClient, order_id: str) -> None:
    first = api.post(f"{ORDERS}/{order_id}/refunds", json={"refunded_amount": 100}, headers=KEY)
    api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": 2499})

    repeat = api.post(f"{ORDERS}/{order_id}/refunds", json={"refunded_amount": 100}, headers=KEY)

    assert error_of(first)[:2] == error_of(repeat)[:2] == (403, "REFUND_NOT_ALLOWED")
    assert api.get(f"{ORDERS}/{order_id}").json["refunded_amount"] == 0


def test_a_key_is_forgotten_after_24_hours(api: KlarnaApiClient, order_id: str) -> None:
    api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": 1000}, headers=KEY)
    api.post("/_emulator/clock", json={"advance_seconds": 24 * 3600})

    again = api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": 1000}, headers=KEY)

    assert again.status_code == 201
    assert api.get(f"{ORDERS}/{order_id}").json["captured_amount"] == 2000


def test_a_key_past_its_24_hours_is_purged_from_memory(
    api: KlarnaApiClient, emulator: Emulator, order_id: str
) -> None:
    api.post(f"{ORDERS}/{order_id}/captures", json={"captured_amount": 1000}, headers=KEY)
    api.post("/_emulator/clock", json={"advance_seconds": 24 * 3600})

    api.post(f"{ORDERS}/{order_id}/acknowledge", headers={"Klarna-Idempotency-Key": "other"})

    assert set(emulator.store.idempotency) == {"other"}


def test_different_keys_are_different_operations(api: KlarnaApiClient, order_id: str) -> None:
    for key in ("key-1", "key-2"):
        api.post(
            f"{ORDERS}/{order_id}/captures",
            json={"captured_amount": 1000},
            headers={"Klarna-Idempotency-Key": key},
        )

    assert api.get(f"{ORDERS}/{order_id}").json["captured_amount"] == 2000


def test_a_repeated_cancel_with_the_same_key_answers_204_again(
    api: KlarnaApiClient, order_id: str
) -> None:
    first = api.post(f"{ORDERS}/{order_id}/cancel", headers=KEY)
    second = api.post(f"{ORDERS}/{order_id}/cancel", headers=KEY)
    without_key = api.post(f"{ORDERS}/{order_id}/cancel")

    assert (first.status_code, second.status_code) == (204, 204)
    assert error_of(without_key)[:2] == (403, "CANCEL_NOT_ALLOWED")
