"""The payment page: the Klarna widget, cart edits that reload it, and the place-order POST.

Cart edits on this page post the shop's own forms to endpoints named like the cart's and
checkout's (`payment.change_quantity`, `payment.shipping`, ...). Without JavaScript they are
plain post/redirect/get; static/js/checkout.js sends the same forms with fetch and
`Accept: application/json` and gets back the re-rendered page parts plus what the widget needs
(client token, categories, authorize() data), so it can reload the widget in place.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from storefront.forms import (
    ActionForm,
    ApplyCouponForm,
    ChangeQuantityForm,
    DetailsForm,
    PlaceOrderForm,
    ShippingForm,
)
from storefront.models import Cart, OrderStatus
from storefront.services import carts, checkout, orders
from storefront.services.checkout import CheckoutOverview
from storefront.services.errors import (
    CheckoutIncomplete,
    InvalidDetails,
    OrderInProgress,
    PaymentError,
    PaymentOutcomeUnknown,
    ShopError,
)
from storefront.services.payment import (
    DECLINED_MESSAGE,
    PaymentPage,
    recheck_session,
    record_decline,
    start_payment,
)
from storefront.services.rate_limits import COUPON_CODES, failures_limited
from storefront.views.checkout import STEP_ENDPOINTS, details_form_data, save_details_from
from storefront.views.orders import remember_order
from storefront.views.shopper import CART_KEY, current_cart, today

bp = Blueprint("payment", __name__, url_prefix="/checkout/payment")

# How long the browser's place-order POST waits for an attempt already placing the order
# (Klarna's callback, or the first of a double click) before showing the order page.
PLACE_ORDER_WAIT_SECONDS = 15.0
# The page parts an edit re-renders: [data-fragment] name -> template.
FRAGMENTS = {
    "items": "payment/_items.html",
    "delivery": "payment/_delivery.html",
    "totals": "payment/_totals.html",
    "klarna": "payment/_klarna.html",
    "cart_link": "_cart_link.html",  # the header's item count
}

Message = tuple[str, str]  # (category, text), as flash() takes them


def wants_json() -> bool:
    """True when checkout.js sent the request (it asks for JSON); False for a plain form."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@bp.get("")
def show() -> Response | str:
    """The payment step: order, delivery, and the Klarna widget with the Buy button."""
    cart = current_cart(for_update=True)
    if cart is None:
        flash("Your cart is empty.", "error")
        return redirect(url_for("cart.show"))
    try:
        page = start_payment(cart, today=today())
    except CheckoutIncomplete as error:
        flash(error.user_message, "error")
        return redirect(url_for(STEP_ENDPOINTS[checkout.CheckoutStep(error.step)]))
    except OrderInProgress as error:
        return redirect(url_for("orders.confirmation", number=error.number))
    except PaymentError as error:
        overview = checkout.checkout_overview(cart, today=today())
        context = page_context(cart, overview, None, problem=error.user_message)
        return render_template("payment/show.html", **context)
    return render_template("payment/show.html", **page_context(cart, page.overview, page))


def page_context(
    cart: Cart,
    overview: CheckoutOverview,
    page: PaymentPage | None,
    *,
    details_form: DetailsForm | None = None,
    problem: str | None = None,
) -> dict[str, Any]:
    """Everything the payment page and its parts render: forms filled from the cart."""
    market = overview.snapshot.market
    return {
        "cart": cart,
        "overview": overview,
        "page": page,
        "edit_blueprint": "payment",
        "return_to": url_for("payment.show"),
        "quantity_form": ChangeQuantityForm(formdata=None),
        "action_form": ActionForm(formdata=None),
        "coupon_form": ApplyCouponForm(formdata=None),
        "shipping_form": ShippingForm(
            checkout.shipping_options(overview.priced),
            market,
            formdata=None,
            method=cart.shipping_method,
        ),
        "details_form": details_form
        or DetailsForm(market, formdata=None, data=details_form_data(cart, overview)),
        "place_form": PlaceOrderForm(formdata=None),
        "widget": widget_state(page) if page else None,
        "problem": problem,
    }


