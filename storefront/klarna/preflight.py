"""Pre-flight check: apply Klarna's documented payload rules before anything is sent to Klarna.

A payload that breaks one of these rules would come back as `400 BAD_VALUE`; checking first
turns that into a `PreflightError` naming the fields the way Klarna would (e.g.
`order_lines[0].total_tax_amount`), so a bad payload never leaves the shop.
Rules and sources:
- limits and required fields: Klarna's Payments OpenAPI,
  https://docs.klarna.com/klarna-payments/api/payments-api
- line and order arithmetic, VAT and US sales tax:
  https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling
- country, currency and locale:
  https://docs.klarna.com/payments/web-payments/before-you-start/data-requirements/puchase-countries-currencies-locales
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import address_rules

# Klarna's largest unit_price / total_amount of one order line (OpenAPI `order_line`).
MAX_LINE_AMOUNT = 100_000_000
MAX_ORDER_LINES = 1000
LINE_TYPES = frozenset(
    {
        "physical",
        "discount",
        "shipping_fee",
        "sales_tax",
        "digital",
        "gift_card",
        "store_credit",
        "surcharge",
    }
)

# purchase_country -> (local currency, allowed locales).
COUNTRIES: dict[str, tuple[str, frozenset[str]]] = {
    country: (currency, frozenset(locales.split()))
    for country, currency, locales in (
        ("AT", "EUR", "de-AT en-AT"),
        ("AU", "AUD", "en-AU"),
        ("BE", "EUR", "nl-BE fr-BE en-BE"),
        ("CA", "CAD", "en-CA fr-CA"),
        ("CH", "CHF", "de-CH fr-CH it-CH en-CH"),
        ("CZ", "CZK", "cs-CZ en-CZ"),
        ("DE", "EUR", "de-DE en-DE"),
        ("DK", "DKK", "da-DK en-DK"),
        ("ES", "EUR", "es-ES en-ES"),
        ("FI", "EUR", "fi-FI sv-FI en-FI"),
        ("FR", "EUR", "fr-FR en-FR"),
        ("GB", "GBP", "en-GB"),
        ("GR", "EUR", "el-GR en-GR"),
        ("HU", "HUF", "hu-HU en-HU"),
        ("IE", "EUR", "en-IE"),
        ("IT", "EUR", "it-IT en-IT"),
        ("MX", "MXN", "en-MX es-MX"),
        ("NL", "EUR", "nl-NL en-NL"),
        ("NO", "NOK", "nb-NO en-NO"),
        ("NZ", "NZD", "en-NZ"),
        ("PL", "PLN", "pl-PL en-PL"),
        ("PT", "EUR", "pt-PT en-PT"),
        ("RO", "RON", "ro-RO en-RO"),
        ("SE", "SEK", "sv-SE en-SE"),
        ("SK", "EUR", "sk-SK en-SK"),
        ("US", "USD", "en-US es-US"),
    )
}
REGION_REQUIRED = frozenset({"US", "AU"})
# Klarna's session intents; all but `buy` save the payment method as a customer token and
# need the `subscription` object on the lines they tokenize for.
# https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-1-initiate-a-payment
INTENTS = frozenset({"buy", "tokenize", "buy_and_tokenize", "buy_and_default_tokenize"})
TOKENIZING_INTENTS = INTENTS - {"buy"}
SUBSCRIPTION_INTERVALS = frozenset({"DAY", "WEEK", "MONTH", "YEAR"})


class PreflightError(ValueError):
    """A payload Klarna would refuse; `problems` lists each field as `<path>: <reason>`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Klarna would reject this payload: " + "; ".join(problems))
        self.problems = problems


