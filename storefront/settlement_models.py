"""Order-management models: the merchant's actions on a Klarna order, its captures and refunds.

Klarna pays the merchant only for what is captured, so every money movement is recorded here
before Klarna is asked to make it (`OrderAction`, with its `Klarna-Idempotency-Key`), and what
Klarna made is kept with Klarna's ids (`OrderCapture`, `OrderRefund`, and their lines).
Klarna docs: https://docs.klarna.com/payments/after-payments/order-management/manage-orders-with-the-api/view-and-change-orders
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import Model


class OrderActionKind(StrEnum):
    """An Order Management write the merchant asks for."""

    CAPTURE = "capture"
    REFUND = "refund"
    CANCEL = "cancel"
    RELEASE = "release"  # release the remaining authorization
    EXTEND = "extend"  # extend the authorization time
    REFERENCES = "references"  # update merchant references
    SHIPPING_INFO = "shipping_info"  # add shipping info to a capture


class OrderActionState(StrEnum):
    """Where an action stands: sent or about to be (pending), applied by Klarna, or refused."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class OrderAction(Model):
    """One merchant action on a Klarna order, stored (committed) before Klarna is called.

    `sequence` numbers an order's actions; (order, sequence) is unique, so of two admins who
    act on one order at the same instant exactly one inserts its action, on any database.
    While an action is PENDING every retry sends the same `request_body` with the same
    `idempotency_key`, so Klarna applies it once however often its answer is lost.
    """

    __table_args__ = (sa.UniqueConstraint("order_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id", ondelete="CASCADE"))
    sequence: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))  # an OrderActionKind
    state: Mapped[str] = mapped_column(sa.String(16))  # an OrderActionState
    idempotency_key: Mapped[str] = mapped_column(sa.String(36), unique=True)
    amount_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The exact body sent (None: the call has none); retries send it again unchanged.
    request_body: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # Which line of the order (index in its Klarna order_lines) and how many units, for
    # captures and refunds by line: {"0": 1, "2": 1}.
    line_quantities: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    # The capture an added shipping info belongs to (Klarna's capture id).
    target_klarna_id: Mapped[str | None] = mapped_column(sa.String(64))
    # While a request is sending the action: until when it holds it. None: nobody is.
    lease_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    klarna_resource_id: Mapped[str | None] = mapped_column(sa.String(64))  # capture/refund id
    correlation_id: Mapped[str | None] = mapped_column(sa.String(64))
    failure: Mapped[str] = mapped_column(sa.String(255), default="")
    requested_by: Mapped[str] = mapped_column(sa.String(99), default="")
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class OrderCapture(Model):
    """Money Klarna captured for an order: by the shop's action, or found by reconcile."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_action.id"))
    klarna_capture_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    # Klarna `shipping_info` entries sent with the capture or added later: shipping_company,
    # shipping_method, tracking_number, tracking_uri.
    shipping_info: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    lines: Mapped[list[SettledLine]] = relationship(
        cascade="all, delete-orphan", order_by="SettledLine.line_index"
    )


class OrderRefund(Model):
    """Money Klarna gave back for an order: by lines, or an amount only (no lines)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order_action.id"))
    klarna_refund_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    description: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    lines: Mapped[list[SettledLine]] = relationship(
        cascade="all, delete-orphan", order_by="SettledLine.line_index"
    )


class SettledLine(Model):
    """Units of one order line in a capture or a refund (exactly one of the two)."""

    __table_args__ = (
        sa.CheckConstraint("(capture_id IS NULL) <> (refund_id IS NULL)", name="capture_or_refund"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    capture_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_capture.id", ondelete="CASCADE")
    )
    refund_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("order_refund.id", ondelete="CASCADE")
    )
    line_index: Mapped[int]  # the line's index in the order's Klarna order_lines
    reference: Mapped[str] = mapped_column(sa.String(64))
    quantity: Mapped[int]
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
