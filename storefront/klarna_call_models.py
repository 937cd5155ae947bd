"""The developer panel's store: each Klarna call of a checkout, as the call log scrubbed it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from storefront.extensions import Model


class KlarnaCallKind(StrEnum):
    """Who called whom: the shop's API call, the browser's SDK call, or Klarna's callback."""

    API = "api"  # the shop called Klarna's API (storefront.klarna's call log)
    SDK = "sdk"  # the payment page called Klarna's JS SDK (init, load, authorize, finalize)
    CALLBACK = "callback"  # Klarna called the shop (authorization callback, notification)


class KlarnaCall(Model):
    """One Klarna call of a checkout, scrubbed as the call log scrubs it (the developer panel).

    Written only while KLARNA_DEV_PANEL is on. A call is filed under the Klarna ids and order
    number it carries; a checkout's calls are found through them (storefront.services.klarna_calls).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # a KlarnaCallKind
    operation: Mapped[str] = mapped_column(sa.String(64))
    method: Mapped[str | None] = mapped_column(sa.String(8))
    path: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[int | None]
    duration_ms: Mapped[int | None]
    correlation_id: Mapped[str | None] = mapped_column(sa.String(64))
    error: Mapped[str | None] = mapped_column(sa.String(64))
    # The shop's order number (merchant_reference1), Klarna's session and order ids.
    order_number: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    klarna_session_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    klarna_order_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    request_body: Mapped[dict | list | None] = mapped_column(sa.JSON)
    response_body: Mapped[dict | list | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )
