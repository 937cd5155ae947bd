"""The widget's plan line: amounts per locale, instalments that add up, one line per category."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klarna_emulator.sdk.plans import (
    format_money,
    instalment_amounts,
    plan_summary,
    purchase_plan,
    subscription_summary,
)
from tests.support.klarna_examples import gb_free_trial_cart, gb_subscription_cart


@pytest.mark.parametrize(
    ("amount_minor", "currency", "locale", "expected"),
    [
        (2499, "GBP", "en-GB", "£24.99"),
        (1250, "USD", "en-US", "$12.50"),
        (4999, "EUR", "de-DE", "49,99\u00a0€"),
        (9500, "SEK", "sv-SE", "95,00\u00a0kr"),
        (5, "EUR", "en-IE", "€0.05"),
    ],
)
def test_format_money_writes_minor_units_the_locales_way(
    amount_minor: int, currency: str, locale: str, expected: str
) -> None:
    assert format_money(amount_minor, currency, locale) == expected


@pytest.mark.parametrize(
    ("category", "amount_minor", "expected"),
    [
        ("pay_later", 4999, "Pay in 30 days: £49.99"),
        ("klarna", 4999, "Pay in 30 days: £49.99"),
        ("pay_now", 4999, "Pay now: £49.99"),
        ("pay_over_time", 6000, "3 interest-free payments of £20.00"),
        ("pay_over_time", 6499, "3 interest-free payments: £21.67 today, then 2 of £21.66"),
    ],
)
def test_plan_summary_describes_each_category(
    category: str, amount_minor: int, expected: str
) -> None:
    assert plan_summary(category, amount_minor, "GBP", "en-GB") == expected


@given(amount=st.integers(min_value=0, max_value=10**9), count=st.integers(1, 24))
def test_instalments_add_up_to_the_amount_and_differ_by_less_than_the_count(
    amount: int, count: int
) -> None:
    first, later = instalment_amounts(amount, count)

    assert first + later * (count - 1) == amount
    assert 0 <= first - later < count


@pytest.mark.parametrize(
    ("interval", "count", "expected"),
    [
        ("MONTH", 1, "Socks, every month"),
        ("MONTH", 3, "Socks, every 3 months"),
        ("DAY", 1, "Socks, every day"),
        ("WEEK", 2, "Socks, every 2 weeks"),
        ("YEAR", 1, "Socks, every year"),
    ],
)
def test_subscription_summary_names_the_cadence(interval: str, count: int, expected: str) -> None:
    subscription = {"name": "Socks", "interval": interval, "interval_count": count}

    assert subscription_summary(subscription) == expected


@pytest.mark.parametrize(
    ("purchase", "expected"),
    [
        (gb_free_trial_cart(), "Nothing to pay now"),
        ({**gb_subscription_cart(), "intent": "tokenize"}, "Nothing to pay now"),
        (gb_subscription_cart("buy_and_tokenize"), "Pay in 30 days: £24.99"),
        (gb_subscription_cart("buy_and_default_tokenize"), "Pay in 30 days: £24.99"),
        ({**gb_subscription_cart(), "intent": "buy"}, "Pay in 30 days: £24.99"),
    ],
)
def test_a_tokenize_purchase_has_nothing_to_pay_now(purchase: dict, expected: str) -> None:
    assert purchase_plan("pay_later", purchase) == expected
