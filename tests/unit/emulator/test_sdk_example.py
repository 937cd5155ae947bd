"""The example page's carts: every market's cart is one Klarna accepts."""

from __future__ import annotations

import pytest

from klarna_emulator.sdk.example import MARKETS, example_purchase, rounded_ratio
from klarna_emulator.validation import order_lines_stage, order_totals_stage


@pytest.mark.parametrize("country", sorted(MARKETS))
@pytest.mark.parametrize("quantity", [1, 2, 7, 20])
def test_example_purchase_passes_klarnas_arithmetic(country: str, quantity: int) -> None:
    purchase = example_purchase(MARKETS[country], quantity)

    assert order_lines_stage(purchase)() == []
    assert order_totals_stage(purchase)() == []


def test_example_purchase_puts_us_sales_tax_on_its_own_line() -> None:
    purchase = example_purchase(MARKETS["US"], 2)

    assert [line["type"] for line in purchase["order_lines"]] == ["physical", "sales_tax"]
    assert purchase["order_tax_amount"] == purchase["order_lines"][1]["total_amount"] == 444


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"), [(5, 2, 3), (4, 2, 2), (7, 3, 2), (0, 9, 0)]
)
def test_rounded_ratio_rounds_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert rounded_ratio(numerator, denominator) == expected
