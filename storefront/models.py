"""Database models: typed SQLAlchemy 2 declarations."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import db


class Product(db.Model):
    """A catalog item; its price lives per market in `ProductPrice`, never converted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(64), index=True)
    tax_class: Mapped[str] = mapped_column(sa.String(32))
    image: Mapped[str] = mapped_column(sa.String(200))

    prices: Mapped[list[ProductPrice]] = relationship(
        back_populates="product", cascade="all, delete-orphan"
    )


class ProductPrice(db.Model):
    """A product's unit price in one market, in that market's minor units."""

    __table_args__ = (sa.UniqueConstraint("product_id", "market"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"))
    market: Mapped[str] = mapped_column(sa.String(2))
    unit_price_minor: Mapped[int] = mapped_column(sa.BigInteger)

    product: Mapped[Product] = relationship(back_populates="prices")
