"""The shop's postal address: its normalized form and the checks the checkout forms run.

The checks are Klarna's own rules (`storefront.klarna.address_rules`, which pre-flight uses
too) plus the shop's street, city and US state fields, so an address the shop accepts is one
Klarna accepts: `authorize()` never fails on data the shop could check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext

from storefront.klarna.address_rules import (
    MAX_FIELD_LENGTH,
    name_problem,
    postal_code_problem,
)
from storefront.sales_tax import US_STATES


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


def region_problem(value: str, country: str) -> str | None:
    """Why a region is not valid for the country, or None (Klarna requires it in the US)."""
    if country == "US" and value not in US_STATES:
        return gettext("Choose a state.")
    return None


def text_problem(value: str, *, missing: str | None = None) -> str | None:
    """Why a street or city line would be refused, or None; `missing`: its message if required."""
    if missing is not None and not value:
        return missing
    if len(value) > MAX_FIELD_LENGTH:
        return gettext("Use at most %(count)s characters.", count=MAX_FIELD_LENGTH)
    return None


def address_problems(address: PostalAddress) -> dict[str, str]:
    """Every problem with an address, keyed by field name (empty: Klarna will accept it).

    The messages are in the request's language (Flask-Babel's gettext).
    """
    checks = {
        "given_name": name_problem(address.given_name, gettext),
        "family_name": name_problem(address.family_name, gettext),
        "street_address": text_problem(
            address.street_address, missing=gettext("Enter your street address.")
        ),
        "street_address2": text_problem(address.street_address2),
        "postal_code": postal_code_problem(address.postal_code, address.country, gettext),
        "city": text_problem(address.city, missing=gettext("Enter your town or city.")),
        "region": region_problem(address.region, address.country),
    }
    return {field: problem for field, problem in checks.items() if problem}
