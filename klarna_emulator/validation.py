"""Request validation as Klarna does it: schema, market table, order-line arithmetic, addresses.

Each check returns the bad fields named exactly as Klarna names them
(`order_lines[1].total_tax_amount`); the checks run in stages and the first stage that finds
anything answers, all its fields in one message (`Bad value: purchase_currency, purchase_country`
is Klarna's recorded reply to an empty create-session body, which is why the market stage runs
first). Klarna docs for the rules:
https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/validations-in-kp
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeGuard

from jsonschema.exceptions import ValidationError

from klarna_emulator.domain.markets import REGION_REQUIRED, Market, locale_allowed, market_for
from klarna_emulator.errors import BadValue
from klarna_emulator.json_input import parse_json
from klarna_emulator.spec import ORDER_LINE_TYPES, schema_errors

Stage = Callable[[], list[str]]

COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")
CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}$")
# Addresses "must satisfy country standards"; a bad e-mail comes back as
# `billing_address.email` (https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/validations-in-kp).
# The emulator checks only the shape local@domain.tld.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Names: "Cannot be only numbers, must be more than 1 character. Allowed special characters:
# -'\u2019." (address schema, https://docs.klarna.com/klarna-payments/api/payments-api)
NAME_SPECIALS = frozenset(" -'\u2019.")
MARKET_FIELDS = frozenset({"purchase_country", "purchase_currency", "locale"})
# Order Management alone accepts `return_fee` lines (order_line schemas of both APIs).
PAYMENTS_LINE_TYPES = frozenset(ORDER_LINE_TYPES) - {"return_fee"}


def field_name(path: Iterable[str | int]) -> str:
    """Klarna's spelling of a JSON path: `order_lines[1].total_tax_amount`."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _error_fields(error: ValidationError) -> list[str]:
    path = list(error.absolute_path)
    required = error.validator_value  # for "required": the list of required names
    if error.validator == "required" and isinstance(error.instance, Mapping):
        assert isinstance(required, list)
        return [field_name([*path, name]) for name in required if name not in error.instance]
    return [field_name(path)]


def unique(fields: Iterable[str]) -> list[str]:
    """Fields in first-seen order, each once."""
    return list(dict.fromkeys(fields))


def first_problems(*stages: Stage) -> list[str]:
    """The bad fields of the first stage that finds any (later stages assume earlier ones pass)."""
    for stage in stages:
        problems = stage()
        if problems:
            return problems
    return []


def require_valid(*stages: Stage) -> None:
    """Raise Klarna's 400 BAD_VALUE naming the first stage's bad fields, if any."""
    problems = first_problems(*stages)
    if problems:
        raise BadValue(problems)


def schema_stage(api: str, schema: str, body: Any, skip: frozenset[str] = frozenset()) -> Stage:
    """Klarna's OpenAPI constraints: required fields, types, enums, lengths, patterns."""

    def stage() -> list[str]:
        fields = (
            field for error in schema_errors(api, schema, body) for field in _error_fields(error)
        )
        return unique(field for field in fields if field.split(".")[0].split("[")[0] not in skip)

    return stage


def _is_code(value: Any, pattern: re.Pattern[str]) -> TypeGuard[str]:
    return isinstance(value, str) and bool(pattern.match(value))


def _address(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    address = body.get(key)
    return address if isinstance(address, Mapping) else {}


def market_of(body: Mapping[str, Any]) -> Market | None:
    """The market of the body's purchase country, if it is one Klarna sells in."""
    country = body.get("purchase_country")
    return market_for(country) if _is_code(country, COUNTRY_CODE) else None


def market_stage(body: Mapping[str, Any]) -> Stage:
    """Country, currency and locale must form one of Klarna's markets.

    Klarna docs: https://docs.klarna.com/payments/web-payments/before-you-start/data-requirements/puchase-countries-currencies-locales
    The billing country overrides the purchase country (session schema), so a billing address
    in another market makes the currency wrong ("Bad value: purchase_currency" after a billing
    country change, https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/other-actions/update-the-cart).
    """

    def stage() -> list[str]:
        market = market_of(body)
        billing_country = _address(body, "billing_address").get("country")
        currency_market = (
            market_for(billing_country) if _is_code(billing_country, COUNTRY_CODE) else market
        )
        return currency_problems(body.get("purchase_currency"), currency_market) + (
            ["purchase_country"] if market is None else locale_problems(body, market)
        )

    return stage


def currency_problems(currency: Any, market: Market | None) -> list[str]:
    """`purchase_currency` must be a currency code, and the market's own when it is known."""
    if not _is_code(currency, CURRENCY_CODE):
        return ["purchase_currency"]
    if market is not None and currency.upper() != market.currency:
        return ["purchase_currency"]
    return []


def locale_problems(body: Mapping[str, Any], market: Market) -> list[str]:
    """An absent locale is defaulted; a present one must be one of the market's locales.

    JSON null is present, not absent: Klarna types `locale` as a string (payments-api), so
    `"locale": null` is a bad value like any other non-string.
    """
    if "locale" not in body:
        return []
    locale = body["locale"]
    return [] if isinstance(locale, str) and locale_allowed(market, locale) else ["locale"]


def _amount(line: Mapping[str, Any], key: str) -> int:
    value = line.get(key)
    return value if isinstance(value, int) else 0


def line_tax_is_consistent(total_amount: int, tax_rate: int, total_tax_amount: int) -> bool:
    """A line's tax must be within ±1 of `total_amount - total_amount*10000/(10000+tax_rate)`.

    Klarna docs: https://docs.klarna.com/klarna-payments/api/payments-api (order_line schema)
    and https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling
    """
    expected = Fraction(total_amount * tax_rate, 10000 + tax_rate)
    return abs(total_tax_amount - expected) <= 1


def order_lines_stage(
    body: Mapping[str, Any], line_types: frozenset[str] = PAYMENTS_LINE_TYPES
) -> Stage:
    """Each line's type, `total_amount = quantity*unit_price - total_discount_amount`, and tax."""

    def stage() -> list[str]:
        problems: list[str] = []
        for index, line in enumerate(body.get("order_lines") or []):
            if "type" in line and line["type"] not in line_types:
                problems.append(f"order_lines[{index}].type")
            expected_total = line["quantity"] * line["unit_price"] - _amount(
                line, "total_discount_amount"
            )
            if line["total_amount"] != expected_total:
                problems.append(f"order_lines[{index}].total_amount")
            if not line_tax_is_consistent(
                line["total_amount"], _amount(line, "tax_rate"), _amount(line, "total_tax_amount")
            ):
                problems.append(f"order_lines[{index}].total_tax_amount")
        return problems

    return stage


def expected_order_tax(lines: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    """The order tax the lines imply, and the tolerance around it.

    EU style: the sum of line taxes, ±1 per taxed line, because each line's tax is rounded
    ("±Items Quantity"; the worked 2-line example allows ±2). US style: a `sales_tax` line's
    total IS the tax, exactly (Klarna's US example: 20000 + a 1000 tax line, order tax 1000).
    Klarna docs: https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling
    """
    expected = 0
    tolerance = 0
    for line in lines:
        if line.get("type") == "sales_tax":
            expected += line["total_amount"]
        else:
            expected += _amount(line, "total_tax_amount")
            tolerance += 1 if _amount(line, "tax_rate") else 0
    return expected, tolerance


def order_totals_stage(body: Mapping[str, Any]) -> Stage:
    """`order_amount` is the exact sum of line totals; `order_tax_amount` matches the lines."""

    def stage() -> list[str]:
        lines = body.get("order_lines") or []
        problems = []
        if body.get("order_amount") != sum(line["total_amount"] for line in lines):
            problems.append("order_amount")
        expected, tolerance = expected_order_tax(lines)
        if abs(_amount(body, "order_tax_amount") - expected) > tolerance:
            problems.append("order_tax_amount")
        return problems

    return stage


def name_is_valid(name: str) -> bool:
    """Over one character, not only digits: letters, digits, spaces and -'.\u2019 only."""
    stripped = name.strip()
    return (
        len(stripped) > 1
        and any(char.isalpha() for char in stripped)
        and all(char.isalnum() or char in NAME_SPECIALS for char in stripped)
    )


def address_problems(
    address: Mapping[str, Any], prefix: str, default_country: str | None
) -> list[str]:
    """Klarna's address rules beyond the schema: names, e-mail shape, region for US and AU."""
    problems = [
        f"{prefix}.{key}"
        for key in ("given_name", "family_name")
        if isinstance(address.get(key), str) and not name_is_valid(address[key])
    ]
    email = address.get("email")
    if isinstance(email, str) and not EMAIL.match(email):
        problems.append(f"{prefix}.email")
    country = address.get("country") or default_country or ""
    if (
        country.upper() in REGION_REQUIRED
        and address.get("street_address")
        and not address.get("region")
    ):
        problems.append(f"{prefix}.region")
    return problems


def addresses_stage(body: Mapping[str, Any]) -> Stage:
    """The billing and shipping addresses, then the attachment's body (it must be JSON)."""

    def stage() -> list[str]:
        country = body.get("purchase_country")
        problems = [
            problem
            for key in ("billing_address", "shipping_address")
            if isinstance(body.get(key), Mapping)
            for problem in address_problems(body[key], key, country)
        ]
        return problems + attachment_problems(body.get("attachment"))

    return stage


def attachment_problems(attachment: Any) -> list[str]:
    """An attachment's body is a JSON document serialized into a string (EMD).

    Klarna names this field `attachment.attachment` (raw responses listed by Adyen:
    https://docs.adyen.com/payment-methods/klarna/raw-responses).
    """
    if not isinstance(attachment, Mapping):
        return []
    try:
        parse_json(attachment["body"])
    except (TypeError, ValueError):
        return ["attachment.attachment"]
    return []


def purchase_stages(api: str, schema: str, body: Mapping[str, Any]) -> tuple[Stage, ...]:
    """Every stage a session or order body goes through, in Klarna's order."""
    return (
        market_stage(body),
        schema_stage(api, schema, body, skip=MARKET_FIELDS),
        order_lines_stage(body),
        order_totals_stage(body),
        addresses_stage(body),
    )
