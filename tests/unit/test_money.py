"""Money helpers: the one rounding rule, exact allocation, Klarna's VAT formula, formatting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.money import (
    allocate,
    divide_half_up,
    format_money,
    format_rate,
    percentage_of,
    tax_included_in,
)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(0, 3, 0), (1, 3, 0), (3, 2, 2), (5, 2, 3), (7, 2, 4), (10, 4, 3), (9, 4, 2)],
)
def test_divide_half_up_rounds_halves_up(numerator: int, denominator: int, expected: int) -> None:
    assert divide_half_up(numerator, denominator) == expected


def test_divide_half_up_refuses_negative_amounts() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        divide_half_up(-1, 2)


@pytest.mark.parametrize(
    ("gross", "rate", "tax"),
    # The worked GB cart (docs/klarna-notes.md#worked-gb-cart): 333.3 -> 333 and 83.2 -> 83.
    [(2000, 2000, 333), (499, 2000, 83), (59500, 2000, 9917), (2900, 2000, 483), (495, 700, 32)],
)
def test_tax_included_in_matches_klarnas_examples(gross: int, rate: int, tax: int) -> None:
    assert tax_included_in(gross, rate) == tax


def test_percentage_of_rounds_once() -> None:
    assert percentage_of(2999, 725) == 217  # 217.43
    assert percentage_of(1000, 1000) == 100


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (10, [3, 3, 4], [3, 3, 4]),
        (1, [5, 5], [1, 0]),
        (0, [0, 0], [0, 0]),
        (399, [1800, 2025], [188, 211]),
    ],
)
def test_allocate_splits_by_largest_remainder(total: int, weights: list, parts: list) -> None:
    assert allocate(total, weights) == parts


@given(
    weights=st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=30),
    fraction=st.fractions(min_value=0, max_value=1),
)
def test_allocate_parts_add_up_and_never_exceed_their_weight(weights: list, fraction) -> None:
    total = int(sum(weights) * fraction)
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert all(0 <= part <= weight for part, weight in zip(parts, weights, strict=True))


def test_allocate_refuses_a_total_without_weights() -> None:
    with pytest.raises(ValueError, match="zero weights"):
        allocate(5, [0, 0])


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "text"),
    [
        (123456, "USD", "en-US", "$1,234.56"),
        (123456, "GBP", "en-GB", "£1,234.56"),
        (123456, "EUR", "de-DE", "1.234,56\xa0€"),
        (123456, "SEK", "sv-SE", "1\xa0234,56\xa0kr"),
    ],
)
def test_format_money_follows_the_locale(
    amount: int, currency: str, locale: str, text: str
) -> None:
    assert format_money(amount, currency, locale) == text


@pytest.mark.parametrize(
    ("rate", "text"), [(2000, "20 %"), (725, "7.25 %"), (650, "6.5 %"), (0, "0 %")]
)
def test_format_rate_drops_needless_decimals(rate: int, text: str) -> None:
    assert format_rate(rate) == text
