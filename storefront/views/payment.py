"""The payment page: the Klarna widget, cart edits that reload it, and the place-order POST.

Cart edits on this page post the shop's own forms to endpoints named like the cart's and
checkout's (`payment.change_quantity`, `payment.shipping`, ...). Without JavaScript they are
plain post/redirect/get; static/js/checkout.js sends the same forms with fetch and
`Accept: application/json` and gets back the re-rendered page parts plus what the widget needs
(client token, categories, authorize() data), so it can reload the widget in place. Every edit
takes one path (`cart_edit`): parse its form, run its service, answer with `edited`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from werkzeug.wrappers import Response

from storefront.dev_panel import cart_calls
from storefront.forms import (
    ActionForm,
    ApplyCouponForm,
    ChangeQuantityForm,
    DetailsForm,
    PlaceOrderForm,
    ShippingForm,
    ShopForm,
)
from storefront.markets import MARKETS
from storefront.models import Cart, OrderStatus
from storefront.services import carts, checkout
from storefront.services.checkout import CheckoutOverview
from storefront.services.errors import (
    DECLINED_MESSAGE,
    UNAVAILABLE_MESSAGE,
    CheckoutIncomplete,
    OrderInProgress,
    PaymentError,
    PaymentOutcomeUnknown,
    ShopError,
)
from storefront.services.klarna_session import PaymentPage, recheck_session, start_payment
from storefront.services.order_lookup import find_payment
from storefront.services.order_placement import PLACE_ORDER_WAIT_SECONDS, Subscribed, place_order
from storefront.services.payments import record_decline
from storefront.services.rate_limits import (
    COUPON_CODES,
    SESSION_RECHECKS,
    failures_limited,
    spend_attempt,
)
from storefront.subscription_models import TokenClaimStatus
from storefront.views.responses import (
    Message,
    as_json,
    details_form_data,
    save_details_from,
    step_url,
    wants_json,
)
from storefront.views.shopper import (
    CART_KEY,
    current_cart,
    current_language,
    editable_cart,
    remember_order,
    today,
)

bp = Blueprint("payment", __name__, url_prefix="/checkout/payment")

# The page parts an edit re-renders: [data-fragment] name -> template.
FRAGMENTS = {
    "items": "payment/_items.html",
    "delivery": "payment/_delivery.html",
    "totals": "payment/_totals.html",
    "klarna": "payment/_klarna.html",
    "cart_link": "_cart_link.html",  # the header's item count
    "klarna_calls": "_klarna_calls.html",  # the developer panel's rows (KLARNA_DEV_PANEL)
}
EMPTY_CART_MESSAGE = lazy_gettext("Your cart is empty.")


@bp.get("")
def show() -> Response | str:
    """The payment step: order, delivery, and the Klarna widget with the Buy button."""
    cart = current_cart(for_update=True)
    if cart is None:
        flash(str(EMPTY_CART_MESSAGE), "error")
        return redirect(url_for("cart.show"))
    try:
        state = page_state(cart)
    except CheckoutIncomplete as error:
        flash(error.user_message, "error")
        return redirect(step_url(error))
    except OrderInProgress as error:
        return redirect(url_for("orders.confirmation", number=error.number))
    return render_template("payment/show.html", **state)


def page_state(cart: Cart, **context: Any) -> dict[str, Any]:
    """The page with the cart's Klarna session in step, or without the widget and why.

    Raises CheckoutIncomplete and OrderInProgress (see `start_payment`).
    """
    try:
        page = start_payment(cart, today=today(), language=current_language())
    except PaymentError as error:
        overview = checkout.checkout_overview(cart, today=today())
        return page_context(cart, overview, None, problem=error.user_message, **context)
    return page_context(cart, page.overview, page, **context)


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
        "klarna_calls": cart_calls(cart),
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
        state = page_state(cart, **context)
    except CheckoutIncomplete as error:
        return jsonify(
            messages=as_json([*messages, ("error", error.user_message)]), redirect=step_url(error)
        )
    except OrderInProgress as error:
        return jsonify(
            messages=as_json(messages),
            redirect=url_for("orders.confirmation", number=error.number),
        )
    return jsonify(messages=as_json(messages), fragments=fragments(state), payment=state["widget"])


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


EditView = Callable[..., Response | str]
# Builds an edit's form from the posted body; None when it needs a cart and there is none.
FormFor = Callable[[Cart | None], ShopForm | None]
# Answers a refused edit: its form and what to tell the shopper.
Refusal = Callable[[Cart | None, Any, list[str]], Response | str]


def answer_refused(cart: Cart | None, form: ShopForm, errors: list[str]) -> Response:
    """Answer a refused edit with its errors (JSON or flash and redirect)."""
    return edited(cart, [("error", error) for error in errors])


def cart_edit(form_for: FormFor, refused: Refusal = answer_refused) -> Callable[..., EditView]:
    """Make a payment-page edit view from a function that applies it.

    The function gets the locked cart, the validated form and the URL's values; it calls one
    service (which raises ShopError to refuse) and returns what to tell the shopper, or None.
    While the cart's order is being placed the edit is refused before anything is read
    (`editable_cart`: 409, see storefront.views.errors).
    The view answers every outcome through `edited`, or `refused` with the form.
    """

    def decorate(apply: Callable[..., str | None]) -> EditView:
        @wraps(apply)
        def view(**values: Any) -> Response | str:
            cart = editable_cart()
            form = form_for(cart)
            if form is None:
                return edited(None, [("error", str(EMPTY_CART_MESSAGE))])
            if not form.validate_on_submit():
                return refused(cart, form, form.error_messages())
            if cart is None:
                return edited(None, [("error", str(EMPTY_CART_MESSAGE))])
            try:
                done = apply(cart, form, **values)
            except ShopError as error:
                return refused(cart, form, [error.user_message])
            return edited(cart, [("success", done)] if done else [])

        return view

    return decorate


def posted(form_class: type[ShopForm]) -> FormFor:
    """The form of an edit that needs nothing from the cart to read it."""
    return lambda cart: form_class()


def shipping_form(cart: Cart | None) -> ShippingForm | None:
    """The shipping form, offering the methods (and fees) of this cart's market."""
    if cart is None:
        return None
    overview = checkout.checkout_overview(cart, today=today())
    return ShippingForm(checkout.shipping_options(overview.priced), overview.snapshot.market)


