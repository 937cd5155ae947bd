"""What the widget says about a category: its payment plan for the session's current amount.

Klarna's widget shows the plan the shopper will get ("Pay in 30 days", instalments), computed
from the session's amount, so reloading it after a cart update shows the new figures
(https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/update-the-cart).
The plans follow what an order of the category reports (`AUTHORIZED_PAYMENT_METHODS`), so the
widget and the order never disagree. The texts are English whatever the locale (a
documented limit of the emulator); the amounts are formatted for the session's locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, get_currency_precision

from klarna_emulator.domain.categories import AUTHORIZED_PAYMENT_METHODS, PAY_NOW
from klarna_emulator.domain.intents import BUYING, intent_of


def format_money(amount_minor: int, currency: str, locale: str) -> str:
    """An amount in minor units as the locale writes it, e.g. `£24.99` or `49,99 €`."""
    amount = Decimal(amount_minor).scaleb(-get_currency_precision(currency.upper()))
    return format_currency(amount, currency.upper(), locale=locale.replace("-", "_"))


def instalment_amounts(amount_minor: int, count: int) -> tuple[int, int]:
    """The first instalment and each later one: equal parts, the first absorbing the rest."""
    later = amount_minor // count
    return amount_minor - later * (count - 1), later


def plan_summary(category: str, amount_minor: int, currency: str, locale: str) -> str:
    """One line describing how the shopper pays `amount_minor` with `category`."""
    method = AUTHORIZED_PAYMENT_METHODS[category]
    instalments = method.get("number_of_installments")
    if instalments:
        first, later = instalment_amounts(amount_minor, instalments)
        each = format_money(later, currency, locale)
        if first == later:
            return f"{instalments} interest-free payments of {each}"
        return (
            f"{instalments} interest-free payments: {format_money(first, currency, locale)} "
            f"today, then {instalments - 1} of {each}"
        )
    total = format_money(amount_minor, currency, locale)
    if category == PAY_NOW:
        return f"Pay now: {total}"
    return f"Pay in {method['number_of_days']} days: {total}"


NOTHING_NOW = "Nothing to pay now"


def purchase_plan(category: str, purchase: Mapping[str, Any]) -> str:
    """The plan for a session's purchase; a `tokenize` session charges nothing now."""
    if intent_of(purchase) not in BUYING:
        return NOTHING_NOW
    return plan_summary(
        category, purchase["order_amount"], purchase["purchase_currency"], purchase["locale"]
    )


INTERVAL_NOUNS = {"DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}


def subscription_summary(subscription: Mapping[str, Any]) -> str:
    """A subscription line's cadence, e.g. `Monthly socks, every month` or `…, every 3 weeks`."""
    noun = INTERVAL_NOUNS[subscription["interval"]]
    count = subscription["interval_count"]
    every = f"every {noun}" if count == 1 else f"every {count} {noun}s"
    return f"{subscription['name']}, {every}"
