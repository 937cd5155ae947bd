"""Money in integer minor units: the one rounding rule, proportional allocation, tax, formatting.

Every amount in the shop is an `int` of minor units (2500 = 25.00) and every tax rate an `int`
of basis points (2000 = 20 %), because Klarna's API speaks exactly that and integers cannot
drift. This module is the only place that divides money, so it is the only place that rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision

BASIS_POINTS = 10_000  # 100 % in basis points


def divide_half_up(numerator: int, denominator: int) -> int:
    """Divide non-negative integers, rounding halves up: the shop's one rounding rule."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("divide_half_up takes a non-negative numerator and positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def percentage_of(amount_minor: int, rate_bp: int) -> int:
    """`rate_bp` basis points of an amount, e.g. 10 % off or 8 % sales tax on a net price."""
    return divide_half_up(amount_minor * rate_bp, BASIS_POINTS)


def tax_included_in(gross_minor: int, rate_bp: int) -> int:
    """The VAT contained in a tax-inclusive amount.

    This is Klarna's own formula, total_amount - total_amount * 10000 / (10000 + tax_rate),
    rounded once, so it is always within the ±1 Klarna allows per order line. Klarna docs:
    https://docs.klarna.com/payments/web-payments/additional-resources/error-handling-and-validations/tax-handling
    """
    return divide_half_up(gross_minor * rate_bp, BASIS_POINTS + rate_bp)


def allocate(total_minor: int, weights: Sequence[int]) -> list[int]:
    """Split `total_minor` in proportion to `weights` so the parts add up exactly.

    Largest-remainder method: every part gets its rounded-down share, then the minor units
    left over go one each to the parts with the largest remainders, ties to the earlier part.
    A part never exceeds its weight when `total_minor <= sum(weights)`.
    """
    if total_minor < 0 or any(weight < 0 for weight in weights):
        raise ValueError("allocate takes a non-negative total and non-negative weights")
    weight_sum = sum(weights)
    if weight_sum == 0:
        if total_minor:
            raise ValueError("cannot allocate a non-zero total over zero weights")
        return [0 for _ in weights]
    shares = [divmod(total_minor * weight, weight_sum) for weight in weights]
    parts = [quotient for quotient, _ in shares]
    left_over = total_minor - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda index: (-shares[index][1], index))
    for index in by_remainder[:left_over]:
        parts[index] += 1
    return parts


# Babel takes about half a millisecond per amount and a page shows dozens of them, mostly the
# same few (catalog prices, shipping fees, a cart's totals on every reload): remember the most
# recent answers. lru_cache is bounded and thread-safe, and the text is babel's own.
@lru_cache(maxsize=4096)
def format_money(amount_minor: int, currency: str, locale: str) -> str:
    """Format minor units for a shopper, e.g. 123456 SEK in sv-SE as '1 234,56 kr'."""
    amount = major_units(amount_minor, currency)
    return format_currency(amount, currency, locale=locale.replace("-", "_"))


def format_rate(rate_bp: int) -> str:
    """Format a tax rate in basis points for display: 2000 -> '20 %', 725 -> '7.25 %'."""
    whole, fraction = divmod(rate_bp, 100)
    return f"{whole} %" if fraction == 0 else f"{whole}.{fraction:02d}".rstrip("0") + " %"


def minor_units(amount: Decimal, currency: str) -> int:
    """An amount typed in major units (12.50) as minor units (1250); ValueError if too precise."""
    scaled = amount.scaleb(get_currency_precision(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{currency} has {get_currency_precision(currency)} decimal places")
    return int(scaled)


def major_units(amount_minor: int, currency: str) -> Decimal:
    """Minor units as an exact amount in major units: 1250 GBP -> Decimal('12.50')."""
    return Decimal(amount_minor).scaleb(-get_currency_precision(currency))