def details_form(cart: Cart | None) -> DetailsForm | None:
    """The details form, checked against the cart's market."""
    if cart is None:
        return None
    return DetailsForm(MARKETS[cart.market])


def details_refused(cart: Cart | None, form: DetailsForm, errors: list[str]) -> Response | str:
    """Show the details form again with its errors, keeping what the shopper typed."""
    assert cart is not None  # details_form gives no form without a cart
    messages: list[Message] = [("error", error) for error in errors]
    if wants_json():
        return edited(cart, messages, details_form=form)
    for category, text in messages:
        flash(text, category)
    context = page_context(
        cart,
        checkout.checkout_overview(cart, today=today()),
        None,
        details_form=form,
        problem=gettext("Save your corrected details to continue to payment."),
    )
    return render_template("payment/show.html", **context)


@bp.post("/items/<sku>/quantity")
@cart_edit(posted(ChangeQuantityForm))
def change_quantity(cart: Cart, form: ChangeQuantityForm, sku: str) -> str:
    """Set a line's quantity."""
    assert form.quantity.data is not None  # the form validated: InputRequired
    carts.change_quantity(cart, sku, form.quantity.data)
    return gettext("Quantity updated.")


@bp.post("/items/<sku>/remove")
@cart_edit(posted(ActionForm))
def remove(cart: Cart, form: ActionForm, sku: str) -> str:
    """Remove a product from the cart."""
    carts.remove_item(cart, sku)
    return gettext("Removed from your cart.")


