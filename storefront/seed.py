"""Idempotent seeding of the demo catalog: running it twice leaves one copy."""

from __future__ import annotations

import sqlalchemy as sa

from storefront.catalog_data import DEMO_PRODUCTS
from storefront.extensions import db
from storefront.models import Product, ProductPrice


def seed_demo_data() -> int:
    """Insert or refresh every demo product by SKU; return how many were created."""
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
        prices = {price.market: price for price in product.prices}
        for market, unit_price_minor in seed["prices"].items():
            if market in prices:
                prices[market].unit_price_minor = unit_price_minor
            else:
                product.prices.append(
                    ProductPrice(market=market, unit_price_minor=unit_price_minor)
                )
    db.session.commit()
    return created