def edited(cart: Cart | None, messages: list[Message], **context: Any) -> Response:
    """Answer an edit: the new page state as JSON for checkout.js, else flash and redirect."""
    if not wants_json():
        for category, text in messages:
            flash(text, category)
        return redirect(url_for("payment.show"))
    if cart is None:
        return jsonify(messages=as_json(messages), redirect=url_for("cart.show"))
    try:
        page = start_payment(cart, today=today())
    except CheckoutIncomplete as error:
        step_url = url_for(STEP_ENDPOINTS[checkout.CheckoutStep(error.step)])
        return jsonify(
            messages=as_json([*messages, ("error", error.user_message)]), redirect=step_url
        )
    except OrderInProgress as error:
        return jsonify(
            messages=as_json(messages),
            redirect=url_for("orders.confirmation", number=error.number),
        )
    except PaymentError as error:
        overview = checkout.checkout_overview(cart, today=today())
        state = page_context(cart, overview, None, problem=error.user_message, **context)
        return jsonify(messages=as_json(messages), fragments=fragments(state), payment=None)
    state = page_context(cart, page.overview, page, **context)
    return jsonify(
        messages=as_json(messages), fragments=fragments(state), payment=widget_state(page)
    )


def fragments(state: dict[str, Any]) -> dict[str, str]:
    """The page parts an edit changes, rendered as on the full page."""
    return {name: render_template(template, **state) for name, template in FRAGMENTS.items()}


def widget_state(page: PaymentPage) -> dict[str, Any]:
    """What checkout.js needs to (re)load the widget and to authorize()."""
    payment = page.payment
    return {
        "declined": page.declined,
        "client_token": payment.client_token,
        "session_id": payment.klarna_session_id,
        "categories": [category.identifier for category in page.categories],
        "authorize_data": page.authorize_data,
        "purchase_fingerprint": page.purchase_fingerprint,
    }


def as_json(messages: list[Message]) -> list[dict[str, str]]:
    """Messages as checkout.js shows them."""
    return [{"category": category, "text": text} for category, text in messages]


def run_edit(cart: Cart | None, service: Any, *args: Any, done: str, **kwargs: Any) -> Response:
    """Apply one cart edit through the shop's service and answer it (JSON or redirect)."""
    if cart is None:
        return edited(None, [("error", "Your cart is empty.")])
    try:
        service(cart, *args, **kwargs)
    except ShopError as error:
        return edited(cart, [("error", error.user_message)])
    return edited(cart, [("success", done)])


def refused_form(cart: Cart | None, form: Any) -> Response:
    """Answer a form that failed validation with its errors."""
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    return edited(cart, [("error", error) for error in errors])


@bp.post("/items/<sku>/quantity")
def change_quantity(sku: str) -> Response:
    """Set a line's quantity."""
    form = ChangeQuantityForm()
    cart = current_cart(for_update=True)
    if not form.validate_on_submit():
        return refused_form(cart, form)
    return run_edit(cart, carts.change_quantity, sku, form.quantity.data, done="Quantity updated.")


@bp.post("/items/<sku>/remove")
def remove(sku: str) -> Response:
    """Remove a product from the cart."""
    form = ActionForm()
    cart = current_cart(for_update=True)
    if not form.validate_on_submit():
        return refused_form(cart, form)
    return run_edit(cart, carts.remove_item, sku, done="Removed from your cart.")


@bp.post("/coupon")
def apply_coupon() -> Response:
    """Apply a coupon code."""
    form = ApplyCouponForm()
    cart = current_cart(for_update=True)
    if not form.validate_on_submit():
        return refused_form(cart, form)
    code = form.code.data.upper()
    apply_limited = failures_limited(COUPON_CODES, request.remote_addr, checkout.apply_coupon)
    return run_edit(cart, apply_limited, code, today=today(), done=f"Coupon {code} applied.")


@bp.post("/coupon/remove")
def remove_coupon() -> Response:
    """Take the coupon off the cart."""
    form = ActionForm()
    cart = current_cart(for_update=True)
    if not form.validate_on_submit():
        return refused_form(cart, form)
    return run_edit(cart, checkout.remove_coupon, done="Coupon removed.")


