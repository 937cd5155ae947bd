"""Klarna's validation rules as pure functions: arithmetic, tax styles, markets, names."""

from __future__ import annotations

from typing import Any

import pytest

from klarna_emulator.errors import BadValue
from klarna_emulator.validation import (
    expected_order_tax,
    field_name,
    first_problems,
    line_tax_is_consistent,
    market_stage,
    name_is_valid,
    purchase_stages,
    require_valid,
)
from tests.support.klarna_examples import gb_cart, us_sales_tax


@pytest.mark.parametrize(
    ("total", "rate", "tax", "consistent"),
    [
        (2000, 2000, 333, True),  # 333.33...
        (2000, 2000, 334, True),  # within +1
        (2000, 2000, 332, False),  # 1.33 below the exact 333.33
        (2000, 2000, 335, False),
        (2000, 2000, 331, False),
        (-500, 2000, -83, True),  # discount lines carry negative tax
        (-500, 2000, 83, False),
        (1000, 0, 0, True),
        (1000, 0, 2, False),
        (495, 700, 41, False),  # krokedil #169: 32.38 expected
        (9500, 2500, 1900, True),  # Klarna's SE example
    ],
)
def test_line_tax_is_within_one_minor_unit(
    total: int, rate: int, tax: int, consistent: bool
) -> None:
    assert line_tax_is_consistent(total, rate, tax) is consistent


def test_expected_order_tax_allows_one_per_taxed_line() -> None:
    assert expected_order_tax(gb_cart()["order_lines"]) == (416, 2)


def test_expected_order_tax_of_us_style_lines_is_the_sales_tax_line_exactly() -> None:
    assert expected_order_tax(us_sales_tax()["order_lines"]) == (1000, 0)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (["order_lines", 1, "total_tax_amount"], "order_lines[1].total_tax_amount"),
        (["locale"], "locale"),
        (["a", "b"], "a.b"),
    ],
)
def test_field_name_spells_paths_like_klarna(path: list[str | int], name: str) -> None:
    assert field_name(path) == name


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("Anna", True),
        ("O'Brien", True),
        ("Jean-Luc", True),
        ("Åsa", True),
        ("St. John", True),
        ("D\u2019Angelo", True),
        ("A", False),
        ("12345", False),
        ("", False),
        ("Robert'); DROP", False),
    ],
)
def test_names_follow_klarnas_character_rules(name: str, valid: bool) -> None:
    assert name_is_valid(name) is valid


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        ({}, ["purchase_currency", "purchase_country"]),
        ({"purchase_country": "GB", "purchase_currency": "GBP"}, []),
        ({"purchase_country": "gb", "purchase_currency": "gbp", "locale": "EN-gb"}, []),
        ({"purchase_country": "GB", "purchase_currency": "EUR"}, ["purchase_currency"]),
        ({"purchase_country": "GB", "purchase_currency": "GBP", "locale": "en-US"}, ["locale"]),
        ({"purchase_country": "ZZ", "purchase_currency": "GBP"}, ["purchase_country"]),
        ({"purchase_country": 44, "purchase_currency": "GBP"}, ["purchase_country"]),
        # JSON null is a bad value, not an absent field (Klarna types all three as strings).
        ({"purchase_country": "GB", "purchase_currency": "GBP", "locale": None}, ["locale"]),
        ({"purchase_country": None, "purchase_currency": "GBP"}, ["purchase_country"]),
        ({"purchase_country": "GB", "purchase_currency": None}, ["purchase_currency"]),
        (
            {
                "purchase_country": "GB",
                "purchase_currency": "GBP",
                "billing_address": {"country": "US"},
            },
            ["purchase_currency"],
        ),
    ],
)
def test_market_stage(body: dict[str, Any], problems: list[str]) -> None:
    assert market_stage(body)() == problems


def test_stages_answer_with_the_first_that_finds_problems() -> None:
    cart = gb_cart()
    cart["order_lines"][0]["total_tax_amount"] = 1
    cart["order_amount"] = 1  # also wrong, but the line stage answers first

    assert first_problems(*purchase_stages("payments", "session_create", cart)) == [
        "order_lines[0].total_tax_amount"
    ]


def test_require_valid_raises_bad_value_naming_all_fields() -> None:
    with pytest.raises(BadValue) as raised:
        require_valid(lambda: ["a", "b[0].c"])

    assert (raised.value.status, raised.value.messages) == (400, ["Bad value: a, b[0].c"])
