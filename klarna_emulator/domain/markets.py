"""Klarna's markets: the allowed locales and the one local currency of each purchase country.

Klarna docs: https://docs.klarna.com/payments/web-payments/before-you-start/data-requirements/puchase-countries-currencies-locales
("We only support the local currency of each country.")
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Market:
    """One purchase country: its currency and its locales (the first is the default)."""

    country: str
    currency: str
    locales: tuple[str, ...]


MARKETS: dict[str, Market] = {
    market.country: market
    for market in (
        Market("AU", "AUD", ("en-AU",)),
        Market("AT", "EUR", ("de-AT", "en-AT")),
        Market("BE", "EUR", ("nl-BE", "fr-BE", "en-BE")),
        Market("CA", "CAD", ("en-CA", "fr-CA")),
        Market("CZ", "CZK", ("cs-CZ", "en-CZ")),
        Market("DK", "DKK", ("da-DK", "en-DK")),
        Market("FI", "EUR", ("fi-FI", "sv-FI", "en-FI")),
        Market("FR", "EUR", ("fr-FR", "en-FR")),
        Market("DE", "EUR", ("de-DE", "en-DE")),
        Market("GR", "EUR", ("el-GR", "en-GR")),
        Market("HU", "HUF", ("hu-HU", "en-HU")),
        Market("IE", "EUR", ("en-IE",)),
        Market("IT", "EUR", ("it-IT", "en-IT")),
        Market("MX", "MXN", ("en-MX", "es-MX")),
        Market("NL", "EUR", ("nl-NL", "en-NL")),
        Market("NZ", "NZD", ("en-NZ",)),
        Market("NO", "NOK", ("nb-NO", "en-NO")),
        Market("PL", "PLN", ("pl-PL", "en-PL")),
        Market("PT", "EUR", ("pt-PT", "en-PT")),
        Market("RO", "RON", ("ro-RO", "en-RO")),
        Market("SK", "EUR", ("sk-SK", "en-SK")),
        Market("ES", "EUR", ("es-ES", "en-ES")),
        Market("SE", "SEK", ("sv-SE", "en-SE")),
        Market("CH", "CHF", ("de-CH", "fr-CH", "it-CH", "en-CH")),
        Market("GB", "GBP", ("en-GB",)),
        Market("US", "USD", ("en-US", "es-US")),
    )
}

# `region` is mandatory in these countries' addresses (address schema, Klarna Payments API:
# https://docs.klarna.com/klarna-payments/api/payments-api "Mandatory for US and AU market").
REGION_REQUIRED = frozenset({"US", "AU"})

# Pending fraud decisions exist only in these markets (playground sample data:
# https://docs.klarna.com/resources/developer-tools/sample-data/sample-customer-data).
PENDING_DECISION_MARKETS = frozenset({"US", "GB"})

# Markets where the split mode offers `pay_now` (direct debit / bank transfer markets).
PAY_NOW_MARKETS = frozenset({"AT", "BE", "CH", "DE", "DK", "FI", "NL", "NO", "SE"})


def market_for(country: str) -> Market | None:
    """The market of a purchase country (any case), or None if Klarna does not sell there."""
    return MARKETS.get(country.upper())


def locale_allowed(market: Market, locale: str) -> bool:
    """True when `locale` is one of the market's locales (case-insensitive)."""
    return locale.lower() in {allowed.lower() for allowed in market.locales}
