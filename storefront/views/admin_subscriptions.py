"""The admin's subscription pages: the list, one subscription, and its actions (POST, CSRF)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from storefront.admin_login import admin_template_context, require_admin
from storefront.forms import ActionForm
from storefront.markets import MARKETS
from storefront.services import admin_subscriptions
from storefront.services.renewal_pricing import due_date, next_amount
from storefront.views.responses import flash_form_errors, run_service

bp = Blueprint("admin_subscriptions", __name__, url_prefix="/admin/subscriptions")
bp.context_processor(admin_template_context)
bp.before_request(require_admin)


@bp.get("")
def index() -> str:
    """Every subscription: product, plan, market, status, next date."""
    return render_template(
        "admin/subscriptions.html",
        subscriptions=admin_subscriptions.list_subscriptions(),
        due_date=due_date,
    )


@bp.get("/<int:subscription_id>")
def show(subscription_id: int) -> str:
    """One subscription, its token's status at Klarna, its renewals, the action buttons."""
    view = admin_subscriptions.subscription_for_admin(subscription_id)
    if view is None:
        abort(404, description=f"There is no subscription {subscription_id}.")
    return render_template(
        "admin/subscription.html",
        view=view,
        subscription=view.subscription,
        money=MARKETS[view.subscription.market].format_amount,
        next_date=due_date(view.subscription),
        next_amount=next_amount(view.subscription),
        form=ActionForm(formdata=None),
    )


ACTIONS: dict[str, tuple[Callable[[int], Any], str]] = {
    "renew": (admin_subscriptions.renew_now, "Renewed: the next period was sent to Klarna."),
    "pause": (admin_subscriptions.pause, "Subscription paused."),
    "resume": (admin_subscriptions.resume, "Subscription resumed."),
    "cancel": (admin_subscriptions.cancel_subscription, "Subscription and its token cancelled."),
}


@bp.post("/<int:subscription_id>/<action>")
def act(subscription_id: int, action: str) -> Response:
    """Renew now, pause, resume or cancel."""
    if action not in ACTIONS:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        service, done = ACTIONS[action]
        run_service(service, subscription_id, done=done)
    return redirect(url_for("admin_subscriptions.show", subscription_id=subscription_id))
