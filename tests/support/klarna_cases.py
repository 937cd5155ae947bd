"""Klarna's documented payload cases, shared by the pre-flight and the emulator tests.

Each case is a create-session body from Klarna's documentation (the pages below), the
project's worked GB cart (docs/klarna-notes.md#worked-gb-cart) or a recorded exchange, or one
documented rule broken on purpose, with the fields Klarna names in its
`Bad value: ...` answer (none: Klarna accepts the body). The storefront's pre-flight validator
and the emulator's create-session must agree on every one of them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

TAX_HANDLING = "https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling"
STEP_1 = "https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment"
MARKETS = "https://docs.klarna.com/payments/web-payments/before-you-start/data-requirements/puchase-countries-currencies-locales"


@dataclass(frozen=True)
class KlarnaCase:
    """A payload, where it comes from, and the fields Klarna rejects in it (empty: accepted)."""

    name: str
    source: str
    payload: dict[str, Any]
    rejected_fields: tuple[str, ...] = ()


def line(
    total: int,
    tax: int,
    rate: int,
    *,
    kind: str = "physical",
    quantity: int = 1,
    discount: int = 0,
    name: str = "Battery Power Pack",
) -> dict[str, Any]:
    """An order line whose unit price makes quantity x unit_price - discount = total."""
    return {
        "type": kind,
        "reference": "19-402",
        "name": name,
        "quantity": quantity,
        "unit_price": (total + discount) // quantity,
        "tax_rate": rate,
        "total_amount": total,
        "total_discount_amount": discount,
        "total_tax_amount": tax,
    }


def session(country: str, currency: str, locale: str, amount: int, tax: int, *lines: dict) -> dict:
    """A create-session body."""
    return {
        "purchase_country": country,
        "purchase_currency": currency,
        "locale": locale,
        "order_amount": amount,
        "order_tax_amount": tax,
        "order_lines": list(lines),
    }


WORKED_GB_CART = session(
    "GB",
    "GBP",
    "en-GB",
    2499,
    416,
    line(2000, 333, 2000, quantity=2, name="T-shirt"),
    line(499, 83, 2000, kind="shipping_fee", name="Standard shipping"),
)


def changed(payload: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A deep copy of a payload with some top-level fields replaced."""
    return {**copy.deepcopy(payload), **fields}


KLARNA_CASES: tuple[KlarnaCase, ...] = (
    KlarnaCase("worked GB cart, 20 % VAT", "docs/klarna-notes.md#worked-gb-cart", WORKED_GB_CART),
    KlarnaCase(
        "SE minimal example with a line discount",
        STEP_1,
        session("SE", "SEK", "en-SE", 9500, 1900, line(9500, 1900, 2500, discount=500)),
    ),
    KlarnaCase(
        "EU example 1: two lines at 20 %, accepted",
        TAX_HANDLING,
        session("GB", "GBP", "en-GB", 62400, 10400, line(59500, 9917, 2000), line(2900, 483, 2000)),
    ),
    KlarnaCase(
        # The amounts imply 20 % (net 59500 + 11900 tax), but tax_rate says 25 %.
        "EU example 2: order tax adds up, line tax does not match the rate",
        TAX_HANDLING,
        session(
            "GB", "GBP", "en-GB", 74880, 12480, line(71400, 11900, 2500), line(3480, 580, 2500)
        ),
        ("order_lines[0].total_tax_amount", "order_lines[1].total_tax_amount"),
    ),
    KlarnaCase(
        "7 % line with the tax of another rate (merchant log)",
        "krokedil/klarna-payments-for-woocommerce#169",
        session("DE", "EUR", "de-DE", 495, 41, line(495, 41, 700)),
        ("order_lines[0].total_tax_amount",),
    ),
    KlarnaCase(
        "US: net prices plus one sales_tax line",
        TAX_HANDLING,
        session(
            "US",
            "USD",
            "en-US",
            21000,
            1000,
            line(20000, 0, 0),
            line(1000, 0, 0, kind="sales_tax", name="Sales Tax"),
        ),
    ),
    KlarnaCase(
        "empty body",
        "docs/klarna-notes.md#empty-create-session-body",
        {},
        ("purchase_currency", "purchase_country"),
    ),
    KlarnaCase(
        "order_amount is not the sum of the lines",
        TAX_HANDLING,
        changed(WORKED_GB_CART, order_amount=2500),
        ("order_amount",),
    ),
    KlarnaCase(
        "order_tax_amount far from the lines' tax",
        TAX_HANDLING,
        changed(WORKED_GB_CART, order_tax_amount=500),
        ("order_tax_amount",),
    ),
    KlarnaCase(
        "line total is not quantity x unit_price - discount",
        "https://docs.klarna.com/klarna-payments/api/payments-api",
        changed(
            WORKED_GB_CART,
            order_amount=2599,
            order_lines=[
                {**WORKED_GB_CART["order_lines"][0], "total_amount": 2100},
                WORKED_GB_CART["order_lines"][1],
            ],
        ),
        ("order_lines[0].total_amount",),
    ),
    KlarnaCase(
        "currency that is not the country's own",
        MARKETS,
        changed(WORKED_GB_CART, purchase_currency="EUR"),
        ("purchase_currency",),
    ),
    KlarnaCase(
        "locale not allowed for the country",
        MARKETS,
        changed(WORKED_GB_CART, locale="de-DE"),
        ("locale",),
    ),
)
