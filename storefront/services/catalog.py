"""Catalog queries: products with their price in one market (shared cache), texts, related.

The catalog is the same for every shopper of a market, so it is read once per market and
cached as frozen plain values (never ORM objects, which belong to one request's session).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from storefront.catalog_data import PRODUCT_TEXTS
from storefront.extensions import db
from storefront.markets import Market
from storefront.models import Product, ProductPrice
from storefront.plans import Plan, parse_plans
from storefront.shared_cache import shared_cache


@dataclass(frozen=True)
class CatalogProduct:
    """What the catalog pages show of a product."""

    sku: str
    slug: str
    name: str
    description: str
    category: str
    image: str
    plans: str = ""  # storefront.plans codes, space-separated: sold by subscription
    sold_one_time: bool = True
    free_trial: bool = False

    @property
    def offered_plans(self) -> tuple[Plan, ...]:
        """The subscription plans offered (none: one-time only)."""
        return parse_plans(self.plans)


@dataclass(frozen=True)
class PricedProduct:
    """A product and its unit price in the shopper's market."""

    product: CatalogProduct
    unit_price_minor: int


def list_products(market: Market) -> tuple[PricedProduct, ...]:
    """Every product sold in a market, by category and name."""
    return shared_cache().get(("products", market.code), lambda: read_products(market))


def find_product(slug: str, market: Market) -> PricedProduct | None:
    """The product with this slug if it is sold in the market."""
    by_slug = shared_cache().get(
        ("products by slug", market.code),
        lambda: {item.product.slug: item for item in list_products(market)},
    )
    return by_slug.get(slug)


def read_products(market: Market) -> tuple[PricedProduct, ...]:
    """Read a market's products and prices from the database, by category and name."""
    # The inner join leaves out products without a price here: they are not sold there.
    rows = db.session.execute(
        sa.select(Product, ProductPrice.unit_price_minor)
        .join(ProductPrice)
        .where(ProductPrice.market == market.code)
        .order_by(Product.category, Product.name)
    )
    return tuple(
        PricedProduct(
            CatalogProduct(
                sku=product.sku,
                slug=product.slug,
                name=product.name,
                description=product.description,
                category=product.category,
                image=product.image,
                plans=product.plans,
                sold_one_time=product.sold_one_time,
                free_trial=product.free_trial,
            ),
            price,
        )
        for product, price in rows
    )


@dataclass(frozen=True)
class ProductStory:
    """A product's texts in one language: card line, page text, facts, the image's alt text."""

    summary: str
    description: str
    details: tuple[tuple[str, str], ...]
    alt: str


def product_story(product: CatalogProduct, language: str) -> ProductStory:
    """The product's texts in `language`, else in English, else its one-line description."""
    for texts in (PRODUCT_TEXTS.get(language, {}), PRODUCT_TEXTS["en"]):
        found = texts.get(product.sku)
        if found is not None:
            return ProductStory(
                summary=found["summary"],
                description=found["description"],
                details=found["details"],
                alt=found["alt"],
            )
    return ProductStory(product.description, product.description, (), product.name)


def related_products(
    item: PricedProduct, market: Market, limit: int = 4
) -> tuple[PricedProduct, ...]:
    """Up to `limit` other products: the same category's first, then the rest of the shop's."""
    others = [other for other in list_products(market) if other.product.sku != item.product.sku]
    others.sort(key=lambda other: other.product.category != item.product.category)
    return tuple(others[:limit])
