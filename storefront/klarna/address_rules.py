"""Klarna's rules for contact and address fields, as its authorize() checks them.

Pre-flight checks the addresses in a body with these, and a shop's forms can use the same
functions, so an address the shop accepts is one Klarna accepts. The messages speak to the
shopper, in English unless the caller passes its own `gettext` (the shop passes Flask-Babel's,
so the shopper reads them in their language; this module imports no Flask).
Klarna docs (address fields and limits): https://docs.klarna.com/klarna-payments/api/payments-api
and the per-market data requirements:
https://docs.klarna.com/klarna-payments/in-depth-knowledge/customer-data-requirements/#details-needed-per-market
"""

from __future__ import annotations

import re
from typing import Protocol

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
    "US": re.compile(r"^\d{5}(-\d{4})?$"),
    "GB": re.compile(r"^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$"),
    "DE": re.compile(r"^\d{5}$"),
    "SE": re.compile(r"^\d{3} \d{2}$"),
}


class Translate(Protocol):
    """gettext's shape: a message with %(name)s placeholders, and the values to put in."""

    def __call__(self, message: str, /, **variables: object) -> str: ...


def english(message: str, /, **variables: object) -> str:
    """The message as written (English), its placeholders filled in."""
    return message % variables if variables else message


def name_problem(value: str, gettext: Translate = english) -> str | None:
    """Why a given or family name would be refused, or None."""
    if len(value) < 2:
        return gettext("Enter at least two characters.")
    if len(value) > MAX_FIELD_LENGTH:
        return gettext("Use at most %(count)s characters.", count=MAX_FIELD_LENGTH)
    if not NAME_PATTERN.match(value):
        return gettext("Use letters, spaces and - ' . only.")
    return None


def postal_code_problem(value: str, country: str, gettext: Translate = english) -> str | None:
    """Why a (normalized) postal code is not valid for the country, or None."""
    pattern = POSTAL_CODE_PATTERNS.get(country)
    if pattern is not None:
        return None if pattern.match(value) else postal_code_example(country, gettext)
    if not value or len(value) > MAX_POSTAL_CODE_LENGTH:
        return gettext(
            "Enter a postal code of 1 to %(count)s characters.", count=MAX_POSTAL_CODE_LENGTH
        )
    return None


def postal_code_example(country: str, gettext: Translate) -> str:
    """What a postal code of the country looks like, named as its shoppers call it."""
    # Whole sentences per country: each language words them its own way.
    if country == "US":
        return gettext("Enter a 5-digit ZIP code, e.g. 10024.")
    if country == "GB":
        return gettext("Enter a UK postcode, e.g. W1S 3BE.")
    if country == "DE":
        return gettext("Enter a 5-digit Postleitzahl, e.g. 10178.")
    return gettext("Enter a 5-digit postnummer, e.g. 111 48.")


def phone_problem(value: str, gettext: Translate = english) -> str | None:
    """Why a phone number would be refused, or None."""
    if len(value) < MIN_PHONE_LENGTH or len(value) > MAX_FIELD_LENGTH:
        return gettext(
            "Enter a phone number of %(min)s to %(max)s characters.",
            min=MIN_PHONE_LENGTH,
            max=MAX_FIELD_LENGTH,
        )
    if not PHONE_PATTERN.match(value):
        return gettext("Use digits, spaces, + - ( ) only.")
    return None


def email_problem(value: str, gettext: Translate = english) -> str | None:
    """Why an email address would be refused, or None."""
    if len(value) > MAX_FIELD_LENGTH or not EMAIL_PATTERN.match(value):
        return gettext("Enter an email address like name@example.com.")
    return None
