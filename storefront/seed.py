"""Idempotent seeding of the demo catalog and coupons: running it twice leaves one copy."""

from __future__ import annotations

import sqlalchemy as sa

from storefront.catalog_data import DEMO_COUPONS, DEMO_PRODUCTS
from storefront.extensions import db
from storefront.models import Coupon, CouponMarketTerms, Product, ProductPrice


def seed_demo_data() -> int:
    """Insert or refresh every demo product by SKU and coupon by code; return new products."""
    existing = {product.sku: product for product in db.session.scalars(sa.select(Product))}
    created = 0
    for seed in DEMO_PRODUCTS:
        product = existing.get(seed["sku"])
        if product is None:
            product = Product(sku=seed["sku"])
            db.session.add(product)
            created += 1
        for field in ("slug", "name", "description", "category", "tax_class", "image"):
            setattr(product, field, seed[field])
        product.plans = seed.get("plans", "")
        product.sold_one_time = seed.get("one_time", True)
        product.free_trial = seed.get("free_trial", False)
        prices = {price.market: price for price in product.prices}
        for market, unit_price_minor in seed["prices"].items():
            if market in prices:
                prices[market].unit_price_minor = unit_price_minor
            else:
                product.prices.append(
                    ProductPrice(market=market, unit_price_minor=unit_price_minor)
                )
    seed_demo_coupons()
    db.session.commit()
    return created


def seed_demo_coupons() -> None:
    """Insert or refresh every demo coupon by code, with its terms per market."""
    coupons = {coupon.code: coupon for coupon in db.session.scalars(sa.select(Coupon))}
    for seed in DEMO_COUPONS:
        coupon = coupons.get(seed["code"])
        if coupon is None:
            coupon = Coupon(code=seed["code"])
            db.session.add(coupon)
        coupon.is_demo = True
        for field in ("kind", "percent_off_bp", "valid_from", "valid_until"):
            setattr(coupon, field, seed[field])
        terms = {term.market: term for term in coupon.market_terms}
        for market, (amount_off_minor, minimum_subtotal_minor) in seed["terms"].items():
            term = terms.get(market)
            if term is None:
                term = CouponMarketTerms(market=market)
                coupon.market_terms.append(term)
            term.amount_off_minor = amount_off_minor
            term.minimum_subtotal_minor = minimum_subtotal_minor
