"""Cart pages: show the cart, add, change and remove items, apply and remove a coupon.

Each POST parses one form, calls one service function and redirects (post/redirect/get);
a refused request flashes the service's message and changes nothing. While the cart's order
is being placed every change is refused (`editable_cart`).
"""

from __future__ import annotations

from typing import cast

from flask import Blueprint, flash, get_flashed_messages, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response

from storefront.forms import ActionForm, AddToCartForm, ApplyCouponForm, ChangeQuantityForm
from storefront.services import carts, checkout
from storefront.services.rate_limits import COUPON_CODES, failures_limited
from storefront.views.responses import (
    Message,
    as_json,
    flash_form_errors,
    redirect_back,
    run_service,
    wants_json,
)
from storefront.views.shopper import current_cart, current_or_new_cart, editable_cart, today

bp = Blueprint("cart", __name__, url_prefix="/cart")


@bp.get("")
def show() -> str:
    """Show the cart with its totals, tax breakdown and coupon."""
    cart = current_cart()
    overview = checkout.checkout_overview(cart, today=today()) if cart else None
    return render_template(
        "cart/show.html",
        cart=cart,
        overview=overview,
        coupon_form=ApplyCouponForm(formdata=None),
    )


@bp.post("/add")
def add() -> Response:
    """Add a product to the cart; static/js/add-to-cart.js asks for JSON and stays on its page."""
    form = AddToCartForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        run_service(
            carts.add_item,
            current_or_new_cart(),
            form.sku.data,
            form.quantity.data,
            form.plan.data or "",
            done=gettext("Added to your cart."),
        )
    if wants_json():
        return added_answer()
    return redirect_back("cart.show")


def added_answer() -> Response:
    """The add's messages and the header's re-rendered cart link, for add-to-cart.js."""
    # with_categories=True: the (category, text) pairs flash() stored.
    messages = cast(list[Message], get_flashed_messages(with_categories=True))
    return jsonify(
        messages=as_json(messages),
        fragments={"cart_link": render_template("_cart_link.html")},
    )


@bp.post("/items/<sku>/quantity")
def change_quantity(sku: str) -> Response:
    """Set a line's quantity."""
    form = ChangeQuantityForm()
    cart = editable_cart()
    if not form.validate_on_submit():
        flash_form_errors(form)
    elif cart is None:
        flash(gettext("Your cart is empty."), "error")
    else:
        run_service(
            carts.change_quantity, cart, sku, form.quantity.data, done=gettext("Quantity updated.")
        )
    return redirect_back("cart.show")


@bp.post("/items/<sku>/remove")
def remove(sku: str) -> Response:
    """Remove a product from the cart."""
    form = ActionForm()
    cart = editable_cart()
    if form.validate_on_submit() and cart is not None:
        run_service(carts.remove_item, cart, sku, done=gettext("Removed from your cart."))
    else:
        flash(gettext("That product is not in your cart any more."), "error")
    return redirect_back("cart.show")


@bp.post("/coupon")
def apply_coupon() -> Response:
    """Apply a coupon code to the cart."""
    form = ApplyCouponForm()
    cart = editable_cart()
    if not form.validate_on_submit():
        flash_form_errors(form)
    elif cart is None or not cart.lines:
        flash(gettext("Add something to your cart before applying a coupon."), "error")
    else:
        code = (form.code.data or "").upper()
        apply_limited = failures_limited(COUPON_CODES, request.remote_addr, checkout.apply_coupon)
        done = gettext("Coupon %(code)s applied.", code=code)
        run_service(apply_limited, cart, code, today=today(), done=done)
    return redirect_back("cart.show")


@bp.post("/coupon/remove")
def remove_coupon() -> Response:
    """Take the coupon off the cart."""
    form = ActionForm()
    cart = editable_cart()
    if form.validate_on_submit() and cart is not None:
        run_service(checkout.remove_coupon, cart, done=gettext("Coupon removed."))
    return redirect_back("cart.show")
