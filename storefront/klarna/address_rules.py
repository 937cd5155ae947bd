"""Klarna's rules for contact and address fields, as its authorize() checks them.

Pre-flight checks the addresses in a body with these, and a shop's forms can use the same
functions, so an address the shop accepts is one Klarna accepts. The messages speak to the
shopper. Klarna docs (address fields and limits): https://docs.klarna.com/klarna-payments/api/payments-api
and the per-market data requirements:
https://docs.klarna.com/klarna-payments/in-depth-knowledge/customer-data-requirements/#details-needed-per-market
"""

from __future__ import annotations

import re

MAX_FIELD_LENGTH = 99  # Klarna's limit for names, street, city, email and phone
MAX_POSTAL_CODE_LENGTH = 10
MIN_PHONE_LENGTH = 5

# Names: letters and spaces plus Klarna's allowed specials: hyphen, apostrophes (' and U+2019)
# and full stop; starting with a letter, so never only digits.
NAME_PATTERN = re.compile("^[^\\W\\d_](?:[^\\W\\d_]|[ \\-'\u2019.])*$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]*[0-9]$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

# Postal code formats (Universal Postal Union), spelt in capitals with the country's one space.
POSTAL_CODE_PATTERNS = {
    "US": (re.compile(r"^\d{5}(-\d{4})?$"), "a 5-digit ZIP code, e.g. 10024"),
    "GB": (
        re.compile(r"^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$"),
        "a UK postcode, e.g. W1S 3BE",
    ),
    "DE": (re.compile(r"^\d{5}$"), "a 5-digit Postleitzahl, e.g. 10178"),
    "SE": (re.compile(r"^\d{3} \d{2}$"), "a 5-digit postnummer, e.g. 111 48"),
}


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
