"""Checkout pages: contact and addresses, shipping method, and the order summary.

The summary is the last step before paying: the Klarna payment step follows it.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from storefront.forms import DetailsForm, ShippingForm
from storefront.models import Cart
from storefront.services import checkout
from storefront.services.checkout import CheckoutOverview, CheckoutStep
from storefront.services.errors import INVALID_DETAILS_MESSAGE, CheckoutIncomplete, InvalidDetails
from storefront.views.responses import (
    STEP_ENDPOINTS,
    details_form_data,
    redirect_back,
    run_service,
    save_details_from,
    step_url,
)
from storefront.views.shopper import current_cart, current_market, editable_cart, today

bp = Blueprint("checkout", __name__, url_prefix="/checkout")


class StepNotReady(Exception):
    """Raised inside a view to send the shopper back to an earlier step."""

    def __init__(self, response: Response) -> None:
        self.response = response


def cart_at(step: CheckoutStep) -> tuple[Cart, CheckoutOverview]:
    """The locked cart and its overview, if the checkout has reached `step` (and may change)."""
    cart = editable_cart()
    if cart is None:
        flash(gettext("Your cart is empty."), "error")
        raise StepNotReady(redirect(url_for("cart.show")))
    overview = checkout.checkout_overview(cart, today=today())
    try:
        checkout.require_step(overview.snapshot, step)
    except CheckoutIncomplete as error:
        flash(error.user_message, "error")
        raise StepNotReady(redirect(step_url(error))) from None
    return cart, overview


@bp.errorhandler(StepNotReady)
def step_not_ready(error: StepNotReady) -> Response:
    """Send the shopper to the step they still have to do."""
    return error.response


@bp.get("")
def start() -> Response:
    """Go to the first checkout step that still needs the shopper."""
    cart = current_cart()
    if cart is None:
        return redirect(url_for("cart.show"))
    snapshot = checkout.checkout_snapshot(cart, today=today())
    return redirect(url_for(STEP_ENDPOINTS[checkout.next_step(snapshot)]))


@bp.route("/details", methods=["GET", "POST"])
def details() -> Response | str:
    """Contact details, billing address and shipping address."""
    cart, overview = cart_at(CheckoutStep.DETAILS)
    snapshot = overview.snapshot
    form = DetailsForm(current_market(), data=details_form_data(cart, overview))
    if form.validate_on_submit():
        try:
            save_details_from(cart, form)
        except InvalidDetails as error:
            flash(error.user_message, "error")
        else:
            # Moving on is the confirmation: no "saved" banner on the next step.
            return redirect_back("checkout.shipping")
    elif form.is_submitted():
        flash(str(INVALID_DETAILS_MESSAGE), "error")
    return render_template("checkout/details.html", form=form, overview=overview, snapshot=snapshot)


@bp.route("/shipping", methods=["GET", "POST"])
def shipping() -> Response | str:
    """Choose a shipping method; fees shown are what this cart would pay."""
    cart, overview = cart_at(CheckoutStep.SHIPPING)
    options = checkout.shipping_options(overview.priced)
    preselected = checkout.preselected_shipping(cart, options)
    form = ShippingForm(options, overview.snapshot.market, method=preselected)
    chosen = form.validate_on_submit() and run_service(
        checkout.choose_shipping, cart, form.method.data, done=None
    )
    if chosen:
        return redirect_back("checkout.summary")
    previews = checkout.shipping_previews(overview)
    shown = previews.get(form.method.data or preselected, overview)
    return render_template("checkout/shipping.html", form=form, overview=shown, previews=previews)


@bp.get("/summary")
def summary() -> str:
    """The whole order as Klarna will see it, with links to change each part."""
    _, overview = cart_at(CheckoutStep.SUMMARY)
    return render_template("checkout/summary.html", overview=overview)
