"""Payment method categories: which a session is offered, how they look, what they authorize.

Klarna docs: https://docs.klarna.com/klarna-payments/api/payments-api (payment_method_category:
`klarna`, `pay_later`, `pay_now`, `pay_over_time`, ...). Current accounts get the single
`klarna` category; older accounts get the split ones. Names and assets come from Klarna and are
shown as given (https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-2-checkout).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from klarna_emulator.domain.markets import PAY_NOW_MARKETS

KLARNA = "klarna"
PAY_NOW = "pay_now"
PAY_LATER = "pay_later"
PAY_OVER_TIME = "pay_over_time"

CATEGORY_NAMES = {
    KLARNA: "Pay with Klarna",
    PAY_NOW: "Pay Now",
    PAY_LATER: "Pay later.",
    PAY_OVER_TIME: "Slice it.",
}

# Klarna's generic badge path on its CDN; the emulator serves it on its own origin so the
# shop's pages stay offline.
BADGE_PATH = "/payment-method/assets/badges/generic/klarna.svg"

# Categories whose authorize() answers `finalize_required` when called with auto_finalize false
# (bank-transfer style payments that take the money at once).
FINALIZE_CATEGORIES = frozenset({KLARNA, PAY_NOW})

# What an order placed in each category reports: `authorized_payment_method` (Payments API)
# and `initial_payment_method` (Order Management API).
AUTHORIZED_PAYMENT_METHODS: dict[str, dict[str, Any]] = {
    KLARNA: {"type": "invoice", "number_of_days": 30},
    PAY_NOW: {"type": "direct_debit"},
    PAY_LATER: {"type": "invoice", "number_of_days": 30},
    PAY_OVER_TIME: {"type": "fixed_amount", "number_of_installments": 3},
}
INITIAL_PAYMENT_METHODS: dict[str, dict[str, Any]] = {
    KLARNA: {"type": "INVOICE", "description": "Pay in 30 days"},
    PAY_NOW: {"type": "DIRECT_DEBIT", "description": "Pay now"},
    PAY_LATER: {"type": "INVOICE", "description": "Pay in 30 days"},
    PAY_OVER_TIME: {
        "type": "FIXED_AMOUNT",
        "description": "Slice it (Fixed Payments)",
        "number_of_installments": 3,
    },
}


def offered_categories(
    mode: str,
    pay_over_time_minimum_minor: Mapping[str, int],
    country: str,
    currency: str,
    order_amount: int,
) -> list[str]:
    """The identifiers offered for a purchase, in display order.

    "klarna" mode offers the single modern category. "split" mode offers pay_now in direct-debit
    markets, pay_later everywhere, and pay_over_time only from the currency's minimum amount,
    so a cart edit can change what the widget shows.
    """
    if mode == KLARNA:
        return [KLARNA]
    offered = [PAY_NOW] if country.upper() in PAY_NOW_MARKETS else []
    offered.append(PAY_LATER)
    minimum = pay_over_time_minimum_minor.get(currency.upper())
    if minimum is not None and order_amount >= minimum:
        offered.append(PAY_OVER_TIME)
    return offered


def category_view(identifier: str, base_url: str) -> dict[str, Any]:
    """A category as Klarna's responses show it: identifier, name and asset URLs."""
    badge = f"{base_url.rstrip('/')}{BADGE_PATH}"
    return {
        "identifier": identifier,
        "name": CATEGORY_NAMES[identifier],
        "asset_urls": {"descriptive": badge, "standard": badge},
    }
