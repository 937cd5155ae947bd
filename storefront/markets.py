"""The four markets the shop sells in: country, currency, Klarna locale and how tax works there.

Klarna accepts only the local currency of the purchase country and a locale allowed for it
(Klarna docs: https://docs.klarna.com/payments/web-payments/before-you-start/data-requirements/puchase-countries-currencies-locales).
Prices are stored per market and never converted (storefront.catalog_data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from storefront.money import format_money


class TaxClass(StrEnum):
    """What kind of goods a product is, for tax: each market maps classes to its own rates."""

    STANDARD = "standard"
    BOOKS = "books"
    FOOD = "food"
    CONFECTIONERY = "confectionery"


@dataclass(frozen=True)
class Market:
    """One market: where and in what currency the shop sells, and its VAT rates if any."""

    code: str
    name: str
    country: str
    currency: str
    locale: str
    phone_example: str  # shown as the phone field's hint: a number of this country's shape
    # VAT markets: prices include VAT at these rates. None: US-style, prices are net and
    # sales tax is added by ship-to state (storefront.sales_tax).
    vat_rates_bp: dict[TaxClass, int] | None = field(default=None, compare=False)

    @property
    def prices_include_tax(self) -> bool:
        """True where shelf prices include VAT (GB, DE, SE); False where tax is added (US)."""
        return self.vat_rates_bp is not None

    def format_amount(self, amount_minor: int) -> str:
        """Format minor units in this market's currency and locale, e.g. '1.234,56 €'."""
        return format_money(amount_minor, self.currency, self.locale)

    def vat_rate_bp(self, tax_class: TaxClass) -> int:
        """The VAT rate of a tax class in this market (VAT markets only)."""
        if self.vat_rates_bp is None:
            raise ValueError(f"{self.code} has no VAT; its tax comes from the ship-to state")
        return self.vat_rates_bp[tax_class]


MARKETS: dict[str, Market] = {
    market.code: market
    for market in (
        Market("US", "United States", "US", "USD", "en-US", "+1 310 555 0123"),
        # UK: books and most food are zero-rated; confectionery is standard-rated.
        Market(
            "GB",
            "United Kingdom",
            "GB",
            "GBP",
            "en-GB",
            "+44 7700 900123",
            {
                TaxClass.STANDARD: 2000,
                TaxClass.BOOKS: 0,
                TaxClass.FOOD: 0,
                TaxClass.CONFECTIONERY: 2000,
            },
        ),
        Market(
            "DE",
            "Deutschland",
            "DE",
            "EUR",
            "de-DE",
            "+49 151 23456789",
            {
                TaxClass.STANDARD: 1900,
                TaxClass.BOOKS: 700,
                TaxClass.FOOD: 700,
                TaxClass.CONFECTIONERY: 700,
            },
        ),
        Market(
            "SE",
            "Sverige",
            "SE",
            "SEK",
            "sv-SE",
            "+46 70 123 45 67",
            {
                TaxClass.STANDARD: 2500,
                TaxClass.BOOKS: 600,
                TaxClass.FOOD: 1200,
                TaxClass.CONFECTIONERY: 1200,
            },
        ),
    )
}

DEFAULT_MARKET = "GB"


def market_for(code: str | None) -> Market:
    """The market with this code, or the default market for an unknown or missing code."""
    return MARKETS.get((code or "").upper(), MARKETS[DEFAULT_MARKET])
