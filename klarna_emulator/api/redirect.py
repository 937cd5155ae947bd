"""Klarna's redirect after an order (`redirect_url`): on to the merchant's confirmation page.

Klarna docs: https://docs.klarna.com/payments/web-payments/integrate-with-klarna-payments/integrate-via-sdk/step-3-create-an-order
(Klarna sets a cookie, then redirects to `merchant_urls.confirmation`). Browser-facing: no auth.
"""

from __future__ import annotations

from flask import Blueprint, redirect
from werkzeug.wrappers import Response

from klarna_emulator.emulator import current_emulator
from klarna_emulator.errors import NotFound

bp = Blueprint("redirect", __name__)


def _to_confirmation(order_id: str | None) -> Response:
    url = current_emulator().order_management.confirmation_url(order_id) if order_id else None
    if not url:
        raise NotFound("No confirmation URL for this purchase")
    return redirect(url, code=302)


@bp.get("/v1/sessions/<session_id>/redirect")
def session_redirect(session_id: str) -> Response:
    """After a Payments order: the session's order's confirmation URL."""
    return _to_confirmation(current_emulator().order_placement.order_id_of(session_id))


@bp.get("/v1/orders/<order_id>/redirect")
def order_redirect(order_id: str) -> Response:
    """After a customer-token order: that order's confirmation URL."""
    return _to_confirmation(order_id)
