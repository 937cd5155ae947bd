"""Order pages: the confirmation Klarna sends the shopper back to, and lookup by number + email.

An order page is shown only to the browser that placed the order (its number is kept in the
signed session cookie) or to someone who knows the order's number and email address.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from storefront.dev_panel import order_calls
from storefront.forms import OrderLookupForm
from storefront.markets import MARKETS
from storefront.models import OrderStatus
from storefront.services import subscriptions
from storefront.services.errors import PaymentError
from storefront.services.order_lookup import find_order, look_up_order
from storefront.services.order_placement import resume_placement
from storefront.services.order_receipts import order_receipt
from storefront.services.rate_limits import ORDER_LOOKUPS, give_back, spend_attempt
from storefront.views.shopper import may_see_order, remember_order

bp = Blueprint("orders", __name__, url_prefix="/orders")

# While an order is being placed its page reloads itself this often (a meta refresh, not JS).
PLACING_REFRESH_SECONDS = 3


@bp.get("/<number>")
def confirmation(number: str) -> Response | str | tuple[str, int]:
    """The order: number, lines, totals, addresses and where its Klarna payment stands."""
    order = find_order(number) if may_see_order(number) else None
    if order is None:
        # Said on the page, not by a silent redirect: the shopper learns why they must look it up.
        # 403 (not 404): the same answer whether or not the number exists.
        return lookup_page(
            OrderLookupForm(formdata=None, data={"number": number[:32]}),
            notice=gettext(
                "For your privacy, an order page opens only in the browser that placed the order. "
                "Enter the order number and the e-mail address you used to see it here."
            ),
        ), 403
    try:
        # An order whose placing stalled is finished here, by the page's own refresh.
        order = resume_placement(order)
    except PaymentError as error:
        flash(error.user_message, "error")
        if find_order(number) is None:  # released: Klarna made no order, pay again
            return redirect(url_for("payment.show"))
    return render_template(
        "orders/confirmation.html",
        order=order,
        receipt=order_receipt(order),
        order_market=MARKETS[order.market],
        statuses=OrderStatus,
        refresh_seconds=PLACING_REFRESH_SECONDS if order.status == OrderStatus.PLACING else None,
        klarna_calls=order_calls(order),
        has_subscriptions=bool(subscriptions.checkout_subscriptions(order.number)),
    )


@bp.route("/lookup", methods=["GET", "POST"])
def lookup() -> Response | str:
    """Find an order by its number and email address."""
    form = OrderLookupForm()
    if form.validate_on_submit():
        attempt = spend_attempt(ORDER_LOOKUPS, request.remote_addr)
        order = look_up_order(form.number.data or "", form.email.data or "")
        if order is not None:
            give_back(attempt)
            remember_order(order.number)
            return redirect(url_for("orders.confirmation", number=order.number))
        number = (form.number.data or "").strip().upper()
        if subscriptions.look_up_subscriptions(number, form.email.data or ""):
            # A free trial's checkout: subscriptions, but no order.
            give_back(attempt)
            remember_order(number)
            return redirect(url_for("subscriptions.show", number=number))
        # One message for both a wrong number and a wrong email: no hint which one exists.
        flash(gettext("We found no order with that number and email address."), "error")
    return lookup_page(form)


def lookup_page(form: OrderLookupForm, notice: str | None = None) -> str:
    """The lookup form, with a notice saying why the shopper is asked for it."""
    return render_template("orders/lookup.html", form=form, notice=notice)
