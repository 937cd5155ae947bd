"""What the shop sends Klarna for a payment: its merchant URLs, a checked body, the client."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from storefront.klarna.bodies import MerchantContext
from storefront.klarna.client import KlarnaClient
from storefront.klarna.preflight import PreflightError, ensure_valid
from storefront.klarna_extension import get_klarna
from storefront.markets import MARKETS
from storefront.models import Payment
from storefront.services.errors import UNAVAILABLE_MESSAGE, PaymentUnavailable
from storefront.urls import absolute_url

log = logging.getLogger(__name__)


def merchant_context(payment: Payment, callback_secret: str | None = None) -> MerchantContext:
    """The order number and callback URLs Klarna gets: with the payment's secret, or this one."""
    key = callback_secret or payment.callback_secret
    return MerchantContext(
        order_number=payment.order_number,
        authorization_url=absolute_url("klarna_callbacks.authorization", key=key),
        confirmation_url=absolute_url("orders.confirmation", number=payment.order_number),
        notification_url=absolute_url("klarna_callbacks.notification", key=key),
    )


def checked(payment_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """The body if Klarna's rules hold; else PaymentUnavailable, and nothing is sent."""
    try:
        return dict(ensure_valid(body))
    except PreflightError as error:
        reference = uuid.uuid4().hex[:12]
        log.error("payment %s: pre-flight refused the body (%s): %s", payment_id, reference, error)
        raise PaymentUnavailable(UNAVAILABLE_MESSAGE, reference=reference) from error


def klarna_for(payment: Payment) -> KlarnaClient:
    """The Klarna client for the payment's market (its region's API and credentials)."""
    return get_klarna(MARKETS[payment.market].country)
