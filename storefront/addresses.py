"""Contact and address rules, checked the way Klarna checks them at authorize().

The checkout forms and the pre-flight validator both use these functions, so an address the
shop accepts is one Klarna accepts: `authorize()` never fails on data the shop could check.
Klarna docs (address fields and limits): https://docs.klarna.com/klarna-payments/api/payments-api
and the per-market data requirements:
https://docs.klarna.com/klarna-payments/in-depth-knowledge/customer-data-requirements/#details-needed-per-market
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storefront.sales_tax import US_STATES

MAX_FIELD_LENGTH = 99  # Klarna's limit for names, street, city, email and phone
MAX_POSTAL_CODE_LENGTH = 10
MIN_PHONE_LENGTH = 5

# Names: letters and spaces plus Klarna's allowed specials: hyphen, apostrophes (' and U+2019)
# and full stop; starting with a letter, so never only digits.
NAME_PATTERN = re.compile("^[^\\W\\d_](?:[^\\W\\d_]|[ \\-'\u2019.])*$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]*[0-9]$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

# Postal code formats (Universal Postal Union), after normalize_postal_code.
POSTAL_CODE_PATTERNS = {
    "US": (re.compile(r"^\d{5}(-\d{4})?$"), "a 5-digit ZIP code, e.g. 10024"),
    "GB": (
        re.compile(r"^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$"),
        "a UK postcode, e.g. W1S 3BE",
    ),
    "DE": (re.compile(r"^\d{5}$"), "a 5-digit Postleitzahl, e.g. 10178"),
    "SE": (re.compile(r"^\d{3} \d{2}$"), "a 5-digit postnummer, e.g. 111 48"),
}


@dataclass(frozen=True)
class PostalAddress:
    """A person's postal address, normalized, in the shop's terms."""

    given_name: str
    family_name: str
    street_address: str
    postal_code: str
    city: str
    country: str
    street_address2: str = ""
    region: str = ""  # ISO 3166-2 subdivision; required in the US


def normalize_postal_code(value: str, country: str) -> str:
    """Uppercase and space a postal code the one way the shop stores and sends it.

    Normalizing once, before saving, keeps authorize() and create-order byte-identical
    (Klarna's 409 "Not matching fields: [billing_address.postal_code]" otherwise).
    """
    compact = re.sub(r"\s+", "", value).upper()
    if country == "GB" and len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    if country == "SE" and len(compact) == 5:
        return f"{compact[:3]} {compact[3:]}"
    return compact


def normalize_text(value: str) -> str:
    """Trim a text field and collapse inner runs of whitespace."""
    return " ".join(value.split())


def name_problem(value: str) -> str | None:
    """Why a given or family name would be refused, or None."""
    if len(value) < 2:
        return "Enter at least two characters."
    if len(value) > MAX_FIELD_LENGTH:
        return f"Use at most {MAX_FIELD_LENGTH} characters."
    if not NAME_PATTERN.match(value):
        return "Use letters, spaces and - ' . only."
    return None


def postal_code_problem(value: str, country: str) -> str | None:
    """Why a (normalized) postal code is not valid for the country, or None."""
    if country in POSTAL_CODE_PATTERNS:
        pattern, example = POSTAL_CODE_PATTERNS[country]
        return None if pattern.match(value) else f"Enter {example}."
    if not value or len(value) > MAX_POSTAL_CODE_LENGTH:
        return f"Enter a postal code of 1 to {MAX_POSTAL_CODE_LENGTH} characters."
    return None


def phone_problem(value: str) -> str | None:
    """Why a phone number would be refused, or None."""
    if len(value) < MIN_PHONE_LENGTH or len(value) > MAX_FIELD_LENGTH:
        return f"Enter a phone number of {MIN_PHONE_LENGTH} to {MAX_FIELD_LENGTH} characters."
    if not PHONE_PATTERN.match(value):
        return "Use digits, spaces, + - ( ) only."
    return None


def email_problem(value: str) -> str | None:
    """Why an email address would be refused, or None."""
    if len(value) > MAX_FIELD_LENGTH or not EMAIL_PATTERN.match(value):
        return "Enter an email address like name@example.com."
    return None


def region_problem(value: str, country: str) -> str | None:
    """Why a region is not valid for the country, or None (Klarna requires it in the US)."""
    if country == "US" and value not in US_STATES:
        return "Choose a state."
    return None


def text_problem(value: str, *, missing: str | None = None) -> str | None:
    """Why a street or city line would be refused, or None; `missing`: its message if required."""
    if missing is not None and not value:
        return missing
    if len(value) > MAX_FIELD_LENGTH:
        return f"Use at most {MAX_FIELD_LENGTH} characters."
    return None


def address_problems(address: PostalAddress) -> dict[str, str]:
    """Every problem with an address, keyed by field name (empty: Klarna will accept it)."""
    checks = {
        "given_name": name_problem(address.given_name),
        "family_name": name_problem(address.family_name),
        "street_address": text_problem(
            address.street_address, missing="Enter your street address."
        ),
        "street_address2": text_problem(address.street_address2),
        "postal_code": postal_code_problem(address.postal_code, address.country),
        "city": text_problem(address.city, missing="Enter your town or city."),
        "region": region_problem(address.region, address.country),
    }
    return {field: problem for field, problem in checks.items() if problem}
