"""What the page areas share: answering a form (JSON, flash, redirect) and the checkout steps.

Not a blueprint: views import this module, never each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from storefront.forms import DetailsForm, ShopForm
from storefront.models import Cart
from storefront.services import checkout
from storefront.services.checkout import CheckoutOverview, CheckoutStep
from storefront.services.errors import CheckoutIncomplete, ShopError

Message = tuple[str, str]  # (category, text), as flash() takes them

STEP_ENDPOINTS = {
    CheckoutStep.CART: "cart.show",
    CheckoutStep.DETAILS: "checkout.details",
    CheckoutStep.SHIPPING: "checkout.shipping",
    CheckoutStep.SUMMARY: "checkout.summary",
}


def step_url(incomplete: CheckoutIncomplete) -> str:
    """The page of the checkout step the shopper still has to do."""
    return url_for(STEP_ENDPOINTS[CheckoutStep(incomplete.step)])


def wants_json() -> bool:
    """True when checkout.js sent the request (it asks for JSON); False for a plain form."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def as_json(messages: list[Message]) -> list[dict[str, str]]:
    """Messages as checkout.js shows them."""
    return [{"category": category, "text": text} for category, text in messages]


def redirect_back(endpoint: str, **values: Any) -> Response:
    """Redirect to the form's `next` page if it is a path on this site, else to `endpoint`.

    Only a local path is followed, so a form cannot be turned into an open redirect.
    """
    target = request.form.get("next", "")
    return redirect(target if is_local_path(target) else url_for(endpoint, **values))


def is_local_path(target: str) -> bool:
    r"""True for a path on this site: "/cart", not "//evil.example" or "https://evil.example".

    Browsers drop tabs and newlines from a URL and read a backslash as a slash (and Werkzeug
    drops tabs when it writes the Location header), so "/\t/evil.example" and "/\evil.example"
    both mean "//evil.example"; a newline would also split the header (a 500). So a target
    with a control character or a backslash anywhere is not followed.
    """
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    )


def run_service(service: Callable[..., Any], *args: Any, done: str | None, **kwargs: Any) -> bool:
    """Call a service; flash `done` (None: nothing), or why it refused. True if done."""
    try:
        service(*args, **kwargs)
    except ShopError as error:
        flash(error.user_message, "error")
        return False
    if done is not None:
        flash(done, "success")
    return True


def flash_form_errors(form: ShopForm) -> None:
    """Flash each field error of a refused form (for forms without a page of their own)."""
    for error in form.error_messages():
        flash(error, "error")


def save_details_from(cart: Cart, form: DetailsForm) -> None:
    """Store a validated details form on the cart (raises InvalidDetails)."""
    checkout.save_details(
        cart,
        email=form.email.data or "",
        phone=form.phone.data or "",
        billing=form.billing_address(),
        shipping=form.shipping_address(),
    )


def details_form_data(cart: Cart, overview: CheckoutOverview) -> dict[str, Any]:
    """What the details form shows before the shopper types: what they saved last time."""
    snapshot = overview.snapshot
    data: dict[str, Any] = {
        "email": cart.email,
        "phone": cart.phone,
        "ship_to_billing": cart.ship_to_billing,
    }
    if snapshot.billing_address:
        data["billing"] = asdict(snapshot.billing_address)
    if snapshot.shipping_address and not cart.ship_to_billing:
        data["shipping"] = asdict(snapshot.shipping_address)
    return data
