"""Shopper subscription pages: a checkout's subscriptions, skip the next delivery, cancel.

Shown only to a browser that may see the checkout's order (it placed it, or looked it up with
the order number and e-mail address, see views.orders).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from storefront.forms import ActionForm
from storefront.markets import MARKETS
from storefront.services import subscriptions
from storefront.views.shopper import may_see_order

bp = Blueprint("subscriptions", __name__, url_prefix="/subscriptions")


@bp.get("/<number>")
def show(number: str) -> Response | str:
    """The checkout's subscriptions: cadence, state, next delivery date and amount."""
    found = subscriptions.checkout_subscriptions(number) if may_see_order(number) else []
    if not found:
        flash(
            gettext("Enter your order number and email address to see your subscriptions."), "error"
        )
        return redirect(url_for("orders.lookup"))
    return render_template(
        "subscriptions/show.html",
        number=number,
        views=[subscriptions.view_of(s) for s in found],
        money=MARKETS[found[0].market].format_amount,
        form=ActionForm(formdata=None),
    )


@bp.post("/<number>/<int:subscription_id>/skip")
def skip(number: str, subscription_id: int) -> Response:
    """Skip the next delivery."""
    return changed(
        number, subscriptions.skip_next, subscription_id, gettext("The next delivery is skipped.")
    )


@bp.post("/<number>/<int:subscription_id>/cancel")
def cancel(number: str, subscription_id: int) -> Response:
    """Cancel the subscription (and stop Klarna charging for it)."""
    return changed(
        number,
        subscriptions.cancel_for_shopper,
        subscription_id,
        gettext("Your subscription is cancelled."),
    )


def changed(
    number: str, change: Callable[[str, int], None], subscription_id: int, done: str
) -> Response:
    """Apply a shopper's change if the form and the browser may; back to the page."""
    form = ActionForm()
    if not may_see_order(number) or not form.validate_on_submit():
        flash(gettext("Please reload the page and try again."), "error")
        return redirect(url_for("orders.lookup"))
    try:
        change(number, subscription_id)
    except subscriptions.SubscriptionRefused as refused:
        flash(refused.user_message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("subscriptions.show", number=number))
