"""Database models: typed SQLAlchemy 2 declarations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

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


class Coupon(db.Model):
    """A coupon code, valid between two dates; its amounts live per market in CouponMarketTerms."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # a storefront.coupons.CouponKind
    percent_off_bp: Mapped[int] = mapped_column(default=0)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)  # last valid day; None: no end

    market_terms: Mapped[list[CouponMarketTerms]] = relationship(
        back_populates="coupon", cascade="all, delete-orphan"
    )


class CouponMarketTerms(db.Model):
    """What a coupon is worth in one market: a fixed amount off and a minimum goods subtotal."""

    __table_args__ = (sa.UniqueConstraint("coupon_id", "market"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(sa.ForeignKey("coupon.id", ondelete="CASCADE"))
    market: Mapped[str] = mapped_column(sa.String(2))
    amount_off_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    minimum_subtotal_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    coupon: Mapped[Coupon] = relationship(back_populates="market_terms")


class Cart(db.Model):
    """A shopper's cart and checkout choices, found by the random token in their session."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    market: Mapped[str] = mapped_column(sa.String(2))
    coupon_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coupon.id", ondelete="SET NULL"))
    shipping_method: Mapped[str | None] = mapped_column(sa.String(32))
    email: Mapped[str] = mapped_column(sa.String(99), default="")
    phone: Mapped[str] = mapped_column(sa.String(99), default="")
    ship_to_billing: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartLine.id"
    )
    addresses: Mapped[list[CartAddress]] = relationship(
        back_populates="cart", cascade="all, delete-orphan"
    )
    coupon: Mapped[Coupon | None] = relationship()


class CartLine(db.Model):
    """A product and its quantity in a cart; the price is looked up per market, never stored."""

    __table_args__ = (
        sa.UniqueConstraint("cart_id", "product_id"),
        sa.CheckConstraint("quantity BETWEEN 1 AND 99", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(sa.ForeignKey("cart.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"))
    quantity: Mapped[int]

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class AddressKind(StrEnum):
    """Which of the cart's addresses a row is."""

    BILLING = "billing"
    SHIPPING = "shipping"


class CartAddress(db.Model):
    """The billing or shipping address entered at checkout, normalized (storefront.addresses)."""

    __table_args__ = (sa.UniqueConstraint("cart_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(sa.ForeignKey("cart.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # an AddressKind
    given_name: Mapped[str] = mapped_column(sa.String(99))
    family_name: Mapped[str] = mapped_column(sa.String(99))
    street_address: Mapped[str] = mapped_column(sa.String(99))
    street_address2: Mapped[str] = mapped_column(sa.String(99), default="")
    postal_code: Mapped[str] = mapped_column(sa.String(10))
    city: Mapped[str] = mapped_column(sa.String(99))
    region: Mapped[str] = mapped_column(sa.String(99), default="")
    country: Mapped[str] = mapped_column(sa.String(2))

    cart: Mapped[Cart] = relationship(back_populates="addresses")
