"""The admin order page's actions: capture, tracking, refund, cancel, release, extend, references.

Each is a CSRF-protected POST that parses its form, calls one order-management service and
flashes the outcome (done, or the service's reason with Klarna's correlation id), then goes
back to the order's page. The services make each action happen exactly once; a signed-in
admin is required before any view runs (storefront.admin_login.require_admin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from storefront.admin_forms import (
    AdminActionForm,
    CaptureForm,
    ReferencesForm,
    RefundForm,
    ShippingInfoForm,
)
from storefront.admin_login import admin_template_context, require_admin
from storefront.forms import ShopForm
from storefront.money import minor_units
from storefront.services.authorization_actions import (
    cancel,
    extend_authorization_time,
    release_remaining_authorization,
    update_merchant_references,
)
from storefront.services.captures import add_shipping_info, capture
from storefront.services.order_actions import retry_pending_action
from storefront.services.order_lookup import find_order
from storefront.services.refunds import refund
from storefront.views.responses import flash_form_errors, run_service

bp = Blueprint("admin_order_actions", __name__, url_prefix="/admin/orders/<number>")
bp.context_processor(admin_template_context)
bp.before_request(require_admin)


def invalid(form: ShopForm) -> bool:
    """Validate a posted form (CSRF included); flash its errors if it is refused."""
    if form.validate_on_submit():
        return False
    flash_form_errors(form)
    return True


def act(number: str, service: Callable[..., Any], *args: Any, done: str, **kwargs: Any) -> Response:
    """Run an order action as the signed-in admin, flash how it went, back to the order page."""
    run_service(service, number, *args, requested_by=current_user.username, done=done, **kwargs)
    return order_page(number)


def order_page(number: str) -> Response:
    """Back to the order's page (303: the browser follows with a GET)."""
    return redirect(url_for("admin.order", number=number), 303)


def refused(message: str, number: str) -> Response:
    """Flash why nothing was sent, back to the order's page."""
    flash(message, "error")
    return order_page(number)


@bp.post("/capture")
def capture_order(number: str) -> Response:
    """Capture everything left to capture, or the units chosen per line, with shipping info."""
    form = CaptureForm()
    if invalid(form):
        return order_page(number)
    lines = form.line_units() if form.scope.data == "lines" else None
    if lines == {}:
        return refused("Choose at least one unit to capture.", number)
    return act(number, capture, lines, shipping=form.shipping(), done="Captured.")


@bp.post("/shipping-info")
def add_tracking(number: str) -> Response:
    """Add shipping info (tracking) to one of the order's earlier captures."""
    form = ShippingInfoForm()
    if invalid(form):
        return order_page(number)
    capture_id, shipping = form.capture_id.data or "", form.shipping()
    return act(number, add_shipping_info, capture_id, shipping, done="Tracking added.")


@bp.post("/refund")
def refund_order(number: str) -> Response:
    """Refund everything captured, the units chosen per line, or an amount, with a reason."""
    form = RefundForm()
    if invalid(form):
        return order_page(number)
    lines = form.line_units() if form.scope.data == "lines" else None
    if lines == {}:
        return refused("Choose at least one unit to refund.", number)
    amount = None
    order = find_order(number)
    if form.scope.data == "amount" and form.amount.data is not None and order is not None:
        try:
            amount = minor_units(form.amount.data, order.currency)
        except ValueError:
            return refused(f"Enter the amount in {order.currency}, to the smallest coin.", number)
    description = form.description.data or ""
    return act(
        number, refund, lines=lines, amount_minor=amount, description=description, done="Refunded."
    )


@bp.post("/cancel")
def cancel_order(number: str) -> Response:
    """Cancel an order with nothing captured: Klarna releases the whole authorization."""
    if invalid(AdminActionForm()):
        return order_page(number)
    return act(number, cancel, done="Order cancelled.")


@bp.post("/release")
def release_remaining(number: str) -> Response:
    """After a partial capture, release what is left of the authorization."""
    if invalid(AdminActionForm()):
        return order_page(number)
    done = "The rest of the authorization is released."
    return act(number, release_remaining_authorization, done=done)


@bp.post("/extend")
def extend(number: str) -> Response:
    """Push back the date Klarna's authorization expires."""
    if invalid(AdminActionForm()):
        return order_page(number)
    return act(number, extend_authorization_time, done="Authorization extended.")


@bp.post("/references")
def references(number: str) -> Response:
    """Set the merchant references Klarna shows for the order (an empty one clears it)."""
    form = ReferencesForm()
    if invalid(form):
        return order_page(number)
    return act(
        number,
        update_merchant_references,
        reference1=form.reference1.data or "",
        reference2=form.reference2.data or "",
        done="Merchant references updated.",
    )


@bp.post("/retry")
def retry(number: str) -> Response:
    """Send an unconfirmed action again with its own idempotency key: Klarna applies it once."""
    if not invalid(AdminActionForm()):
        run_service(retry_pending_action, number, done="The unconfirmed action is now done.")
    return order_page(number)
