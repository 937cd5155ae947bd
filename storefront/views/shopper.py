"""The shopper's session: their market and cart token, and what every page's header shows.

The session cookie is signed, so the cart token in it cannot be forged or swapped; a cart is
only ever found through the token of the session that created it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from storefront.forms import ChangeMarketForm
from storefront.markets import MARKETS, Market, market_for
from storefront.models import Cart
from storefront.money import format_rate
from storefront.services import carts
from storefront.services.errors import ShopError

# Session keys: the cart's random token, and the chosen market code.
CART_KEY = "cart"
MARKET_KEY = "market"


def leave_database_out_of_header() -> None:
    """Render this request's page without the header's cart count (the database is busy)."""
    g.header_without_database = True


def current_market() -> Market:
    """The market the shopper chose, or the default one."""
    return market_for(session.get(MARKET_KEY))


def remember_market(market: Market) -> None:
    """Keep the shopper's market in their session."""
    session[MARKET_KEY] = market.code


def current_cart(*, for_update: bool = False) -> Cart | None:
    """The session's cart, if it has one."""
    return carts.find_cart(session.get(CART_KEY), for_update=for_update)


def current_or_new_cart() -> Cart:
    """The session's cart (locked for a change), creating one in the current market if needed."""
    cart = current_cart(for_update=True)
    if cart is None:
        cart = carts.create_cart(current_market())
        session[CART_KEY] = cart.token
    return cart


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


def today() -> date:
    """Today's date in UTC, the calendar coupon validity is kept in."""
    return datetime.now(UTC).date()


def run_service(service: Callable[..., Any], *args: Any, done: str, **kwargs: Any) -> bool:
    """Call a service; flash `done`, or the shopper-facing reason it refused. True if done."""
    try:
        service(*args, **kwargs)
    except ShopError as error:
        flash(error.user_message, "error")
        return False
    flash(done, "success")
    return True


def flash_form_errors(form: FlaskForm) -> None:
    """Flash each field error of a refused form (for forms without a page of their own)."""
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


def init_app(app: Flask) -> None:
    """Give every template the shopper's market, the market switcher and the cart count."""

    @app.context_processor
    def shopper_context() -> dict[str, Any]:
        market = current_market()
        return {
            "market": market,
            "markets": MARKETS,
            "market_form": ChangeMarketForm(formdata=None, market=market.code),
            "cart_item_count": None
            if g.get("header_without_database")
            else carts.item_count(session.get(CART_KEY)),
        }

    @app.template_filter("money")
    def money_filter(amount_minor: int) -> str:
        """Format minor units in the shopper's market, e.g. {{ 2499 | money }}."""
        return current_market().format_amount(amount_minor)

    app.add_template_filter(format_rate, "rate")
