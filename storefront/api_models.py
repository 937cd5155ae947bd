"""Database models of the JSON:API door: API clients, addresses, orders and Klarna payments.

An API order is a public face on the shop's own cart and payment (`Payment`): every checkout
rule stays in the shop's services, and these rows hold only what the API adds (unguessable
ids, the client and market an order belongs to, the payment source and its authorization).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import Model
from storefront.models import Payment


class ApiClient(Model):
    """A program allowed to get access tokens: its public id and a hash of its secret."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # sha256 of the secret: secrets are 256 random bits, not chosen by people (docs/headless.md).
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(99))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )


class ApiAddress(Model):
    """An address a client created, to link to its orders as billing or shipping address."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    api_client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_client.id", ondelete="CASCADE"))
    market: Mapped[str] = mapped_column(sa.String(2))
    first_name: Mapped[str] = mapped_column(sa.String(99))
    last_name: Mapped[str] = mapped_column(sa.String(99))
    line_1: Mapped[str] = mapped_column(sa.String(99))
    line_2: Mapped[str] = mapped_column(sa.String(99), default="")
    city: Mapped[str] = mapped_column(sa.String(99))
    zip_code: Mapped[str] = mapped_column(sa.String(10))
    state_code: Mapped[str] = mapped_column(sa.String(99), default="")
    country_code: Mapped[str] = mapped_column(sa.String(2))
    phone: Mapped[str] = mapped_column(sa.String(99))
    email: Mapped[str] = mapped_column(sa.String(99), default="")
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )


class ApiOrder(Model):
    """An order as the API shows it: the shop's payment (and, until placed, its cart)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), unique=True)
    api_client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_client.id"))
    market: Mapped[str] = mapped_column(sa.String(2))
    billing_address_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("api_address.id", ondelete="SET NULL")
    )
    shipping_address_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("api_address.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    payment: Mapped[Payment] = relationship()
    billing_address: Mapped[ApiAddress | None] = relationship(foreign_keys=[billing_address_id])
    shipping_address: Mapped[ApiAddress | None] = relationship(foreign_keys=[shipping_address_id])
    klarna_payments: Mapped[list[ApiKlarnaPayment]] = relationship(
        back_populates="order", order_by="ApiKlarnaPayment.id"
    )

    @property
    def payment_source(self) -> ApiKlarnaPayment | None:
        """The order's payment source: its Klarna payment not detached by an edit, if any."""
        return next((kp for kp in self.klarna_payments if kp.detached_at is None), None)


class ApiKlarnaPayment(Model):
    """A `klarna_payments` resource: the order's Klarna session as a payment source.

    `detached_at` is set when the order is edited after it was created (the order's payment
    source is emptied); `auth_token` is the authorization the client recorded, and
    `purchase_fingerprint` the purchase it was recorded for.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    api_order_id: Mapped[int] = mapped_column(sa.ForeignKey("api_order.id", ondelete="CASCADE"))
    klarna_session_id: Mapped[str | None] = mapped_column(sa.String(64))
    auth_token: Mapped[str | None] = mapped_column(sa.String(255))
    purchase_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    reference: Mapped[str] = mapped_column(sa.String(255), default="")
    reference_origin: Mapped[str] = mapped_column(sa.String(255), default="")
    metadata_json: Mapped[dict] = mapped_column("metadata", sa.JSON, default=dict)
    detached_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    order: Mapped[ApiOrder] = relationship(back_populates="klarna_payments")
