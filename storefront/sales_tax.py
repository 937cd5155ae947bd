"""US sales tax by ship-to state: the demo shop's small rate table.

The shop collects sales tax only in the states where it has nexus (the table below) and
collects none elsewhere, which is how a small US merchant works. Rates are the statewide base
rates; a real shop adds local rates through a tax service. Klarna receives the result as one
`sales_tax` order line (Klarna docs:
https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling).
"""

from __future__ import annotations

from dataclasses import dataclass

from storefront.markets import TaxClass


@dataclass(frozen=True)
class StateTax:
    """Sales tax rules of one state: a rate per tax class, and whether shipping is taxed."""

    rates_bp: dict[TaxClass, int]
    taxes_shipping: bool

    def rate_bp(self, tax_class: TaxClass) -> int:
        """The rate charged on goods of this tax class."""
        return self.rates_bp[tax_class]


def _rates(general_bp: int, *, candy_taxed: bool) -> dict[TaxClass, int]:
    """Groceries are exempt in every nexus state; candy is taxed in some of them."""
    return {
        TaxClass.STANDARD: general_bp,
        TaxClass.BOOKS: general_bp,
        TaxClass.FOOD: 0,
        TaxClass.CONFECTIONERY: general_bp if candy_taxed else 0,
    }


NEXUS_STATES: dict[str, StateTax] = {
    "CA": StateTax(_rates(725, candy_taxed=False), taxes_shipping=False),
    "FL": StateTax(_rates(600, candy_taxed=True), taxes_shipping=False),
    "NY": StateTax(_rates(400, candy_taxed=True), taxes_shipping=True),
    "TX": StateTax(_rates(625, candy_taxed=True), taxes_shipping=True),
    "WA": StateTax(_rates(650, candy_taxed=True), taxes_shipping=True),
    # Oregon has no sales tax; listed so the table states it rather than implies it.
    "OR": StateTax(_rates(0, candy_taxed=False), taxes_shipping=False),
}

NO_NEXUS = StateTax(_rates(0, candy_taxed=False), taxes_shipping=False)

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming",
}  # fmt: skip


def state_tax(state: str) -> StateTax:
    """The sales tax rules for goods shipped to `state` (a two-letter code)."""
    return NEXUS_STATES.get(state, NO_NEXUS)
