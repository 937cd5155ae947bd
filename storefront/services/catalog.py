"""Catalog queries: products with their price in one market."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from storefront.extensions import db
from storefront.markets import Market
from storefront.models import Product, ProductPrice


@dataclass(frozen=True)
class PricedProduct:
    """A product and its unit price in the shopper's market."""

    product: Product
    unit_price_minor: int


def _priced_products(market: Market) -> sa.Select:
    """Products joined to their price in a market; products without one are not sold there."""
    return (
        sa.select(Product, ProductPrice.unit_price_minor)
        .join(ProductPrice)
        .where(ProductPrice.market == market.code)
    )


def list_products(market: Market) -> list[PricedProduct]:
    """Every product sold in a market, by category and name."""
    rows = db.session.execute(_priced_products(market).order_by(Product.category, Product.name))
    return [PricedProduct(product, price) for product, price in rows]


def find_product(slug: str, market: Market) -> PricedProduct | None:
    """The product with this slug if it is sold in the market."""
    row = db.session.execute(_priced_products(market).where(Product.slug == slug)).first()
    return PricedProduct(*row) if row else None
