"""Pre-flight validator: Klarna's documented cases, and each rule on its own."""

from __future__ import annotations

import pytest

from storefront.klarna.preflight import (
    PreflightError,
    ensure_valid,
    payload_problems,
    tax_within_tolerance,
)
from tests.support.klarna_cases import KLARNA_CASES, WORKED_GB_CART, KlarnaCase, changed


def fields(problems: list[str]) -> set[str]:
    """The field paths named by the problems."""
    return {problem.split(":")[0] for problem in problems}


@pytest.mark.parametrize("case", KLARNA_CASES, ids=lambda case: case.name)
def test_preflight_agrees_with_klarnas_documented_cases(case: KlarnaCase) -> None:
    problems = payload_problems(case.payload)
    if case.rejected_fields:
        assert set(case.rejected_fields) <= fields(problems)
    else:
        assert problems == []


def test_preflight_ensure_valid_raises_with_every_problem() -> None:
    with pytest.raises(PreflightError) as raised:
        ensure_valid(changed(WORKED_GB_CART, order_amount=1, purchase_currency="SEK"))
    assert fields(raised.value.problems) == {"purchase_currency", "order_amount"}


def test_preflight_refuses_floats_and_booleans_as_amounts() -> None:
    assert fields(payload_problems(changed(WORKED_GB_CART, order_amount=24.99))) == {"order_amount"}
    line = {**WORKED_GB_CART["order_lines"][0], "quantity": True}
    payload = changed(WORKED_GB_CART, order_lines=[line, WORKED_GB_CART["order_lines"][1]])
    assert fields(payload_problems(payload)) == {"order_lines[0].quantity"}


def test_preflight_refuses_line_amounts_above_klarnas_maximum() -> None:
    line = {
        **WORKED_GB_CART["order_lines"][0],
        "quantity": 1,
        "unit_price": 100_000_001,
        "total_amount": 100_000_001,
    }
    assert "order_lines[0].unit_price" in fields(
        payload_problems(changed(WORKED_GB_CART, order_lines=[line]))
    )


@pytest.mark.parametrize(
    ("total", "rate", "tax", "ok"),
    [
        (2000, 2000, 333, True),
        (2000, 2000, 334, True),
        (2000, 2000, 335, False),
        (-500, 2000, -83, True),
    ],
)
def test_tax_within_tolerance_allows_one_minor_unit(
    total: int, rate: int, tax: int, ok: bool
) -> None:
    assert tax_within_tolerance(total, rate, tax) is ok


def test_preflight_checks_addresses_like_authorize() -> None:
    address = {
        "given_name": "1",
        "family_name": "Person-uk",
        "email": "customer@email.uk",
        "phone": "+44",
        "street_address": "10 New Burlington Street",
        "postal_code": "W1S3BE",
        "city": "London",
        "country": "GB",
    }
    problems = payload_problems(changed(WORKED_GB_CART, billing_address=address))
    assert fields(problems) == {
        "billing_address.given_name",
        "billing_address.phone",
        "billing_address.postal_code",
    }


def test_preflight_requires_a_us_region_and_the_purchase_country() -> None:
    us = next(case.payload for case in KLARNA_CASES if case.payload.get("purchase_country") == "US")
    address = {
        "given_name": "Test",
        "family_name": "Person-us",
        "email": "customer@email.us",
        "phone": "+13106683312",
        "street_address": "509 Amsterdam Ave",
        "postal_code": "10024",
        "city": "New York",
        "country": "US",
    }
    assert fields(payload_problems(changed(us, shipping_address=address))) == {
        "shipping_address.region"
    }
    moved = {**address, "region": "NY", "country": "CA", "postal_code": "K1A 0B1"}
    assert fields(payload_problems(changed(us, shipping_address=moved))) == {
        "shipping_address.country"
    }
