"""Klarna's approved playground personas per market, as shop values."""

from __future__ import annotations

from storefront.addresses import PostalAddress
from storefront.klarna.playground_shoppers import SAMPLE_EMAILS

# market -> (email, phone, address); Klarna's sample customer data:
# https://docs.klarna.com/resources/developer-tools/sample-data/sample-customer-data
PERSONAS: dict[str, tuple[str, str, PostalAddress]] = {
    "US": (
        SAMPLE_EMAILS["US"],
        "+13106683312",
        PostalAddress(
            "Test", "Person-us", "509 Amsterdam Ave", "10024-3941", "New York", "US", region="NY"
        ),
    ),
    "GB": (
        SAMPLE_EMAILS["GB"],
        "+447755564318",
        PostalAddress(
            "Test", "Person-uk", "10 New Burlington Street", "W1S 3BE", "London", "GB", "Apt. 214"
        ),
    ),
    "DE": (
        SAMPLE_EMAILS["DE"],
        "+49017614284340",
        PostalAddress("Mock", "Mock", "Neue Schönhauser Str. 2", "10178", "Berlin", "DE"),
    ),
    "SE": (
        SAMPLE_EMAILS["SE"],
        "+46701740615",
        PostalAddress("Alice", "Test", "Södra Blasieholmshamnen 2", "111 48", "Stockholm", "SE"),
    ),
}
