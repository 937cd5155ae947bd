"""Klarna's approved playground personas per market, as shop values."""

from __future__ import annotations

from storefront.addresses import PostalAddress

# market -> (email, phone, address); Klarna's sample customer data:
# https://docs.klarna.com/resources/developer-tools/sample-data/sample-customer-data
PERSONAS: dict[str, tuple[str, str, PostalAddress]] = {
    "US": (
        "customer@email.us",
        "+13106683312",
        PostalAddress(
            "Test", "Person-us", "509 Amsterdam Ave", "10024-3941", "New York", "US", region="NY"
        ),
    ),
    "GB": (
        "customer@email.uk",
        "+447755564318",
        PostalAddress(
            "Test", "Person-uk", "10 New Burlington Street", "W1S 3BE", "London", "GB", "Apt. 214"
        ),
    ),
    "DE": (
        "customer@email.de",
        "+49017614284340",
        PostalAddress("Mock", "Mock", "Neue Schönhauser Str. 2", "10178", "Berlin", "DE"),
    ),
    "SE": (
        "customer@email.se",
        "+46701740615",
        PostalAddress("Alice", "Test", "Södra Blasieholmshamnen 2", "111 48", "Stockholm", "SE"),
    ),
}