@bp.post("/shipping")
def shipping() -> Response:
    """Choose another shipping method."""
    cart = current_cart(for_update=True)
    if cart is None:
        return edited(None, [("error", "Your cart is empty.")])
    overview = checkout.checkout_overview(cart, today=today())
    form = ShippingForm(checkout.shipping_options(overview.priced), overview.snapshot.market)
    if not form.validate_on_submit():
        return refused_form(cart, form)
    return run_edit(cart, checkout.choose_shipping, form.method.data, done="Shipping changed.")


@bp.post("/details")
def details() -> Response | str:
    """Change contact details or addresses; errors are shown next to the fields."""
    cart = current_cart(for_update=True)
    if cart is None:
        return edited(None, [("error", "Your cart is empty.")])
    overview = checkout.checkout_overview(cart, today=today())
    form = DetailsForm(overview.snapshot.market)
    if form.validate_on_submit():
        try:
            save_details_from(cart, form)
        except InvalidDetails as error:
            return details_refused(cart, overview, form, error.user_message)
        return edited(cart, [("success", "Details saved.")])
    return details_refused(cart, overview, form, "Please correct the highlighted details.")


def details_refused(
    cart: Cart, overview: CheckoutOverview, form: DetailsForm, message: str
) -> Response | str:
    """Show the details form again with its errors, keeping what the shopper typed."""
    if wants_json():
        return edited(cart, [("error", message)], details_form=form)
    flash(message, "error")
    context = page_context(
        cart,
        overview,
        None,
        details_form=form,
        problem="Save your corrected details to continue to payment.",
    )
    return render_template("payment/show.html", **context)


@bp.post("/session")
def recheck() -> Response:
    """checkout.js could not load the widget: replace the session if Klarna dropped it."""
    form = ActionForm()
    cart = current_cart(for_update=True)
    if not form.validate_on_submit():
        return refused_form(cart, form)
    if cart is None:
        return edited(None, [("error", "Your cart is empty.")])
    try:
        recheck_session(cart)
    except PaymentError as error:
        return edited(cart, [("error", error.user_message)])
    return edited(cart, [])


@bp.post("/declined")
def declined() -> Response:
    """checkout.js reports Klarna's hard decline, so Klarna stays hidden for this cart."""
    form = ActionForm()
    cart = current_cart(for_update=True)
    if form.validate_on_submit() and cart is not None:
        record_decline(cart)
    return edited(cart, [("error", DECLINED_MESSAGE)])


@bp.post("/place")
def place() -> Response:
    """Place the order for the token Klarna's authorize() gave the page (exactly once)."""
    form = PlaceOrderForm()
    if not form.validate_on_submit():
        flash("Your payment could not be sent. Please reload the page and try again.", "error")
        return redirect(url_for("payment.show"))
    token = form.authorization_token.data
    session_id = form.klarna_session_id.data
    payment = orders.find_payment(current_cart(), session_id, token)
    if payment is None:
        flash("This payment is no longer open. Please check your cart.", "error")
        return redirect(url_for("cart.show"))
    try:
        placement = orders.place_order(
            payment.id,
            token,
            klarna_session_id=session_id,
            today=today(),
            purchase_fingerprint_seen=form.purchase_fingerprint.data,
            wait_seconds=PLACE_ORDER_WAIT_SECONDS,
        )
    except OrderInProgress as error:
        remember_order(error.number)
        return redirect(url_for("orders.confirmation", number=error.number), 303)
    except PaymentOutcomeUnknown as error:
        flash(error.user_message, "error")
        remember_order(payment.order_number)
        return redirect(url_for("orders.confirmation", number=payment.order_number), 303)
    except CheckoutIncomplete as error:
        flash(error.user_message, "error")
        return redirect(url_for(STEP_ENDPOINTS[checkout.CheckoutStep(error.step)]), 303)
    except PaymentError as error:
        flash(error.user_message, "error")
        return redirect(url_for("payment.show"), 303)
    order = placement.order
    if order.status == OrderStatus.REJECTED:
        flash(DECLINED_MESSAGE, "error")
        return redirect(url_for("payment.show"), 303)
    remember_order(order.number)
    session.pop(CART_KEY, None)
    confirmation = url_for("orders.confirmation", number=order.number)
    return redirect(placement.redirect_url or confirmation, 303)
