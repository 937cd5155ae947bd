"""Coupon service: apply and remove a cart's coupon, and the coupons to show on the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from storefront.coupons import CouponKind, CouponTerms
from storefront.extensions import db
from storefront.markets import MARKETS, Market
from storefront.models import Cart, Coupon
from storefront.services.errors import CouponRefused

MAX_CODE_LENGTH = 32


@dataclass(frozen=True)
class DemoCoupon:
    """A coupon as the home page lists it: code, terms in the market, and whether it is valid."""

    code: str
    terms: CouponTerms
    valid_until: date | None
    valid_today: bool


def coupon_terms(coupon: Coupon | None, market: Market, today: date) -> CouponTerms | None:
    """The coupon's terms in a market, if it has some there and is valid today."""
    if coupon is None or not is_valid_on(coupon, today):
        return None
    return market_terms(coupon, market)


def market_terms(coupon: Coupon, market: Market) -> CouponTerms | None:
    """What the coupon is worth in a market, whatever the date (None: not offered there)."""
    term = next((term for term in coupon.market_terms if term.market == market.code), None)
    if term is None:
        return None
    return CouponTerms(
        code=coupon.code,
        kind=CouponKind(coupon.kind),
        percent_off_bp=coupon.percent_off_bp,
        amount_off_minor=term.amount_off_minor,
        minimum_subtotal_minor=term.minimum_subtotal_minor,
    )


def is_valid_on(coupon: Coupon, today: date) -> bool:
    """True between the coupon's first and last valid day, both included."""
    return coupon.valid_from <= today and (
        coupon.valid_until is None or today <= coupon.valid_until
    )


def apply_coupon(cart: Cart, code: str, goods_subtotal_minor: int, *, today: date) -> None:
    """Attach a coupon to the cart, or refuse it with the reason (the cart stays unchanged)."""
    code = code.strip().upper()
    coupon = None
    if code and len(code) <= MAX_CODE_LENGTH:
        coupon = db.session.scalars(
            sa.select(Coupon).where(Coupon.code == code).options(selectinload(Coupon.market_terms))
        ).one_or_none()
    if coupon is None:
        raise CouponRefused(f"There is no coupon code {code[:MAX_CODE_LENGTH]}.")
    market = MARKETS[cart.market]
    if coupon.valid_from > today:
        raise CouponRefused(f"Coupon {code} can be used from {coupon.valid_from:%d %B %Y}.")
    if not is_valid_on(coupon, today):
        raise CouponRefused(f"Coupon {code} expired on {coupon.valid_until:%d %B %Y}.")
    terms = coupon_terms(coupon, market, today)
    if terms is None:
        raise CouponRefused(f"Coupon {code} cannot be used in {market.name}.")
    shortfall = terms.shortfall_minor(goods_subtotal_minor)
    if shortfall:
        raise CouponRefused(
            f"Coupon {code} needs {market.format_amount(terms.minimum_subtotal_minor)} of goods;"
            f" add {market.format_amount(shortfall)} more to use it."
        )
    cart.coupon = coupon
    db.session.commit()


def remove_coupon(cart: Cart) -> None:
    """Take the coupon off the cart."""
    cart.coupon = None
    db.session.commit()


def demo_coupons(market: Market, today: date) -> list[DemoCoupon]:
    """Every coupon with terms in the market, valid or not, for the demo's home page."""
    coupons = db.session.scalars(
        sa.select(Coupon).order_by(Coupon.code).options(selectinload(Coupon.market_terms))
    )
    listed = []
    for coupon in coupons:
        terms = market_terms(coupon, market)
        if terms is not None:
            listed.append(
                DemoCoupon(coupon.code, terms, coupon.valid_until, is_valid_on(coupon, today))
            )
    return listed