def ensure_valid(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the payload if Klarna's rules hold, else raise PreflightError."""
    problems = payload_problems(payload)
    if problems:
        raise PreflightError(problems)
    return payload


def payload_problems(payload: Mapping[str, Any]) -> list[str]:
    """Every rule the payload breaks, as `<field path>: <reason>` (empty: Klarna accepts it)."""
    problems = [
        f"{name}: is required"
        for name in ("purchase_country", "purchase_currency", "order_amount", "order_lines")
        if name not in payload
    ]
    if problems:
        return problems
    problems += _market_problems(payload)
    for name in ("order_amount", "order_tax_amount"):
        if name in payload and not _is_int(payload[name], minimum=0):
            problems.append(f"{name}: must be a whole number of minor units, 0 or more")
    lines = payload["order_lines"]
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_ORDER_LINES:
        return [*problems, f"order_lines: must be a list of 1 to {MAX_ORDER_LINES} lines"]
    broken_lines = [
        f"order_lines[{index}].{problem}"
        for index, line in enumerate(lines)
        for problem in line_problems(line)
    ]
    # The order's sums only mean something once every line is sound.
    problems += broken_lines or _order_sum_problems(payload, lines)
    problems += intent_problems(payload, lines)
    for name in ("billing_address", "shipping_address"):
        if name in payload:
            country = payload["purchase_country"]
            problems += [f"{name}.{p}" for p in address_problems(payload[name], country)]
    return problems


def _market_problems(payload: Mapping[str, Any]) -> list[str]:
    """Klarna takes only the country's local currency and a locale allowed for the country."""
    country = payload["purchase_country"]
    if country not in COUNTRIES:
        return ["purchase_country: is not a Klarna Payments country"]
    currency, locales = COUNTRIES[country]
    problems = []
    if payload["purchase_currency"] != currency:
        problems.append(f"purchase_currency: must be {currency} for {country}")
    if "locale" in payload and payload["locale"] not in locales:
        problems.append(f"locale: must be one of {', '.join(sorted(locales))} for {country}")
    return problems


def line_problems(line: Any) -> list[str]:
    """What is wrong with one order line, as `<field>: <reason>`."""
    if not isinstance(line, Mapping):
        return ["line: must be an object"]
    problems = [f"{name}: {reason}" for name, reason in _line_field_problems(line)]
    if problems:
        return problems
    expected_total = line["quantity"] * line["unit_price"] - line.get("total_discount_amount", 0)
    if line["total_amount"] != expected_total:
        problems.append(
            "total_amount: must be quantity x unit_price - total_discount_amount"
            f" = {expected_total}"
        )
    elif not tax_within_tolerance(
        line["total_amount"], line.get("tax_rate", 0), line.get("total_tax_amount", 0)
    ):
        problems.append("total_tax_amount: must be within 1 of the tax the tax_rate implies")
    return problems


def intent_problems(payload: Mapping[str, Any], lines: list[Any]) -> list[str]:
    """A known `intent`; a tokenizing one needs at least one line with a `subscription`."""
    if "intent" not in payload:
        return []
    intent = payload["intent"]
    if intent not in INTENTS:
        return [f"intent: must be one of {', '.join(sorted(INTENTS))}"]
    subscribed = any(isinstance(line, Mapping) and "subscription" in line for line in lines)
    if intent in TOKENIZING_INTENTS and not subscribed:
        return [f"order_lines: intent {intent} needs a line with a subscription"]
    return []


def is_subscription(value: Any) -> bool:
    """Klarna's `subscription`: name 1..255, interval DAY|WEEK|MONTH|YEAR, interval_count >= 1."""
    return (
        isinstance(value, Mapping)
        and _is_text(value.get("name"), 1, 255)
        and value.get("interval") in SUBSCRIPTION_INTERVALS
        and _is_int(value.get("interval_count"), minimum=1)
    )


def tax_within_tolerance(total_amount: int, tax_rate: int, total_tax_amount: int) -> bool:
    """Klarna's per-line rule: tax within ±1 of total - total * 10000 / (10000 + tax_rate).

    Compared in integers, multiplied out by (10000 + tax_rate), so nothing is rounded.
    """
    scale = 10_000 + tax_rate
    return abs(total_tax_amount * scale - total_amount * tax_rate) <= scale


def _line_field_problems(line: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Types and limits of each order-line field (Klarna's OpenAPI `order_line`)."""
    checks: list[tuple[str, bool, Callable[[Any], bool], str]] = [
        ("type", False, lambda v: v in LINE_TYPES, "is not a Klarna line type"),
        ("name", True, lambda v: _is_text(v, 1, 255), "must be 1 to 255 characters"),
        ("reference", False, lambda v: _is_text(v, 0, 256), "must be at most 256 characters"),
        ("quantity", True, lambda v: _is_int(v, minimum=0), "must be a whole number >= 0"),
        ("quantity_unit", False, lambda v: _is_text(v, 1, 8), "must be 1 to 8 characters"),
        ("unit_price", True, lambda v: _is_int(v, maximum=MAX_LINE_AMOUNT), "out of range"),
        ("tax_rate", False, lambda v: _is_int(v, minimum=0, maximum=10_000), "must be 0-10000"),
        ("total_amount", True, lambda v: _is_int(v, maximum=MAX_LINE_AMOUNT), "out of range"),
        ("total_discount_amount", False, lambda v: _is_int(v, minimum=0), "must be >= 0"),
        ("total_tax_amount", False, _is_int, "must be a whole number"),
        ("product_url", False, lambda v: _is_text(v, 0, 1024), "must be at most 1024 chars"),
        ("image_url", False, lambda v: _is_text(v, 0, 1024), "must be at most 1024 chars"),
        ("subscription", False, is_subscription, "must be {name, interval, interval_count}"),
    ]
    problems = []
    for name, required, is_valid, reason in checks:
        if name not in line:
            if required:
                problems.append((name, "is required"))
        elif not is_valid(line[name]):
            problems.append((name, reason))
    return problems


def _order_sum_problems(payload: Mapping[str, Any], lines: list[Mapping[str, Any]]) -> list[str]:
    """order_amount is the sum of the lines; order_tax_amount the sum of their tax.

    Klarna tolerates an order_tax_amount off by up to the "items quantity", a tolerance whose
    meaning is UNCONFIRMED (docs/klarna-notes.md#order-tax-tolerance); the shop never needs
    it, so it demands the exact sum. With US `sales_tax` lines, the tax is their total
    (Klarna's US example).
    """
    problems = []
    line_total = sum(line["total_amount"] for line in lines)
    if payload["order_amount"] != line_total:
        problems.append(f"order_amount: must be the sum of the lines' total_amount = {line_total}")
    expected_tax = sum(
        line["total_amount"] if line.get("type") == "sales_tax" else line.get("total_tax_amount", 0)
        for line in lines
    )
    if payload.get("order_tax_amount", 0) != expected_tax:
        problems.append(f"order_tax_amount: must be the lines' tax = {expected_tax}")
    return problems


def address_problems(address: Any, purchase_country: str) -> list[str]:
    """What Klarna's authorize() would refuse in an address object, as `<field>: <reason>`."""
    if not isinstance(address, Mapping):
        return ["address: must be an object"]
    too_long = [
        f"{name}: must be at most {address_rules.MAX_FIELD_LENGTH} characters"
        for name, value in address.items()
        if not _is_text(value, 0, address_rules.MAX_FIELD_LENGTH)
    ]
    if too_long:
        return too_long
    country = address.get("country", "")
    checks = {
        "country": None if country == purchase_country else f"must be {purchase_country}",
        "given_name": address_rules.name_problem(address.get("given_name", "")),
        "family_name": address_rules.name_problem(address.get("family_name", "")),
        "email": address_rules.email_problem(address.get("email", "")),
        "phone": address_rules.phone_problem(address.get("phone", "")),
        "postal_code": address_rules.postal_code_problem(address.get("postal_code", ""), country),
        "region": "is required"
        if country in REGION_REQUIRED and not address.get("region")
        else None,
    }
    return [f"{name}: {problem}" for name, problem in checks.items() if problem]


def _is_int(value: Any, *, minimum: int | None = None, maximum: int | None = None) -> bool:
    """An int (never a bool or float) within the optional bounds."""
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return (minimum is None or value >= minimum) and (maximum is None or value <= maximum)


def _is_text(value: Any, shortest: int, longest: int) -> bool:
    """A string whose length is within the bounds."""
    return isinstance(value, str) and shortest <= len(value) <= longest
