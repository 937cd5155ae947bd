"""Coupon terms as plain values: the kinds of coupon, and what one does to an order.

The database holds coupons (storefront.models.Coupon); pricing receives these frozen terms
for the cart's market, so it never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storefront.money import percentage_of


class CouponKind(StrEnum):
    """What a coupon takes off: a percentage or a fixed amount of the goods, or the shipping."""

    PERCENT = "percent"
    FIXED_AMOUNT = "fixed_amount"
    FREE_SHIPPING = "free_shipping"


@dataclass(frozen=True)
class CouponTerms:
    """A coupon as it applies in one market: its kind, size and minimum goods subtotal."""

    code: str
    kind: CouponKind
    percent_off_bp: int = 0
    amount_off_minor: int = 0
    minimum_subtotal_minor: int = 0

    def goods_discount_minor(self, subtotal_minor: int) -> int:
        """How much this coupon takes off goods worth `subtotal_minor` (never more than that)."""
        if self.kind is CouponKind.PERCENT:
            return percentage_of(subtotal_minor, self.percent_off_bp)
        if self.kind is CouponKind.FIXED_AMOUNT:
            return min(self.amount_off_minor, subtotal_minor)
        return 0

    def shortfall_minor(self, subtotal_minor: int) -> int:
        """How much more the goods must cost before the coupon applies (0: it applies)."""
        return max(self.minimum_subtotal_minor - subtotal_minor, 0)
