"""Coupon lookups: a coupon's terms in a market on a date, and the coupons the home page lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date, gettext
from sqlalchemy.orm import selectinload

from storefront.coupons import CouponKind, CouponTerms
from storefront.extensions import db
from storefront.i18n import request_language
from storefront.markets import Market
from storefront.models import Coupon
from storefront.shared_cache import shared_cache

MAX_CODE_LENGTH = 32


@dataclass(frozen=True)
class DemoCoupon:
    """A coupon as the home page lists it: code, terms in the market, and a note if not valid."""

    code: str
    terms: CouponTerms
    not_valid_note: str | None  # e.g. "expired 31 August 2024"; None: valid today


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


def demo_coupons(market: Market, today: date) -> tuple[DemoCoupon, ...]:
    """Every demo coupon with terms in the market, valid or not, for the home page (cached).

    Cached per language too: the notes are in the request's language.
    """
    return shared_cache().get(
        ("demo coupons", market.code, today, request_language()),
        lambda: read_demo_coupons(market, today),
    )


def read_demo_coupons(market: Market, today: date) -> tuple[DemoCoupon, ...]:
    """Read the demo coupons with terms in the market from the database, by code."""
    coupons = db.session.scalars(
        sa.select(Coupon)
        .where(Coupon.is_demo)
        .order_by(Coupon.code)
        .options(selectinload(Coupon.market_terms))
    )
    listed = []
    for coupon in coupons:
        terms = market_terms(coupon, market)
        if terms is not None:
            listed.append(DemoCoupon(coupon.code, terms, not_valid_note(coupon, today)))
    return tuple(listed)


def not_valid_note(coupon: Coupon, today: date) -> str | None:
    """Why a coupon cannot be used today, in a few words (None: it can)."""
    if coupon.valid_from > today:
        return gettext("valid from %(date)s", date=format_date(coupon.valid_from, "long"))
    if not is_valid_on(coupon, today):
        return gettext("expired %(date)s", date=format_date(coupon.valid_until, "long"))
    return None