@bp.post("/coupon")
@cart_edit(posted(ApplyCouponForm))
def apply_coupon(cart: Cart, form: ApplyCouponForm) -> str:
    """Apply a coupon code (failed codes count against the client's limit)."""
    code = (form.code.data or "").upper()
    failures_limited(COUPON_CODES, request.remote_addr, checkout.apply_coupon)(
        cart, code, today=today()
    )
    return gettext("Coupon %(code)s applied.", code=code)


@bp.post("/coupon/remove")
@cart_edit(posted(ActionForm))
def remove_coupon(cart: Cart, form: ActionForm) -> str:
    """Take the coupon off the cart."""
    checkout.remove_coupon(cart)
    return gettext("Coupon removed.")


@bp.post("/shipping")
@cart_edit(shipping_form)
def shipping(cart: Cart, form: ShippingForm) -> str:
    """Choose another shipping method."""
    checkout.choose_shipping(cart, form.method.data)
    return gettext("Shipping changed.")


@bp.post("/details")
@cart_edit(details_form, refused=details_refused)
def details(cart: Cart, form: DetailsForm) -> str:
    """Change contact details or addresses; errors are shown next to the fields."""
    save_details_from(cart, form)  # raises InvalidDetails
    return gettext("Details saved.")


@bp.post("/session")
@cart_edit(posted(ActionForm))
def recheck(cart: Cart, form: ActionForm) -> None:
    """checkout.js could not load the widget: replace the session if Klarna dropped it.

    Each recheck is a Klarna read, so every one counts against the client's limit (429).
    """
    spend_attempt(SESSION_RECHECKS, request.remote_addr)
    recheck_session(cart)


@bp.post("/declined")
def declined() -> Response:
    """checkout.js reports Klarna's hard decline, so Klarna stays hidden for this cart."""
    form = ActionForm()
    cart = current_cart(for_update=True)
    if form.validate_on_submit() and cart is not None:
        record_decline(cart, today=today())
    return edited(cart, [("error", str(DECLINED_MESSAGE))])


@bp.post("/place")
def place() -> Response:
    """Place the order for the token Klarna's authorize() gave the page (exactly once)."""
    form = PlaceOrderForm()
    if not form.validate_on_submit():
        flash(
            gettext("Your payment could not be sent. Please reload the page and try again."),
            "error",
        )
        return redirect(url_for("payment.show"))
    token = form.authorization_token.data or ""
    session_id = form.klarna_session_id.data or ""
    payment = find_payment(current_cart(), session_id, token)
    if payment is None:
        flash(gettext("This payment is no longer open. Please check your cart."), "error")
        return redirect(url_for("cart.show"))
    try:
        placement = place_order(
            payment.id,
            token,
            klarna_session_id=session_id,
            today=today(),
            purchase_fingerprint_seen=form.purchase_fingerprint.data,
            language=current_language(),
            wait_seconds=PLACE_ORDER_WAIT_SECONDS,
            payment_method_category=form.authorized_category.data or None,
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
        return redirect(step_url(error), 303)
    except PaymentError as error:
        flash(error.user_message, "error")
        return redirect(url_for("payment.show"), 303)
    if isinstance(placement, Subscribed) and placement.token_status == TokenClaimStatus.FAILED:
        flash(str(UNAVAILABLE_MESSAGE), "error")
        return redirect(url_for("payment.show"), 303)
    if isinstance(placement, Subscribed):
        remember_order(placement.order_number)
        session.pop(CART_KEY, None)
        return redirect(url_for("subscriptions.show", number=placement.order_number), 303)
    order = placement.order
    if order.status == OrderStatus.REJECTED:
        flash(str(DECLINED_MESSAGE), "error")
        return redirect(url_for("payment.show"), 303)
    remember_order(order.number)
    session.pop(CART_KEY, None)
    confirmation = url_for("orders.confirmation", number=order.number)
    return redirect(placement.redirect_url or confirmation, 303)
